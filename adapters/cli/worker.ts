import type { CliSession } from './session';

const PURGE_EVERY_MS = 10 * 60_000;

/** Runs a worker (and, for `start`, the chat bots that have tokens) until SIGINT or SIGTERM. */
export async function runWorkerUntilSignal(s: CliSession, mode: 'worker' | 'start'): Promise<number> {
  if (mode === 'start') s.log.info('no chat adapter is configured in this build: running the worker only');
  const worker = s.service.startWorker();
  const purge = () => {
    const ids = s.service.purgeExpired();
    if (ids.length) s.log.info({ tasks: ids }, 'rollback windows closed: journals and credentials deleted');
  };
  purge();
  const timer = setInterval(purge, PURGE_EVERY_MS);
  await worker.waitUntilReady();
  s.log.info({ concurrency: s.config.workerConcurrency }, 'worker ready');
  process.stderr.write(`tern ${mode}: worker ready (concurrency ${s.config.workerConcurrency}); Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(timer);
  await worker.close();
  return 0;
}
