// The pre-flight plan (tern plan, migrate --dry-run) and the options users expect (date range,
// folders, newest first, size cap), against real Dovecots: one destination with a quota and a
// message-size limit (APPENDLIMIT). The plan must leave the destination exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage, snapshotMailbox, withImap, type Account } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { runCli } from './support/cli-run';
import { plan } from '../commands/plan';
import { planText } from '../commands/plan-view';
import { migrate } from '../commands/migrate';
import type { PlanView } from '../src/plan';

let source: DovecotServer;
let limited: DovecotServer;
let plain: DovecotServer;
let redis: TestRedis;
let tern: TestTern;

const day = (s: string) => new Date(`${s}T12:00:00Z`);
const old = makeMessage({ subject: 'January', date: day('2024-01-10') });
const spring = makeMessage({ subject: 'April', date: day('2024-04-02') });
const big = makeMessage({ subject: 'Big June', date: day('2024-06-15'), bodyBytes: 30 * 1024 });
const december = makeMessage({ subject: 'December', date: day('2024-12-24') });

beforeAll(async () => {
  [source, limited, plain, redis] = await Promise.all([startDovecot('slash'), startDovecot('slash', { quotaKb: 1024, maxMailKb: 20 }), startDovecot('dot-inbox-prefix'), startRedis()]);
  tern = await startTern(redis.url);
  const src = account(source, 'alice');
  await seedMessage(src, 'INBOX', old, { internalDate: day('2024-01-10') });
  await seedMessage(src, 'INBOX', spring, { internalDate: day('2024-04-02') });
  await seedMessage(src, 'INBOX', big, { internalDate: day('2024-06-15') });
  await seedMessage(src, 'INBOX', december, { internalDate: day('2024-12-24') });
  await seedMessage(src, 'Projects/2024', makeMessage({ subject: 'Project note', date: day('2024-05-01') }), { internalDate: day('2024-05-01') });
  await seedMessage(src, 'Spam', makeMessage({ subject: 'Buy now', date: day('2024-07-01') }), { internalDate: day('2024-07-01') });
  // Already at the destination: the April message.
  await seedMessage(account(limited, 'alice'), 'INBOX', spring, { internalDate: day('2024-04-02') });
}, 120_000);

afterAll(async () => {
  await tern?.close();
  await Promise.all([source?.stop(), limited?.stop(), plain?.stop(), redis?.stop()]);
});

/** Every folder's listing, messages (flags, dates, bytes) and STATUS, HIGHESTMODSEQ included: what "untouched" means. */
async function fullState(acc: Account) {
  const snapshot = await snapshotMailbox(acc);
  const status = await withImap(acc, async (c) => {
    const out: Record<string, unknown> = {};
    for (const f of await c.list()) out[f.path] = await c.status(f.path, { messages: true, uidNext: true, uidValidity: true, highestModseq: true, unseen: true, recent: true });
    return out;
  });
  return { snapshot, status };
}

const folder = (p: PlanView, name: string) => p.folders.find((f) => f.sourceFolder === name)!;

