import type { Config } from '../src/config';
import type { Logger } from '../src/log';
import type { TernService } from '../src/service/service';
import { createSlackBot } from './slack/app';
import { createDiscordBot } from './discord/app';

/** Starts the chat bots that have tokens; returns how to stop them. */
export async function startBots(config: Config, service: TernService, log: Logger): Promise<{ names: string[]; stop(): Promise<void> }> {
  const running: Array<{ name: string; stop(): Promise<void> }> = [];
  if (config.slack) {
    const bot = createSlackBot({ ...config, slack: config.slack }, service, log);
    await bot.start();
    running.push({ name: 'slack', stop: bot.stop });
  }
  if (config.discord) {
    const bot = createDiscordBot({ ...config, discord: config.discord }, service, log);
    await bot.start();
    running.push({ name: 'discord', stop: bot.stop });
  }
  return { names: running.map((r) => r.name), stop: async () => void (await Promise.all(running.map((r) => r.stop()))) };
}
