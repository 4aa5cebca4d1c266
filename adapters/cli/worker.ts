import type { CliSession } from './session';
import type { WorkerMessage } from './worker-process';

/** SIGTERM to exit, under the 10 s container runtimes allow by default (Docker's stop timeout). */
const SHUTDOWN_MS = 9_000;
/** A worker under `tern start` leaves itself less, so that `tern start` sees it gone before its own deadline. */
const SUPERVISED_SHUTDOWN_MS = 8_000;

/** Resolves at SIGINT or SIGTERM (or `also`). */
function signalled(also?: (stop: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    also?.(resolve);
  });
}

/** Past the deadline the process goes regardless: a run stopped mid-write resumes from its journal. */
function exitAfter(s: CliSession, ms: number): void {
  setTimeout(() => {
    s.log.warn('shutdown took too long: exiting now; the tasks in progress resume when a worker runs again');
    process.exit(0);
  }, ms).unref();
}

/**
 * `tern worker`: runs a worker until SIGINT or SIGTERM. `supervised`: forked by `tern start`, it
 * says when it is ready over the IPC channel, and stops when `tern start` is gone.
 */
export async function runWorkerUntilSignal(s: CliSession, supervised = false): Promise<number> {
  // prom-client and the HTTP server load only when TERN_METRICS_PORT asks for them. The port is
  // taken first: a port in use is said before anything else has started.
  const ops = s.config.metrics ? await s.service.operations() : undefined;
  const server = ops && s.config.metrics ? await (await import('../ops/server')).startOpsServer(ops, s.config.metrics.host, s.config.metrics.port) : undefined;
  // The engine hands every promise a handler; should one slip through, the bug is logged and the
  // worker keeps serving its other tasks instead of dying with them.
  process.on('unhandledRejection', (reason) => s.log.error({ err: reason }, 'unhandled promise rejection (a bug): the worker goes on'));
  const worker = await s.service.startWorker(ops?.observer());
  await worker.waitUntilReady();
  ops?.watch(worker);
  const what = [`worker (concurrency ${s.config.workerConcurrency})`, ...(server ? [`health and metrics on ${server.url}/healthz, /metrics`] : [])].join(' + ');
  if (supervised) process.send?.({ type: 'ready', what } satisfies WorkerMessage);
  else s.io.stderr(`tern worker: ${what} ready; Ctrl-C to stop\n`);
  // A `tern start` that is gone (killed) leaves no worker behind.
  await signalled(supervised ? (stop) => process.once('disconnect', stop) : undefined);
  const started = Date.now();
  exitAfter(s, supervised ? SUPERVISED_SHUTDOWN_MS : SHUTDOWN_MS);
  // The tasks in progress stop between batches (what is on the wire is answered and journaled) and resume later.
  const clean = await s.service.stopWorker(worker, (supervised ? SUPERVISED_SHUTDOWN_MS : SHUTDOWN_MS) - 2_000);
  s.log.info({ ms: Date.now() - started, clean }, supervised ? 'worker stopped' : 'stopped');
  await server?.close();
  if (supervised) process.disconnect?.();
  return 0;
}

/**
 * `tern start`: the chat bots that have tokens in this process, and a worker in a process of its
 * own (see worker-process.ts), until SIGINT or SIGTERM.
 */
export async function runStartUntilSignal(s: CliSession): Promise<number> {
  const { superviseWorker, WorkerStartFailed } = await import('./worker-process');
  // The worker starts first: a metrics port in use (the worker serves /healthz and /metrics) is said before the bots connect.
  const worker = superviseWorker(s.io.env, s.log);
  let what: string;
  try {
    what = await worker.ready;
  } catch (err) {
    if (err instanceof WorkerStartFailed) return err.exitCode;
    throw err;
  }
  // The chat SDKs load only here: every other command starts without them.
  const bots = await (await import('../bots')).startBots(s.config, s.service, s.log).catch(async (err: unknown) => {
    await worker.stop(SHUTDOWN_MS);
    throw err;
  });
  if (bots.names.length === 0) s.log.warn('no chat bot token is set (SLACK_BOT_TOKEN, DISCORD_TOKEN): running the worker only');
  process.on('unhandledRejection', (reason) => s.log.error({ err: reason }, 'unhandled promise rejection (a bug): the bots go on'));
  s.io.stderr(`tern start: ${[...bots.names, what].join(' + ')} ready; Ctrl-C to stop\n`);
  await signalled();
  const started = Date.now();
  exitAfter(s, SHUTDOWN_MS);
  const [, clean] = await Promise.all([
    bots.stop().catch((err: Error) => s.log.warn({ err: err.message }, 'a chat bot did not stop cleanly')),
    worker.stop(SHUTDOWN_MS - 500),
  ]);
  s.log.info({ ms: Date.now() - started, clean }, 'stopped');
  return 0;
}
