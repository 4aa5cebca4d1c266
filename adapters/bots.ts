import type { Config } from '../src/config';
import type { Logger } from '../src/log';
import type { TernService } from '../src/service/service';

/** Starts the chat bots that have tokens; returns how to stop them. Each SDK loads only when its bot runs. */
export async function startBots(config: Config, service: TernService, log: Logger): Promise<{ names: string[]; stop(): Promise<void> }> {
  const running: Array<{ name: string; stop(): Promise<void> }> = [];
  if (config.slack) {
    const { createSlackBot } = await import('./slack/app');
    const bot = createSlackBot({ ...config, slack: config.slack }, service, log);
    await bot.start();
    running.push({ name: 'slack', stop: bot.stop });
  }
  if (config.discord) {
    const { createDiscordBot } = await import('./discord/app');
    const bot = createDiscordBot({ ...config, discord: config.discord }, service, log);
    await bot.start();
    running.push({ name: 'discord', stop: bot.stop });
  }
  return { names: running.map((r) => r.name), stop: async () => void (await Promise.all(running.map((r) => r.stop()))) };
}