describe('tern plan', () => {
  it('shows per folder counts, bytes, the largest, what is there already and what the destination cannot take, with quota and ETA; it writes nothing', async () => {
    const dst = account(limited, 'alice');
    const before = await fullState(dst);
    const found = await plan(tern.service, { from: imapUrl(source, 'alice'), to: imapUrl(limited, 'alice') }, tern.actor);
    expect(await fullState(dst)).toEqual(before);

    expect(folder(found, 'INBOX')).toMatchObject({ destinationFolder: 'INBOX', exists: true, count: 4, alreadyPresent: 1, tooLarge: 1, toCopy: 2, leftOut: 0 });
    expect(folder(found, 'INBOX').largest?.bytes).toBe(big.length);
    expect(folder(found, 'INBOX').toCopyBytes).toBe(old.length + december.length);
    expect(folder(found, 'Projects/2024')).toMatchObject({ exists: false, count: 1, toCopy: 1 });
    expect(found.totals).toMatchObject({ count: 6, alreadyPresent: 1, tooLarge: 1, toCopy: 4 });
    expect(found.messageSizeLimit).toBe(20 * 1024);
    expect(found.quota).toMatchObject({ limitBytes: 1024 * 1024, fits: true });
    expect(found.quota!.usedBytes).toBeGreaterThanOrEqual(spring.length);
    expect(found.quota!.afterBytes).toBe(found.quota!.usedBytes + found.totals.toCopyBytes);
    expect(found.probe.source!.roundTripMs).toBeGreaterThan(0);
    expect(found.probe.source!.bytesPerSecond).toBeGreaterThan(0);
    expect(found.probe.destination!.roundTripMs).toBeGreaterThan(0);
    expect(found.etaSeconds).toBeGreaterThanOrEqual(1);
    expect(found.warnings).toEqual(['1 message(s) are larger than the 20 KB the destination takes: they would fail.']);
    expect(JSON.stringify(found)).not.toContain('alicepass');
    const text = planText(found);
    expect(text).toMatch(/INBOX → INBOX: 4 \(.+\), 2 to copy, 1 already there, 1 too large, largest 30\.\d KB/);
    expect(text).toMatch(/Projects\/2024 → Projects\/2024 \(new\)/);
    expect(text).toMatch(/Destination quota: .* used of 1\.0 MB/);
    expect(text).toMatch(/Estimated time: about \d+s \(source [\d.]+ ms a round trip, reads .+\/s; destination [\d.]+ ms\)/);
  });

  it('applies the options: date range, folders, size cap; warns about a folder name that matches nothing', async () => {
    const found = await plan(
      tern.service,
      { from: imapUrl(source, 'alice'), to: imapUrl(plain, 'alice'), options: { since: '2024-03-01', before: '2024-12-01', excludeFolders: 'Spam', folders: 'INBOX, Projects, Nope', maxSize: '25KB' } },
      tern.actor,
    );
    expect(found.folders.map((f) => f.sourceFolder)).toEqual(expect.arrayContaining(['INBOX', 'Projects/2024']));
    expect(found.folders.map((f) => f.sourceFolder)).not.toContain('Spam');
    // January and December are out of range; the 30 KB June message is over the cap.
    expect(folder(found, 'INBOX')).toMatchObject({ count: 1, leftOut: 3, toCopy: 1, exists: true, destinationFolder: 'INBOX' });
    expect(folder(found, 'INBOX').note).toBe('2 outside the date range, 1 over the size cap left out by the task\'s options');
    expect(folder(found, 'Projects/2024')).toMatchObject({ destinationFolder: 'INBOX.Projects.2024', count: 1 });
    expect(found.warnings).toEqual(['No source folder is named "Nope": check the folder selection.']);
  });

  it('shows kinds the accounts cannot carry instead of refusing', async () => {
    const found = await plan(tern.service, { from: imapUrl(source, 'alice'), to: imapUrl(plain, 'alice'), items: 'emails,contacts' }, tern.actor);
    expect(found.kinds).toEqual([{ kind: 'emails', carried: true }, { kind: 'contacts', carried: false, reason: expect.stringMatching(/^Contacts cannot be migrated from this source/) }]);
    expect(planText(found)).toMatch(/Contacts: cannot be carried — Contacts cannot be migrated from this source/);
  });

  it('refuses bad options by name, before logging in', async () => {
    await expect(plan(tern.service, { from: imapUrl(source, 'alice'), to: imapUrl(plain, 'alice'), options: { since: '2024-02-30' } }, tern.actor)).rejects.toMatchObject({ code: 'BAD_OPTION', field: 'since', userMessage: expect.stringMatching(/--since "2024-02-30" is not a day/) });
    await expect(plan(tern.service, { from: imapUrl(source, 'alice'), to: imapUrl(plain, 'alice'), options: { maxSize: 'big' } }, tern.actor)).rejects.toMatchObject({ code: 'BAD_OPTION', field: 'maxSize' });
    await expect(plan(tern.service, { from: imapUrl(source, 'alice'), to: imapUrl(plain, 'alice'), options: { since: '2024-05-01', before: '2024-01-01' } }, tern.actor)).rejects.toMatchObject({ code: 'BAD_OPTION', field: 'before' });
  });

  it('is tern plan --json and tern migrate --dry-run on the command line; neither creates a task', async () => {
    const dst = account(limited, 'alice');
    const before = await fullState(dst);
    const json = await runCli(['plan', '--from', imapUrl(source, 'alice'), '--to', imapUrl(limited, 'alice'), '--exclude-folders', 'Spam', '--json'], tern.env);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as PlanView;
    expect(parsed.folders.map((f) => f.sourceFolder)).not.toContain('Spam');
    expect(parsed.options).toEqual({ excludeFolders: ['Spam'] });
    const dry = await runCli(['migrate', '--dry-run', '--from', imapUrl(source, 'alice'), '--to', imapUrl(limited, 'alice'), '--since', '2024-06-01'], tern.env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^Plan: alice on IMAP 127\.0\.0\.1:\d+ → alice on IMAP/);
    expect(dry.stdout).toMatch(/Options: received since 2024-06-01/);
    const bad = await runCli(['plan', '--from', imapUrl(source, 'alice'), '--to', imapUrl(limited, 'alice'), '--max-size', '12 parsecs'], tern.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tern: --max-size "12 parsecs" is not a size/);
    expect(await fullState(dst)).toEqual(before);
    expect(await tern.service.list({ ...tern.actor, admin: true }, { all: true })).toEqual([]);
  });
});

