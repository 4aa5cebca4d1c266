import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Operations } from '../../src/service/operations';
import { TernError } from '../../src/errors';

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The operator's HTTP surface of `tern start` / `tern worker`: GET /healthz (200 when the store,
 * Redis and this process's worker answer, else 503; JSON either way) and GET /metrics (Prometheus
 * text format). Nothing else, and never a secret: the reports carry states, counts and host names.
 */
export async function startOpsServer(ops: Operations, host: string, port: number): Promise<OpsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only\n');
    if (path === '/healthz') {
      ops.health().then(
        (report) => send(res, report.ok ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`),
        (err: Error) => send(res, 503, 'application/json', `${JSON.stringify({ ok: false, error: err.message })}\n`),
      );
      return;
    }
    if (path === '/metrics') {
      ops.metrics.text().then(
        (text) => send(res, 200, ops.metrics.contentType, text),
        (err: Error) => send(res, 500, 'text/plain', `metrics failed: ${err.message}\n`),
      );
      return;
    }
    send(res, 404, 'text/plain', 'not found: GET /healthz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'is in use' : err.code === 'EACCES' ? 'needs privileges' : err.code === 'EADDRNOTAVAIL' ? 'is not an address of this machine' : `cannot be used (${err.code ?? err.message})`;
      const what = err.code === 'EADDRNOTAVAIL' ? `TERN_METRICS_HOST ${host}` : `TERN_METRICS_PORT ${port} on ${host}`;
      reject(new TernError('CONFIG_INVALID', `${what} ${why}: choose another in TERN_METRICS_PORT / TERN_METRICS_HOST.`));
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}
