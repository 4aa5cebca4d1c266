import type { CliSession } from './session';
import { startBots } from '../bots';

/** Runs a worker (and, for `start`, the chat bots that have tokens) until SIGINT or SIGTERM. */
export async function runWorkerUntilSignal(s: CliSession, mode: 'worker' | 'start'): Promise<number> {
  const bots = mode === 'start' ? await startBots(s.config, s.service, s.log) : undefined;
  if (bots && bots.names.length === 0) s.log.warn('no chat bot token is set (SLACK_BOT_TOKEN, DISCORD_TOKEN): running the worker only');
  const worker = await s.service.startWorker();
  await worker.waitUntilReady();
  const what = [...(bots?.names ?? []), `worker (concurrency ${s.config.workerConcurrency})`].join(' + ');
  process.stderr.write(`tern ${mode}: ${what} ready; Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await bots?.stop();
  await worker.close();
  return 0;
}
