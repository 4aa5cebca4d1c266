import net from 'node:net';

/** Ask the kernel for a free port: bind 127.0.0.1:0, keep the port, release it. */
function listenEphemeral(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

function close(srv: net.Server): Promise<void> {
  return new Promise((resolve) => srv.close(() => resolve()));
}

function portOf(srv: net.Server): number {
  const addr = srv.address();
  if (!addr || typeof addr === 'string') throw new Error('no TCP address');
  return addr.port;
}

export async function freePort(): Promise<number> {
  const srv = await listenEphemeral();
  const port = portOf(srv);
  await close(srv);
  return port;
}

/**
 * Two distinct free ports. Both are held open at the same time so the kernel cannot hand out
 * the same port twice. (Another process may still grab one before it is used: callers retry.)
 */
export async function freePortPair(): Promise<[number, number]> {
  const a = await listenEphemeral();
  const b = await listenEphemeral();
  const pair: [number, number] = [portOf(a), portOf(b)];
  await Promise.all([close(a), close(b)]);
  return pair;
}
