// Issue 17, outcome and retry: a destination that refuses messages larger than its limit
// (Dovecot's quota_max_mail_size, not advertised, so each message reaches the server). The failures come out by category
// with the server's words and where each message is, on the card, in the CLI and in the e-mail;
// once the server takes them, `retry` copies only those (plus what arrived since), nothing twice,
// and one rollback removes both passes' messages. Real Dovecots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage, snapshotMailbox, withImap } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { migrate } from '../commands/migrate';
import { retry } from '../commands/retry';
import { rollback } from '../commands/rollback';
import { statusCard } from '../commands/views';
import { taskJson, taskText } from '../adapters/cli/render';
import { cardBlocks } from '../adapters/slack/render-card';
import { cardMessage } from '../adapters/discord/render';
import { taskEmail } from '../src/notify/task-email';
import { lastJson, runTernBinary } from './support/tern-binary';

let source: DovecotServer;
let destination: DovecotServer;
let redis: TestRedis;
let tern: TestTern;

beforeAll(async () => {
  [source, destination, redis] = await Promise.all([startDovecot('slash'), startDovecot('slash', { maxMailKb: 20, advertiseAppendLimit: false }), startRedis()]);
  tern = await startTern(redis.url);
  await tern.startWorker();
});

afterAll(async () => {
  await tern?.close();
  await Promise.all([source?.stop(), destination?.stop(), redis?.stop()]);
});

const subjects = async (acc: ReturnType<typeof account>, folder: string) =>
  withImap(acc, async (c) => {
    const lock = await c.getMailboxLock(folder);
    try {
      const out: string[] = [];
      for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope?.subject ?? '');
      return out.sort();
    } catch {
      return [];
    } finally {
      lock.release();
    }
  });

describe('messages the destination refuses as too large', () => {
  it('are reported by category, and a retry copies only them once the server takes them; one rollback removes both passes', async () => {
    const src = account(source, 'alice');
    const dst = account(destination, 'alice');
    const date = new Date('2026-03-04T10:00:00Z');
    for (const s of ['Small 1', 'Small 2', 'Small 3']) await seedMessage(src, 'INBOX', makeMessage({ subject: s }), {});
    await seedMessage(src, 'INBOX', makeMessage({ subject: 'Big report', bodyBytes: 40 * 1024, date }), { internalDate: date });
    await seedMessage(src, 'Archive', makeMessage({ subject: 'Big scan', bodyBytes: 60 * 1024 }), {});
    // Already at the destination before the task: never touched by its rollback.
    await seedMessage(dst, 'INBOX', makeMessage({ subject: 'Was there before' }), {});

    const first = await tern.waitFor((await migrate(tern.service, { from: imapUrl(source, 'alice'), to: imapUrl(destination, 'alice') }, tern.actor)).id);
    expect(first.status, first.error).toBe('completed_with_errors');
    expect(first.failedItems?.counts, JSON.stringify(first.failedItems)).toEqual({ too_large: 2 });
    const big = first.failedItems!.items.find((i) => i.subject === 'Big report')!;
    expect(big).toMatchObject({ kind: 'emails', category: 'too_large', folder: 'INBOX', count: 1, date: date.toISOString() });
    expect(big.id).toMatch(/^\d+$/);
    // The server's own words.
    expect(big.reason).toBe('Mail size is larger than the maximum size allowed by server configuration');
    expect(first.failedItems!.items.find((i) => i.subject === 'Big scan')).toMatchObject({ folder: 'Archive', category: 'too_large' });
    expect(await subjects(dst, 'INBOX')).toEqual(['Small 1', 'Small 2', 'Small 3', 'Was there before']);

    // The grouping, where people look: the CLI, --json, the card (Slack, Discord) and the e-mail.
    const text = taskText(first);
    expect(text).toMatch(/failed items by category:\n {4}Too large: 2\n/);
    expect(text).toMatch(/\n {6}INBOX · 2026-03-04 · "Big report" · id \d+: Mail size is larger than the maximum size allowed by server configuration/);
    expect(text).toMatch(/Archive · \d{4}-\d\d-\d\d · "Big scan" · id \d+:/);
    expect(taskJson(first)).toMatchObject({ failedItems: { counts: { too_large: 2 } }, pass: 1 });
    const card = statusCard(first);
    expect(card.notes).toContain('Too large: 2');
    expect(card.notes.some((n) => /^• INBOX · 2026-03-04 · "Big report" · id \d+: /.test(n))).toBe(true);
    expect(card.buttons.map((b) => b.action)).toEqual(['rollback', 'retry', 'refresh']);
    const slack = JSON.stringify(cardBlocks(card));
    expect(slack).toContain('Too large: 2');
    expect(slack).toContain('"action_id":"tern_retry"');
    const discord = cardMessage(card);
    expect(JSON.stringify(discord.embeds)).toContain('Too large: 2');
    expect(discord.components[0].components.map((b) => ('custom_id' in b ? b.custom_id : ''))).toContain(`tern:retry:${first.id}`);
    const mail = taskEmail(first, 'completed_with_errors');
    expect(mail.text).toMatch(/Failed items by category:\nToo large: 2\n/);
    expect(mail.text).toMatch(/\n {2}INBOX · 2026-03-04 · "Big report" · id \d+: Mail size is larger/);
    expect(mail.text).toContain(`tern retry ${first.id}`);
    expect(mail.html).toContain('<h4>Too large: 2</h4>');

    // The server takes larger messages now; a new one arrived at the source meanwhile.
    await destination.setMaxMailKb(1024);
    await seedMessage(src, 'INBOX', makeMessage({ subject: 'Arrived since' }), {});
    // The real binary: `tern retry ID --json` follows the pass to its end (exit code 0: completed).
    const cli = await runTernBinary(['retry', first.id, '--json'], tern.env);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain(`Retrying ${first.id} (pass 2)…`);
    expect(lastJson(cli.stdout)).toMatchObject({ id: first.id, status: 'completed', pass: 2, failedItems: null, progress: { etaSeconds: null } });
    const second = await tern.service.view(first.id);
    expect(second.status, second.error).toBe('completed');
    expect(second.failedItems).toBeUndefined();
    expect(second.steps[0]).toMatchObject({ failed: 0, total: 6 });
    // Only what failed, and what arrived: nothing twice.
    expect(await subjects(dst, 'INBOX')).toEqual(['Arrived since', 'Big report', 'Small 1', 'Small 2', 'Small 3', 'Was there before']);
    expect(await subjects(dst, 'Archive')).toEqual(['Big scan']);
    expect(statusCard(second).buttons.map((b) => b.action)).toEqual(['rollback', 'refresh']);
    expect((await tern.service.view(first.id)).pass).toBe(2);

    // A retry is for an ended task only.
    await expect(rollback(tern.service, { taskId: first.id }, tern.actor)).resolves.toMatchObject({ status: 'rolling_back' });
    await expect(retry(tern.service, { taskId: first.id }, tern.actor)).rejects.toThrow(/is being rolled back/);
    const rolled = await tern.waitFor(first.id, (t) => t.status !== 'rolling_back');
    expect(rolled.status).toBe('rolled_back');
    // One rollback, both passes: only what was there before stays.
    expect(await subjects(dst, 'INBOX')).toEqual(['Was there before']);
    expect((await snapshotMailbox(dst)).folders.find((f) => f.path === 'Archive')?.messages ?? []).toEqual([]);
    await expect(retry(tern.service, { taskId: first.id }, tern.actor)).rejects.toThrow(/has been rolled back: start a new migration/);
  });
});
