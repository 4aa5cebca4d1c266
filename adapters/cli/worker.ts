import type { CliSession } from './session';

/** SIGTERM to exit, under the 10 s container runtimes allow by default (Docker's stop timeout). */
const SHUTDOWN_MS = 9_000;

/** Runs a worker (and, for `start`, the chat bots that have tokens) until SIGINT or SIGTERM. */
export async function runWorkerUntilSignal(s: CliSession, mode: 'worker' | 'start'): Promise<number> {
  // prom-client and the HTTP server load only when TERN_METRICS_PORT asks for them. The port is
  // taken first: a port in use is said before anything else has started.
  const ops = s.config.metrics ? await s.service.operations() : undefined;
  const server = ops && s.config.metrics ? await (await import('../ops/server')).startOpsServer(ops, s.config.metrics.host, s.config.metrics.port) : undefined;
  // The chat SDKs load only here: every other command starts without them.
  const bots = mode === 'start' ? await (await import('../bots')).startBots(s.config, s.service, s.log) : undefined;
  if (bots && bots.names.length === 0) s.log.warn('no chat bot token is set (SLACK_BOT_TOKEN, DISCORD_TOKEN): running the worker only');
  // The engine hands every promise a handler; should one slip through, the bug is logged and the
  // worker keeps serving its other tasks instead of dying with them.
  process.on('unhandledRejection', (reason) => s.log.error({ err: reason }, 'unhandled promise rejection (a bug): the worker goes on'));
  const worker = await s.service.startWorker(ops?.observer());
  await worker.waitUntilReady();
  ops?.watch(worker);
  const what = [...(bots?.names ?? []), `worker (concurrency ${s.config.workerConcurrency})`, ...(server ? [`health and metrics on ${server.url}/healthz, /metrics`] : [])].join(' + ');
  s.io.stderr(`tern ${mode}: ${what} ready; Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const started = Date.now();
  // Past the deadline the process goes regardless: a run stopped mid-write resumes from its journal.
  setTimeout(() => {
    s.log.warn('shutdown took too long: exiting now; the tasks in progress resume when a worker runs again');
    process.exit(0);
  }, SHUTDOWN_MS).unref();
  // The tasks in progress stop at their next write (each item is journaled) and resume later.
  await Promise.all([bots?.stop().catch((err: Error) => s.log.warn({ err: err.message }, 'a chat bot did not stop cleanly')), s.service.stopWorker(worker, SHUTDOWN_MS - 2_000)]);
  s.log.info({ ms: Date.now() - started }, 'stopped');
  await server?.close();
  return 0;
}
