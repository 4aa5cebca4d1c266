// Microsoft 365 (Graph) migrations end to end, through the service and the real queue, against
// the fake Graph (CSDL-checked both ways) and a real Dovecot: IMAP → Graph and Graph → IMAP,
// Graph → Graph, Graph ↔ Exchange (fake EWS) and PST → Graph for e-mail, with throttling, at most
// 4 requests per mailbox, delta re-runs and rollback to the exact former state.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph, type FakeGraphMailbox } from './fakes/graph';
import { startFakeEws, type FakeEws } from './fakes/ews';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account, imapUrl, projectRoot, startTern, type TestTern } from './support/tern';
import { migrate } from '../commands/migrate';
import { rollback } from '../commands/rollback';
import { importPstFile } from '../commands/import-pst';
import { TernError } from '../src/errors';

const TOKENS: Record<string, string> = {
  'ann@m365.test': 'tok-ann',
  'ben@m365.test': 'tok-ben',
  'cat@m365.test': 'tok-cat',
  'dan@m365.test': 'tok-dan',
  'eve@m365.test': 'tok-eve',
  'fay@m365.test': 'tok-fay',
  'gus@m365.test': 'tok-gus',
};
const EWS_USERS = { 'xena@ex.test': 'xena-pw', 'yuri@ex.test': 'yuri-pw' };
const FIXTURES = path.resolve(projectRoot, '../shared/fixtures/pst');

let graph: FakeGraph;
let ews: FakeEws;
let dovecot: DovecotServer;
let redis: TestRedis;
let tern: TestTern;

beforeAll(async () => {
  // A little latency per answer lets overlapping requests show in peakConcurrency.
  [graph, ews, dovecot, redis] = await Promise.all([startFakeGraph({ users: TOKENS, pageSize: 5, latencyMs: 5 }), startFakeEws({ users: EWS_USERS }), startDovecot('slash'), startRedis()]);
  tern = await startTern(redis.url);
  await tern.startWorker();
}, 120_000);

afterAll(async () => {
  await tern?.close();
  await Promise.all([graph?.close(), ews?.close(), dovecot?.stop(), redis?.stop()]);
  // Every request the connector sent and every answer the fake gave, checked against the CSDL.
  expect(graph?.schemaErrors ?? []).toEqual([]);
  expect(graph?.internalErrors ?? []).toEqual([]);
  expect(ews?.schemaErrors ?? []).toEqual([]);
});

const graphUrl = (user: string, token = TOKENS[user]) => `graph+http://${encodeURIComponent(user)}:${encodeURIComponent(token)}@127.0.0.1:${new URL(graph.url).port}`;
const ewsUrl = (user: keyof typeof EWS_USERS) => `ews+http://${encodeURIComponent(user)}:${EWS_USERS[user]}@127.0.0.1:${ews.port}/EWS/Exchange.asmx`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const day = (n: number) => new Date(Date.UTC(2024, 2, n, 10, 0, 0));

