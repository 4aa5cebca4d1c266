// A loopback relay that records the IMAP commands a client sends: what a test counts round trips by.
import net from 'node:net';

/** A loopback relay to a server that records the IMAP commands the client sends (tag and name). */
export interface CommandSpy {
  port: number;
  commands: string[];
  /** The command lines themselves (literals left out), in the order sent. */
  lines: string[];
  close(): Promise<void>;
}

export async function commandSpy(targetPort: number): Promise<CommandSpy> {
  const commands: string[] = [];
  const lines: string[] = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    let pending = '';
    client.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      const sent = pending.split('\r\n');
      pending = sent.pop()!;
      for (const line of sent) {
        const m = /^\S+ (UID \S+|\S+)/i.exec(line);
        if (m) commands.push(m[1].toUpperCase());
        if (m) lines.push(line);
      }
    });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, commands, lines, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
