// A TCP proxy in front of a real IMAP server that rewrites some of the server's answer lines, to
// make it say what only a provider says (Gmail's "Account exceeded command or bandwidth limits").
// The server still did what it was asked: the client only hears otherwise.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface AnswerProxy {
  port: number;
  /** How many answers were rewritten so far. */
  rewritten(): number;
  close(): Promise<void>;
}

/** `rewrite` gets each complete server line (without CRLF) and returns it, or another line. */
export async function startAnswerProxy(targetPort: number, rewrite: (line: string) => string): Promise<AnswerProxy> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => (s === client ? upstream : client).destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream);
    // Server lines are short but for literals, which hold CRLFs too: every line is passed on whole.
    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      let at: number;
      const out: Buffer[] = [];
      while ((at = pending.indexOf('\r\n')) >= 0) {
        const line = pending.subarray(0, at).toString('latin1');
        const changed = rewrite(line);
        if (changed !== line) count++;
        out.push(Buffer.from(`${changed}\r\n`, 'latin1'));
        pending = pending.subarray(at + 2);
      }
      if (out.length) client.write(Buffer.concat(out));
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    rewritten: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
