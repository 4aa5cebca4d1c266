import type { CliSession } from './session';

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
  await bots?.stop();
  await worker.close();
  await server?.close();
  return 0;
}
