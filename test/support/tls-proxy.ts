// A TLS front with a fresh self-signed certificate (openssl) for a plain-TCP test server: how a
// test reaches "a server whose certificate nobody trusts" without a CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface TlsProxy {
  port: number;
  close(): Promise<void>;
}

export async function selfSignedProxy(backPort: number): Promise<TlsProxy> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tern-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-subj', '/CN=localhost', '-days', '1'], { stdio: 'ignore' });
    const [key, cert] = [readFileSync(`${dir}/key.pem`), readFileSync(`${dir}/cert.pem`)];
    const server = tls.createServer({ key, cert }, (front) => {
      const back = net.connect(backPort, '127.0.0.1');
      front.on('error', () => back.destroy());
      back.on('error', () => front.destroy());
      front.pipe(back).pipe(front);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      port: (server.address() as net.AddressInfo).port,
      close: () => new Promise<void>((r) => server.close(() => r())),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
