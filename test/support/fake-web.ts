// A local HTTP server standing in for many HTTPS hosts (autoconfig.example.test, …), and a fetch
// that sends https://<host>/<path> there with the original host in X-Forwarded-Host. It records
// every request, headers included, so tests can check where a password was (not) sent.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebRequest {
  host: string;
  method: string;
  path: string;
  authorization?: string;
  body: string;
}

export type WebRoute = (req: WebRequest) => { status?: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface FakeWeb {
  fetch(url: string, init: RequestInit): Promise<Response>;
  route(hostAndPath: string, handler: WebRoute): void;
  requests: WebRequest[];
  close(): Promise<void>;
}

export async function startFakeWeb(): Promise<FakeWeb> {
  const routes = new Map<string, WebRoute>();
  const requests: WebRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const host = String(req.headers['x-forwarded-host'] ?? '');
      const path = (req.url ?? '/').split('?')[0];
      const r: WebRequest = { host, method: req.method ?? 'GET', path, authorization: req.headers.authorization, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const handler = routes.get(`${host}${path}`);
      const answer = handler ? handler(r) : { status: 404, body: 'not found' };
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status ?? 200, { 'content-type': 'text/xml; charset=utf-8', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    requests,
    route: (key, handler) => routes.set(key, handler),
    fetch: (url, init) => {
      const u = new URL(url);
      const headers = new Headers(init.headers);
      headers.set('x-forwarded-host', u.hostname);
      return fetch(`${origin}${u.pathname}${u.search}`, { ...init, headers });
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
