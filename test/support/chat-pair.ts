// Both chat bots on one Tern, without a worker: a test creates real tasks (logins checked
// against Dovecot), then plays the task's progress into the store as a worker would write it, and
// reads back what each bot sent to the Slack and Discord stand-ins.
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { createSlackBot, type SlackBot } from '../../adapters/slack/app';
import { createDiscordBot, type DiscordBot } from '../../adapters/discord/app';
import type { FolderReport, TaskView } from '../../src/task';
import type { DovecotServer } from './dovecot';
import { startFakeSlack, type FakeSlack } from '../fakes/slack-api';
import { APP_ID, startFakeDiscord, type FakeDiscord } from '../fakes/discord';
import { SIGNING_SECRET } from './slack-harness';
import { freePort } from './ports';
import { startTern, type TestTern } from './tern';

export interface ChatPair {
  tern: TestTern;
  slack: FakeSlack;
  discord: FakeDiscord;
  slackBot: SlackBot;
  discordBot: DiscordBot;
  slackEventsUrl: string;
  /** The Tern both bots use (to read a task as the store has it). */
  service: TestTern['service'];
  /** A queued task alice → bob, requested by `requester` ("slack:U…" or "discord:123…"). */
  createTask(requester: string): Promise<TaskView>;
  /** Ends a task as a worker would: folder reports, the e-mail step done, the status. */
  finish(taskId: string, folders: FolderReport[], status?: 'completed' | 'completed_with_errors'): Promise<void>;
  close(): Promise<void>;
}

export async function startChatPair(redisUrl: string, dovecot: DovecotServer, env: Record<string, string> = {}): Promise<ChatPair> {
  const [slack, discord] = await Promise.all([startFakeSlack(), startFakeDiscord()]);
  const port = await freePort();
  const tern = await startTern(redisUrl, {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    PORT: String(port),
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: discord.api,
    ...env,
  });
  const config = loadConfig(tern.env);
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', { pretty: false });
  const slackBot = createSlackBot({ ...config, slack: config.slack! }, tern.service, log, { editIntervalMs: 50, pacing: { postMs: 50, fileMs: 50 }, retryConfig: { retries: 3, minTimeout: 0, maxTimeout: 1 } });
  const discordBot = createDiscordBot({ ...config, discord: config.discord! }, tern.service, log, { editIntervalMs: 50 });
  await Promise.all([slackBot.start(), discordBot.start()]);
  const imap = (user: string) => ({ protocol: 'imap' as const, host: '127.0.0.1', port: dovecot.imapPort, secure: false, insecure: false, user, password: `${user}pass` });
  return {
    tern,
    slack,
    discord,
    slackBot,
    discordBot,
    slackEventsUrl: `http://127.0.0.1:${port}/slack/events`,
    service: tern.service,
    createTask: (requester) => tern.service.create({ source: imap('alice'), destination: imap('bob'), items: ['emails'] }, { id: requester, label: requester, admin: false }),
    async finish(taskId, folders, status = 'completed') {
      const tasks = tern.runtime.tasks;
      const now = Date.now();
      for (const f of folders) await tasks.saveFolderReport(taskId, f);
      const sum = (k: 'copied' | 'failed' | 'sourceCount') => folders.reduce((n, f) => n + f[k], 0);
      await tasks.updateStep(taskId, 'emails', { status: 'done', total: sum('sourceCount'), copied: sum('copied'), failed: sum('failed'), startedAt: now - 1000, endedAt: now });
      await tasks.transition(taskId, ['queued', 'running'], status, { startedAt: now - 1000, endedAt: now, rollbackUntil: now + 3_600_000 });
      slackBot.cards.refresh(taskId);
      discordBot.cards.refresh(taskId);
    },
    async close() {
      await Promise.all([slackBot.stop(), discordBot.stop()]);
      await tern.close();
      await Promise.all([slack.close(), discord.close()]);
    },
  };
}

/** A folder report as the e-mail step writes it. */
export function folder(name: string, o: Partial<FolderReport> = {}): FolderReport {
  return { sourceFolder: name, destinationFolder: name, status: 'done', sourceCount: 2, copied: 2, alreadyPresent: 0, failed: 0, bytes: 2048, destinationCount: 2, ...o };
}