describe('options on a migration', () => {
  it('copies only what they select, newest first; a re-run with them copies nothing more', async () => {
    await tern.startWorker();
    const options = { since: '2024-03-01', excludeFolders: 'Spam', newestFirst: true, maxSize: '25KB' };
    const req = { from: imapUrl(source, 'bob'), to: imapUrl(plain, 'bob'), options };
    const src = account(source, 'bob');
    for (const [raw, date] of [[old, '2024-01-10'], [spring, '2024-04-02'], [big, '2024-06-15'], [december, '2024-12-24']] as const) await seedMessage(src, 'INBOX', raw, { internalDate: day(date) });
    await seedMessage(src, 'Spam', makeMessage({ subject: 'Buy now', date: day('2024-07-01') }), { internalDate: day('2024-07-01') });
    const done = await tern.waitFor((await migrate(tern.service, req, tern.actor)).id);
    expect(done.status, done.error).toBe('completed');
    expect(done.options).toEqual({ since: '2024-03-01', excludeFolders: ['Spam'], newestFirst: true, maxMessageBytes: 25 * 1024 });
    expect(done.folders.map((f) => f.sourceFolder)).not.toContain('Spam');
    expect(done.folders.find((f) => f.sourceFolder === 'INBOX')).toMatchObject({ sourceCount: 2, copied: 2, failed: 0, note: "1 outside the date range, 1 over the size cap left out by the task's options" });
    const landed = await snapshotMailbox(account(plain, 'bob'));
    expect(landed.folders.map((f) => f.path)).not.toContain('INBOX.Spam');
    expect(landed.folders.filter((f) => f.path !== 'INBOX').flatMap((f) => f.messages)).toEqual([]);
    // Newest first: December got the lower UID.
    expect(landed.folders.find((f) => f.path === 'INBOX')!.messages.map((m) => m.internalDate.slice(0, 10))).toEqual(['2024-12-24', '2024-04-02']);

    const again = await tern.waitFor((await migrate(tern.service, req, tern.actor)).id);
    expect(again.status).toBe('completed');
    expect(again.folders.find((f) => f.sourceFolder === 'INBOX')).toMatchObject({ sourceCount: 2, copied: 0, alreadyPresent: 2 });
    expect((await snapshotMailbox(account(plain, 'bob'))).folders.find((f) => f.path === 'INBOX')!.messages).toHaveLength(2);
  });
});
