// The benchmark's delaying relay, in a process of its own at the highest CPU priority. In the
// benchmark's process it shared the 2 cores with the tool under test and both Dovecots, and a busy
// tool got its packets late (p90 6–8 ms late per hop at 20 ms RTT with Tern, 1–4 ms with mbsync):
// the relay then charged a tool for its own CPU use, which a real network (or a relay between
// network namespaces, issue 21) does not. Started by startRelay() below; it reports its ports over IPC.
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { startLatencyProxy } from '../support/latency-proxy';

export interface Relay {
  /** Relay port for each target port, in the order given. */
  ports: number[];
  stop(): Promise<void>;
}

/** Starts the relay process for these loopback ports; warns (and goes on) when it cannot raise its priority. */
export async function startRelay(targetPorts: number[], rttMs: number): Promise<Relay> {
  const child = fork(fileURLToPath(import.meta.url), [String(rttMs), ...targetPorts.map(String)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ports = await new Promise<number[]>((resolve, reject) => {
    child.once('message', (m) => resolve(m as number[]));
    child.once('exit', (code) => reject(new Error(`the delay relay exited with ${code} before it listened`)));
  });
  try {
    os.setPriority(child.pid!, -20);
  } catch (err) {
    process.stderr.write(`[bench] the delay relay runs at normal priority (${(err as Error).message}): a busy tool may see its packets late\n`);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ports,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const [rtt, ...targets] = process.argv.slice(2).map(Number);
  const proxies = await Promise.all(targets.map((port) => startLatencyProxy(port, rtt)));
  process.send(proxies.map((p) => p.port));
  process.on('SIGTERM', () => void Promise.all(proxies.map((p) => p.close())).then(() => process.exit(0)));
}
