// `tern start` (both chat bots, and the worker in its own process) stops cleanly on SIGTERM within 10 seconds (issue 19
// item 10): the Slack Socket Mode link and the Discord gateway are closed by the bots themselves,
// not cut by the exit deadline, and the task in progress pauses and resumes with nothing lost.
// The real binary, the Slack and Discord stand-ins, real Dovecot (behind a slow link) and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account, startTern, type TestTern } from './support/tern';
import { spawnTern } from './support/tern-process';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { startFakeSlack, type FakeSlack } from './fakes/slack-api';
import { APP_ID, startFakeDiscord, type FakeDiscord } from './fakes/discord';
import { until as waitUntil } from './support/until';

let src: DovecotServer;
let dst: DovecotServer;
let redis: TestRedis;
let proxy: LatencyProxy;
let tern: TestTern;
let slack: FakeSlack;
let discord: FakeDiscord;

beforeAll(async () => {
  [src, dst, redis, slack, discord] = await Promise.all([startDovecot('slash'), startDovecot('slash'), startRedis(), startFakeSlack(), startFakeDiscord()]);
  for (let i = 0; i < 40; i++) await seedMessage(account(src, 'alice'), 'INBOX', makeMessage({ subject: `Alice ${i}` }));
  proxy = await startLatencyProxy(dst.imapPort, 200);
  tern = await startTern(redis.url, { TERN_CONNECTIONS_PER_ACCOUNT: '1', TERN_JOB_LOCK_MS: '2000', TERN_IMAP_PIPELINING: '0' });
});

afterAll(async () => {
  await tern?.close();
  await proxy?.close();
  await Promise.all([slack?.close(), discord?.close()]);
  await Promise.all([src?.stop(), dst?.stop(), redis?.stop()]);
});

const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000) => waitUntil(what, probe, timeoutMs, 100);

describe('SIGTERM to tern start', () => {
  it('the Slack (Socket Mode) and Discord bots disconnect at once, the process exits within 10 s with its task paused; the task resumes later, every message once', async () => {
    const env = { ...tern.env, LOG_LEVEL: process.env.CHILD_LOG ?? 'info', SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.url, DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: discord.api };
    const start = spawnTern(['start'], env);
    const output = () => start.output();
    await until('both bots and the worker ready', () => /slack \+ discord \+ worker/.test(output()), 90_000);
    expect(slack.socketMode.connections.filter((c) => !c.closedAt)).toHaveLength(1);
    expect(discord.gatewayConnections).toBe(1);

    const imap = (port: number) => ({ protocol: 'imap' as const, host: '127.0.0.1', port, secure: false, insecure: false, user: 'alice', password: 'alicepass' });
    const task = await tern.service.create({ source: imap(src.imapPort), destination: imap(proxy.port), items: ['emails'] }, tern.actor);
    await until('copying under way', async () => {
      const t = await tern.service.view(task.id);
      return t.status === 'running' && t.steps[0].copied >= 3;
    }, 120_000);
    const signalled = Date.now();
    start.child.kill('SIGTERM');
    const code = await start.exited;
    const took = Date.now() - signalled;
    const out = output();
    if (process.env.SHOW_OUTPUT) console.log(out);
    expect(code, out).toBe(0);
    expect(took, out).toBeLessThan(10_000);
    // The bots close their links themselves, at once, rather than being cut by the exit.
    const slackClosed = slack.socketMode.connections[0].closedAt;
    expect(slackClosed, 'the Socket Mode link was closed').toBeDefined();
    expect(slackClosed! - signalled, 'Slack disconnected within 2 s of SIGTERM').toBeLessThan(2_000);
    expect(discord.gatewayConnections).toBe(0);
    expect(discord.gatewayClosedAt! - signalled, 'Discord disconnected within 2 s of SIGTERM').toBeLessThan(2_000);
    // The task stopped early: its worker stopped between batches and said so, and tern start
    // finished stopping, both before their deadlines fired (a deadline exits without these lines).
    expect(start.logs().find((r) => r.msg === 'worker stopped'), out).toMatchObject({ clean: true });
    expect(start.logs().find((r) => r.msg === 'stopped'), out).toMatchObject({ clean: true });
    expect(out).not.toContain('shutdown took too long');
    expect(out).not.toContain('did not stop in time');
    const paused = await tern.service.view(task.id);
    // Paused: not ended, not failed; what was on the wire is journaled with its id. The resume
    // below proves that nothing was lost or copied twice.
    expect(paused.status, 'paused, not failed').toBe('running');
    expect(paused.steps[0].copied).toBeLessThan(40);
    expect((await tern.runtime.journal.entries(task.id, { kind: 'message' })).filter((e) => !e.ref), 'no intent left without its id').toEqual([]);

    await tern.startWorker();
    expect((await tern.waitFor(task.id)).status).toBe('completed');
    const from = contentView(await snapshotMailbox(account(src, 'alice')));
    const to = contentView(await snapshotMailbox(account(dst, 'alice')));
    expect(to.INBOX, 'every message once, none twice').toEqual(from.INBOX);
  });
});
