import type { CliSession } from './session';

/** Runs a worker (and, for `start`, the chat bots that have tokens) until SIGINT or SIGTERM. */
export async function runWorkerUntilSignal(s: CliSession, mode: 'worker' | 'start'): Promise<number> {
  if (mode === 'start') s.log.info('no chat adapter is configured in this build: running the worker only');
  const worker = s.service.startWorker();
  await worker.waitUntilReady();
  s.log.info({ concurrency: s.config.workerConcurrency }, 'worker ready');
  process.stderr.write(`tern ${mode}: worker ready (concurrency ${s.config.workerConcurrency}); Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await worker.close();
  return 0;
}
