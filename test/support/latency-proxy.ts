// A TCP proxy that delays every chunk by half a round-trip time in each direction, so that a
// loopback benchmark can show what network latency does to a migration (BENCH_RTT_MS). Order
// is kept (equal delays fire in order); there is no bandwidth limit and no backpressure. It can
// also cut the link (every connection reset, new ones refused) and bring it back, as an outage.
import net from 'node:net';

export interface LatencyProxy {
  port: number;
  /** Resets every connection and refuses new ones until restore(). */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startLatencyProxy(targetPort: number, rttMs: number): Promise<LatencyProxy> {
  const sockets = new Set<net.Socket>();
  const delayed = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), rttMs / 2));
    from.on('end', () => setTimeout(() => to.end(), rttMs / 2));
  };
  let conns = 0;
  const t0 = Date.now();
  const server = net.createServer((client) => {
    const id = `${targetPort % 100}:${++conns}`;
    if (process.env.TRACE_PROXY) {
      client.on('data', (c: Buffer) => process.stderr.write(`TR ${Date.now() - t0} ${id} > ${c.length} ${JSON.stringify(c.subarray(0, 70).toString('latin1'))}\n`));
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => (s === client ? upstream : client).destroy());
      s.on('close', () => sockets.delete(s));
    }
    if (process.env.TRACE_PROXY) upstream.on('data', (c: Buffer) => process.stderr.write(`TR ${Date.now() - t0} ${id} < ${c.length} ${JSON.stringify(c.subarray(0, 50).toString('latin1'))}\n`));
    delayed(client, upstream);
    delayed(upstream, client);
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.resetAndDestroy();
      server.close(() => resolve());
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  return { port, cut: stop, restore: () => listen(port), close: stop };
}
