import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import type { Logger } from '../../src/log';

/**
 * `tern start`'s worker, in a process of its own (`tern worker`, forked from the same entry):
 * copying (TLS handshakes, MIME parsing, the store's synchronous writes) then never holds up the
 * event loop that answers chat within Slack's and Discord's few seconds, and it runs at a lower
 * CPU priority than the bots. Supervised: a worker that
 * dies is started again; SIGTERM stops it; its logs go to the same stdout and stderr.
 */
export interface SupervisedWorker {
  /** What the worker runs ("worker (concurrency 4) + health and metrics on …"), once it is ready the first time. */
  ready: Promise<string>;
  /** Asks the worker to stop (SIGTERM) and waits for it; past `withinMs` it is killed. True when it stopped by itself. */
  stop(withinMs: number): Promise<boolean>;
}

/** What a supervised worker tells `tern start` over the fork's IPC channel. */
export type WorkerMessage = { type: 'ready'; what: string };

/**
 * How much lower the worker's CPU priority is than the bots' (Unix niceness): on a busy machine
 * the bots' short answers go first, the copying takes what is left. Lowering a priority needs no privilege.
 */
const WORKER_NICENESS = 10;

/** Restart delays: a worker that keeps dying at start is not restarted in a tight loop. */
const RESTART_FIRST_MS = 1_000;
const RESTART_MAX_MS = 30_000;
/** A worker that ran this long before it died was not dying at start: the next restart is quick again. */
const RAN_WELL_MS = 60_000;

/** Exit code of `tern start` when its worker could not start (its own error is in the log above). */
export class WorkerStartFailed extends Error {
  constructor(readonly exitCode: number) {
    super(`the worker process exited with code ${exitCode} before it was ready`);
  }
}

export function superviseWorker(env: NodeJS.ProcessEnv, log: Logger): SupervisedWorker {
  // The entry this process was started from (bin/tern.js), with the same Node flags.
  const entry = process.argv[1];
  let child: ChildProcess | undefined;
  let stopping = false;
  let delayMs = RESTART_FIRST_MS;
  let restartTimer: NodeJS.Timeout | undefined;
  let firstReady: { resolve(what: string): void; reject(err: Error): void; settled: boolean };
  const ready = new Promise<string>((resolve, reject) => (firstReady = { resolve, reject, settled: false }));

  const start = () => {
    const startedAt = Date.now();
    const worker = fork(entry, ['worker', '--supervised'], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child = worker;
    try {
      os.setPriority(worker.pid!, Math.min(19, os.getPriority() + WORKER_NICENESS));
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not lower the worker process priority; it runs at the bots\' priority');
    }
    log.info({ pid: worker.pid }, 'worker process started');
    worker.on('message', (m: WorkerMessage) => {
      if (m?.type !== 'ready' || firstReady.settled) return;
      firstReady.settled = true;
      firstReady.resolve(m.what);
    });
    worker.once('exit', (code, signal) => {
      if (child === worker) child = undefined;
      if (stopping) return;
      // Never ready: a setting or a port is wrong; starting it again would only say so again.
      if (!firstReady.settled) {
        firstReady.settled = true;
        firstReady.reject(new WorkerStartFailed(code ?? 1));
        return;
      }
      if (Date.now() - startedAt >= RAN_WELL_MS) delayMs = RESTART_FIRST_MS;
      log.warn({ pid: worker.pid, code, signal, restartInMs: delayMs }, 'the worker process stopped unexpectedly; starting it again (its tasks resume from their journals)');
      restartTimer = setTimeout(start, delayMs);
      delayMs = Math.min(RESTART_MAX_MS, delayMs * 2);
    });
  };
  start();

  return {
    ready,
    async stop(withinMs) {
      stopping = true;
      clearTimeout(restartTimer);
      const worker = child;
      if (!worker || worker.exitCode !== null || worker.signalCode !== null) return true;
      const exited = new Promise<true>((resolve) => worker.once('exit', () => resolve(true)));
      worker.kill('SIGTERM');
      const stopped = await Promise.race([exited, new Promise<false>((r) => setTimeout(() => r(false), withinMs).unref())]);
      if (!stopped) {
        log.warn({ pid: worker.pid }, 'the worker process did not stop in time: killed; its tasks resume from their journals');
        worker.kill('SIGKILL');
        await exited;
      }
      return stopped;
    },
  };
}