/** What a Graph mailbox holds, by folder path: each message's hash, read state, flag, categories, received date, draft bit. */
function snapshot(box: FakeGraphMailbox) {
  return [...box.folders.values()]
    .filter((f) => f !== box.root)
    .map((f) => ({
      path: box.pathOf(f),
      messages: box
        .messagesIn(f.id)
        .map((m) => ({ sha: sha256(m.mime), flags: box.flagsOf(m), flag: m.flagStatus, categories: m.categories, received: m.extended.get('systemtime 0x0e06') }))
        .sort((a, b) => a.sha.localeCompare(b.sha)),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

async function run(from: string, to: string) {
  return tern.waitFor((await migrate(tern.service, { from, to }, tern.actor)).id);
}

async function undo(taskId: string) {
  await rollback(tern.service, { taskId }, tern.actor);
  const t = await tern.waitFor(taskId, (x) => x.status !== 'rolling_back');
  expect(t.status).toBe('rolled_back');
  return t;
}

describe('IMAP ↔ Microsoft 365 (Graph), e-mail', () => {
  it('IMAP → Graph: the same bytes in the mapped folders, never drafts, flags and dates kept, throttled and ≤ 4 requests at once; delta re-run; rollback', async () => {
    const a = account(dovecot, 'alice');
    await seedMessage(a, 'INBOX', makeMessage({ subject: 'Seen and flagged' }), { flags: ['\\Seen', '\\Flagged', 'Custom'], internalDate: day(2) });
    await seedMessage(a, 'INBOX', makeMessage({ subject: 'Unread', messageId: null }), { internalDate: day(3) });
    await seedMessage(a, 'Sent', makeMessage({ subject: 'Sent by IMAP' }), { flags: ['\\Seen'], internalDate: day(4) });
    await seedMessage(a, 'Work/Deep', makeMessage({ subject: 'Deep' }), { internalDate: day(5) });
    for (let i = 0; i < 12; i++) await seedMessage(a, 'Bulk', makeMessage({ subject: `Bulk ${i}` }), { internalDate: day(6 + i) });
    const ann = graph.mailbox('ann@m365.test');
    const before = snapshot(ann);

    graph.throttle('ann@m365.test', { status: 429, retryAfterSeconds: 1, times: 2 });
    graph.throttle('ann@m365.test', { status: 503, retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    const done = await run(imapUrl(dovecot, 'alice'), graphUrl('ann@m365.test'));
    expect(done.error).toBeUndefined();
    expect(done.steps[0]).toMatchObject({ status: 'done', total: 16, copied: 16, failed: 0 });
    // Three throttled answers, waited out for their Retry-After (a second) before going again. The
    // mailbox pauses as a whole: answers that come back together (lanes open in parallel) are
    // waited out together, so at least one second passed, not necessarily three.
    expect(graph.calls.filter((c) => c.mailbox === 'ann@m365.test' && (c.status === 429 || c.status === 503))).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(graph.peakConcurrency.get('ann@m365.test')).toBeLessThanOrEqual(4);
    // Writes went in $batch.
    expect(graph.calls.filter((c) => c.mailbox === 'ann@m365.test' && c.batched && c.method === 'POST' && c.path.endsWith('/messages')).length).toBeGreaterThanOrEqual(16);

    const inbox = ann.messagesIn(ann.folder('inbox')!.id);
    const sent = ann.messagesIn(ann.folder('sentitems')!.id);
    expect(inbox).toHaveLength(2);
    expect(sent).toHaveLength(1);
    expect(ann.messagesIn(ann.folderByPath('Work/Deep')!.id)).toHaveLength(1);
    expect(ann.messagesIn(ann.folderByPath('Bulk')!.id)).toHaveLength(12);
    const source = await snapshotMailbox(a);
    const sourceHashes = source.folders.flatMap((f) => f.messages.map((m) => m.sha256));
    for (const m of ann.messages.values()) {
      expect(sourceHashes).toContain(sha256(m.mime));
      // PR_MESSAGE_FLAGS without MSGFLAG_UNSENT: never left as a draft.
      expect(ann.flagsOf(m) & 0x8).toBe(0);
    }
    const flagged = inbox.find((m) => m.mime.includes('Seen and flagged'))!;
    expect([ann.flagsOf(flagged) & 1, flagged.flagStatus, flagged.categories, flagged.extended.get('systemtime 0x0e06')]).toEqual([1, 'flagged', ['Custom'], day(2).toISOString()]);
    expect(ann.flagsOf(inbox.find((m) => m.mime.includes('Subject: Unread'))!) & 1).toBe(0);

    const again = await run(imapUrl(dovecot, 'alice'), graphUrl('ann@m365.test'));
    expect(again.steps[0]).toMatchObject({ copied: 0, alreadyPresent: 16 });

    await undo(done.id);
    expect(snapshot(ann)).toEqual(before);
  });

  it('Graph → IMAP: the MIME byte for byte, read state and flag as IMAP flags, categories as keywords, dates kept; rollback', async () => {
    const ben = graph.mailbox('ben@m365.test');
    const hello = makeMessage({ subject: 'From Microsoft 365', messageId: '<from-m365@m365.test>' });
    ben.addMessage('Inbox', hello, { isRead: true, flagged: true, categories: ['Blue'], receivedAt: day(11) });
    ben.addMessage('Inbox/Sub', makeMessage({ subject: 'Nested' }), { receivedAt: day(12) });
    for (let i = 0; i < 7; i++) ben.addMessage('Projects', makeMessage({ subject: `Project ${i}` }), { receivedAt: day(13 + i) });
    const target = account(dovecot, 'bob');
    const before = await snapshotMailbox(target);

    const done = await run(graphUrl('ben@m365.test'), imapUrl(dovecot, 'bob'));
    expect(done.error).toBeUndefined();
    expect(done.steps[0]).toMatchObject({ status: 'done', copied: 9, failed: 0 });
    const after = await snapshotMailbox(target);
    const copied = after.folders.find((f) => f.path === 'INBOX')!.messages.find((m) => m.sha256 === sha256(hello))!;
    expect(copied.flags).toEqual(expect.arrayContaining(['\\Seen', '\\Flagged', 'Blue']));
    expect(new Date(copied.internalDate).toISOString()).toBe(day(11).toISOString());
    expect(after.folders.find((f) => f.path === 'INBOX/Sub')?.messages).toHaveLength(1);
    expect(after.folders.find((f) => f.path === 'Projects')?.messages).toHaveLength(7);
    expect(graph.peakConcurrency.get('ben@m365.test')).toBeLessThanOrEqual(4);

    const again = await run(graphUrl('ben@m365.test'), imapUrl(dovecot, 'bob'));
    expect(again.steps[0]).toMatchObject({ copied: 0, alreadyPresent: 9 });
    await undo(done.id);
    expect(await snapshotMailbox(target)).toEqual(before);
  });
});

describe('Graph ↔ Graph, Graph ↔ Exchange and PST → Graph, e-mail', () => {
  it('Graph → Graph: byte-identical, well-known folders matched; rollback leaves the destination as it was', async () => {
    const cat = graph.mailbox('cat@m365.test');
    cat.addMessage('Sent Items', makeMessage({ subject: 'Sent' }), { isRead: true, receivedAt: day(1) });
    cat.addMessage('Archive', makeMessage({ subject: 'Archived' }), { isRead: true, receivedAt: day(2) });
    cat.addMessage('Junk Email', makeMessage({ subject: 'Junk' }), { receivedAt: day(3) });
    const dan = graph.mailbox('dan@m365.test');
    dan.addMessage('Inbox', makeMessage({ subject: "Dan's own" }), { receivedAt: day(4) });
    const before = snapshot(dan);
    const done = await run(graphUrl('cat@m365.test'), graphUrl('dan@m365.test'));
    expect(done.steps[0]).toMatchObject({ status: 'done', copied: 3, failed: 0 });
    for (const [name, subject] of [['sentitems', 'Sent'], ['archive', 'Archived'], ['junkemail', 'Junk']]) {
      expect(dan.messagesIn(dan.folder(name)!.id).map((m) => /Subject: (.*)\r/.exec(m.mime.toString())![1])).toEqual([subject]);
    }
    await undo(done.id);
    expect(snapshot(dan)).toEqual(before);
  });

  it('Exchange → Graph and Graph → Exchange: the same bytes arrive both ways', async () => {
    const xena = ews.mailbox('xena@ex.test');
    const fromEws = makeMessage({ subject: 'From Exchange', messageId: '<from-ews@ex.test>' });
    xena.addMessage('Inbox', fromEws, { isRead: true, categories: ['Green'], receivedAt: day(20) });
    const toGraph = await run(ewsUrl('xena@ex.test'), graphUrl('eve@m365.test'));
    expect(toGraph.steps[0]).toMatchObject({ status: 'done', copied: 1, failed: 0 });
    const eve = graph.mailbox('eve@m365.test');
    const landed = eve.messagesIn(eve.folder('inbox')!.id);
    expect(landed.map((m) => sha256(m.mime))).toEqual([sha256(fromEws)]);
    expect(landed[0].categories).toEqual(['Green']);

    const fromGraph = makeMessage({ subject: 'From Graph', messageId: '<from-graph@m365.test>' });
    graph.mailbox('fay@m365.test').addMessage('Inbox', fromGraph, { flagged: true, receivedAt: day(21) });
    const toEws = await run(graphUrl('fay@m365.test'), ewsUrl('yuri@ex.test'));
    expect(toEws.steps[0]).toMatchObject({ status: 'done', copied: 1, failed: 0 });
    expect(ews.mailbox('yuri@ex.test').items('Inbox').map((i) => sha256(i.mime!))).toEqual([sha256(fromGraph)]);
  });

  it('PST → Graph: the e-mails of a PST file land in the mapped folders; a re-import copies nothing', async () => {
    const task = await tern.waitFor((await importPstFile(tern.service, { file: path.join(FIXTURES, 'aspose-outlook.pst'), to: graphUrl('gus@m365.test'), items: 'emails' }, tern.actor)).id);
    expect(task.error).toBeUndefined();
    expect(task.steps[0]).toMatchObject({ status: 'done', failed: 0 });
    const gus = graph.mailbox('gus@m365.test');
    expect(gus.messagesIn(gus.folder('inbox')!.id).length).toBeGreaterThanOrEqual(8);
    expect(gus.messagesIn(gus.folder('sentitems')!.id).length).toBeGreaterThan(0);
    const again = await tern.waitFor((await importPstFile(tern.service, { file: path.join(FIXTURES, 'aspose-outlook.pst'), to: graphUrl('gus@m365.test'), items: 'emails' }, tern.actor)).id);
    expect(again.steps[0]).toMatchObject({ copied: 0 });
  });
});

describe('bad input', () => {
  it('a refused token, an unknown mailbox and missing consent each get one sentence naming the mailbox, never the token', async () => {
    const attempts: Array<[string, RegExp]> = [
      [graphUrl('ann@m365.test', 'not-a-token'), /refused the access token for the Microsoft 365 mailbox ann@m365\.test/],
      [graphUrl('nobody@m365.test', 'tok-ann'), /denied access to the Microsoft 365 mailbox nobody@m365\.test|mailbox nobody@m365\.test was not found/],
      [graphUrl('ben@m365.test', 'tok-ann'), /denied access to the Microsoft 365 mailbox ben@m365\.test.*consent or scopes/],
    ];
    for (const [url, message] of attempts) {
      const err = await migrate(tern.service, { from: url, to: imapUrl(dovecot, 'carol') }, tern.actor).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TernError);
      expect((err as TernError).userMessage).toMatch(message);
      expect((err as TernError).userMessage).not.toMatch(/tok-|not-a-token/);
    }
  });

  it('refuses up front the kind Graph cannot carry (contact groups), naming the kind and why', async () => {
    const err = await migrate(tern.service, { from: graphUrl('ann@m365.test'), to: imapUrl(dovecot, 'carol'), items: 'emails,contactGroups' }, tern.actor).catch((e: unknown) => e);
    expect((err as TernError).userMessage).toMatch(/Contact groups cannot be migrated from this source: Microsoft Graph v1\.0 has no contact groups/);
  });
});
