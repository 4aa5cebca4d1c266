// How mail reaches and leaves Microsoft 365, end to end through the service and the real queue,
// against the fake Graph (CSDL-checked both ways) and a real Dovecot: a message above Graph's 4 MB
// request limit written by MIME create plus upload sessions for its large files; re-runs of a
// Graph source that read only what `messages/delta` says changed; and mail written by IMAP with
// XOAUTH2 where the tenant allows IMAP ("Exchange Online IMAP" being a Dovecot that checks the
// token at oidc-provider), through Graph where it does not.
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from './fakes/graph';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { migrate } from '../commands/migrate';
import { rollback } from '../commands/rollback';
import { startAuthServer, type AuthServer } from './support/oidc';
import { formatAccount, parseAccountUrl } from '../src/accounts';
import { imapAccountOf } from '../src/connectors/graph/url';
import { openGraphMailSource } from '../src/connectors/graph/mail-source';
import { TernError } from '../src/errors';

const TOKENS: Record<string, string> = { 'hal@m365.test': 'tok-hal', 'ida@m365.test': 'tok-ida' };

let graph: FakeGraph;
let dovecot: DovecotServer;
let redis: TestRedis;
let tern: TestTern;

beforeAll(async () => {
  [graph, dovecot, redis] = await Promise.all([startFakeGraph({ users: TOKENS, pageSize: 5 }), startDovecot('slash'), startRedis()]);
  tern = await startTern(redis.url);
  await tern.startWorker();
}, 120_000);

afterAll(async () => {
  await tern?.close();
  await Promise.all([graph?.close(), dovecot?.stop(), redis?.stop()]);
  expect(graph?.schemaErrors ?? []).toEqual([]);
  expect(graph?.internalErrors ?? []).toEqual([]);
});

const graphUrl = (user: string) => `graph+http://${encodeURIComponent(user)}:${encodeURIComponent(TOKENS[user])}@127.0.0.1:${new URL(graph.url).port}`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function run(from: string, to: string) {
  return tern.waitFor((await migrate(tern.service, { from, to }, tern.actor)).id);
}

describe('large messages by upload session', () => {
  it('IMAP → Graph: a message with a 12 MB attachment arrives, the file byte for byte by upload session, the rest as MIME; not a draft', async () => {
    const file = Buffer.from(Array.from({ length: 12 * 1024 * 1024 }, (_, i) => (i * 31 + (i >> 12)) % 256));
    const small = Buffer.from('a small note that stays inside the MIME\n');
    const raw = await new MailComposer({
      from: 'Ann <ann@example.test>',
      to: 'hal@m365.test',
      subject: 'Twelve megabytes',
      messageId: '<twelve-mb@example.test>',
      text: 'The file is attached.',
      attachments: [
        { filename: 'big.bin', content: file, contentType: 'application/octet-stream' },
        { filename: 'note.txt', content: small, contentType: 'text/plain' },
      ],
    })
      .compile()
      .build();
    const a = account(dovecot, 'alice');
    await seedMessage(a, 'INBOX', raw, { flags: ['\\Seen'] });
    await seedMessage(a, 'INBOX', makeMessage({ subject: 'Small one' }));

    const done = await run(imapUrl(dovecot, 'alice'), graphUrl('hal@m365.test'));
    expect(done.error).toBeUndefined();
    expect(done.steps[0]).toMatchObject({ status: 'done', copied: 2, failed: 0 });
    const hal = graph.mailbox('hal@m365.test');
    const landed = hal.messagesIn(hal.folder('inbox')!.id).find((m) => m.mime.includes('Subject: Twelve megabytes'))!;
    expect(landed.attachments.map((x) => [x.name, x.contentType, sha256(x.bytes)])).toEqual([['big.bin', 'application/octet-stream', sha256(file)]]);
    // The MIME kept its headers, its text and the small attachment; only the large file went apart.
    expect(landed.mime.length).toBeLessThan(64 * 1024);
    expect(landed.mime.subarray(0, raw.indexOf('\r\n\r\n')).equals(raw.subarray(0, raw.indexOf('\r\n\r\n')))).toBe(true);
    expect(landed.mime.toString()).toContain(small.toString('base64').trim());
    expect([hal.flagsOf(landed) & 0x8, hal.flagsOf(landed) & 1]).toEqual([0, 1]);
    // Ranges of under 4 MB each, the last answered 201.
    const puts = graph.calls.filter((c) => c.method === 'PUT' && c.path.startsWith('/upload/'));
    expect(puts.map((c) => c.status)).toEqual([200, 200, 200, 201]);

    const again = await run(imapUrl(dovecot, 'alice'), graphUrl('hal@m365.test'));
    expect(again.steps[0]).toMatchObject({ copied: 0, alreadyPresent: 2 });
  });
});

describe('delta re-runs of a Graph source', () => {
  it('Graph → IMAP: a second pass reads one delta page per folder and fetches nothing; after changes only the new message is read and the read state carried', async () => {
    const ida = graph.mailbox('ida@m365.test');
    ida.addMessage('Inbox', makeMessage({ subject: 'First', messageId: '<first@m365.test>' }));
    const unread = ida.addMessage('Inbox', makeMessage({ subject: 'Unread yet', messageId: '<unread@m365.test>' }));
    for (let i = 0; i < 7; i++) ida.addMessage('Projects', makeMessage({ subject: `Project ${i}`, messageId: `<project-${i}@m365.test>` }));
    const target = imapUrl(dovecot, 'bob');

    const first = await run(graphUrl('ida@m365.test'), target);
    expect(first.steps[0]).toMatchObject({ status: 'done', copied: 9, failed: 0 });

    const callsOf = (from: number) => graph.calls.slice(from).filter((c) => c.mailbox === 'ida@m365.test');
    const before = graph.calls.length;
    const second = await run(graphUrl('ida@m365.test'), target);
    expect(second.steps[0]).toMatchObject({ status: 'done', copied: 0, alreadyPresent: 9 });
    const deltas = callsOf(before).filter((c) => c.path.endsWith('/messages/delta'));
    const folders = new Set(deltas.map((c) => c.path));
    // One request per folder (pages of 5 would need two for Projects without a deltaLink), no message read or listed.
    expect(deltas).toHaveLength(folders.size);
    expect(folders.size).toBeGreaterThanOrEqual(2);
    expect(callsOf(before).filter((c) => c.path.endsWith('/$value') || /\/messages$/.test(c.path))).toEqual([]);

    ida.addMessage('Projects', makeMessage({ subject: 'Project new', messageId: '<project-new@m365.test>' }));
    unread.extended.set('integer 0x0e07', '1');
    ida.touch(unread);
    const changedAt = graph.calls.length;
    const third = await run(graphUrl('ida@m365.test'), target);
    expect(third.steps[0]).toMatchObject({ status: 'done', copied: 1, alreadyPresent: 9, failed: 0 });
    expect(callsOf(changedAt).filter((c) => c.path.endsWith('/$value'))).toHaveLength(1);
    const after = await snapshotMailbox(account(dovecot, 'bob'));
    const inbox = after.folders.find((f) => f.path === 'INBOX')!.messages;
    expect(inbox.find((m) => m.sha256 === sha256(unread.mime))?.flags).toContain('\\Seen');
    expect(after.folders.find((f) => f.path === 'Projects')?.messages).toHaveLength(8);
  });

  it('a deltaLink Graph no longer knows (410) or none stored: changes() says it cannot tell, so the folder is compared in full', async () => {
    graph.mailbox('ida@m365.test').addMessage('Expiring', makeMessage({ subject: 'Kept' }));
    const source = await openGraphMailSource(parseAccountUrl(graphUrl('ida@m365.test'), 'source'), { timeoutMs: 10_000 });
    try {
      expect(await source.scan('Expiring')).toHaveLength(1);
      const link = source.cursor!('Expiring')!;
      expect(link).toMatch(/\$deltatoken=\d+/);
      const state = await source.state!('Expiring');
      expect(await source.changes!('Expiring', { ...state, cursor: link.replace(/\$deltatoken=\d+/, '$deltatoken=999999') })).toBeUndefined();
      expect(await source.changes!('Expiring', state)).toBeUndefined();
      expect(await source.changes!('Expiring', { ...state, cursor: link })).toEqual({ added: [], flags: [] });
    } finally {
      await source.close();
    }
  });
});

describe('?imap_host= on a Microsoft 365 URL', () => {
  it('names the IMAP server writes go to (kept in the task URL); graph:// defaults to Exchange Online; a bad value is named', () => {
    const a = parseAccountUrl('graph+http://jo%40m365.test:TOKEN@127.0.0.1:8080?imap_host=127.0.0.1:1143', 'destination');
    expect(imapAccountOf(a)).toMatchObject({ protocol: 'imap', host: '127.0.0.1', port: 1143, secure: false, user: 'jo@m365.test', password: 'TOKEN', auth: 'oauth2' });
    expect(formatAccount(a)).toBe('graph+http://jo%40m365.test@127.0.0.1:8080?imap_host=127.0.0.1:1143');
    expect(imapAccountOf(parseAccountUrl('graph+http://jo%40m365.test:TOKEN@127.0.0.1:8080', 'destination'))).toBeUndefined();
    expect(imapAccountOf(parseAccountUrl('graph://jo:TOKEN@contoso.com', 'destination'))).toMatchObject({ host: 'outlook.office365.com', port: 993, secure: true, user: 'jo@contoso.com' });
    let message = '';
    try {
      parseAccountUrl('graph://jo:TOKEN@contoso.com?imap_host=imap.example.com:99999', 'destination');
    } catch (err) {
      message = (err as TernError).userMessage;
    }
    expect(message).toMatch(/\?imap_host= takes the IMAP server mail is written to, as host or host:port .*not "imap\.example\.com:99999"/);
    expect(message).not.toContain('TOKEN');
  });
});

describe('write path: IMAP with XOAUTH2 where the tenant allows it, else Graph', () => {
  let auth: AuthServer;
  let exchangeImap: DovecotServer;
  let tenant: FakeGraph;

  beforeAll(async () => {
    auth = await startAuthServer();
    exchangeImap = await startDovecot('slash', { users: 'jim@m365.test:unused-password', oauth2: { introspectionUrl: auth.introspectionUrl, mechanisms: 'xoauth2' } });
  }, 60_000);

  afterAll(async () => {
    await tenant?.close();
    await exchangeImap?.stop();
    await auth?.stop();
    expect(tenant?.schemaErrors ?? []).toEqual([]);
  });

  it('IMAP → Microsoft 365 with IMAP allowed: APPENDed byte for byte with the Graph token, nothing written through Graph, the task says so; rollback by IMAP', async () => {
    const token = await auth.mint('jim@m365.test', 'openid mail');
    tenant = await startFakeGraph({ users: { 'jim@m365.test': token } });
    const to = `graph+http://${encodeURIComponent('jim@m365.test')}:${encodeURIComponent(token)}@127.0.0.1:${new URL(tenant.url).port}?imap_host=127.0.0.1:${exchangeImap.imapPort}`;
    const c = account(dovecot, 'carol');
    const raws = [makeMessage({ subject: 'By IMAP one' }), makeMessage({ subject: 'By IMAP two', messageId: null })];
    await seedMessage(c, 'INBOX', raws[0], { flags: ['\\Seen'] });
    await seedMessage(c, 'Work', raws[1]);
    const jim = account(exchangeImap, 'jim@m365.test', 'unused-password');
    const before = await snapshotMailbox(jim);

    const done = await run(imapUrl(dovecot, 'carol'), to);
    expect(done.error).toBeUndefined();
    expect(done.steps[0]).toMatchObject({ status: 'done', copied: 2, failed: 0 });
    expect(done.detected).toEqual([`e-mails to jim@m365.test: writing by IMAP (127.0.0.1:${exchangeImap.imapPort}, XOAUTH2)`]);
    const landed = await snapshotMailbox(jim);
    expect(landed.folders.flatMap((f) => f.messages.map((m) => m.sha256)).sort()).toEqual(raws.map(sha256).sort());
    expect(tenant.calls.filter((x) => x.method !== 'GET')).toEqual([]);

    await rollback(tern.service, { taskId: done.id }, tern.actor);
    expect((await tern.waitFor(done.id, (x) => x.status !== 'rolling_back')).status).toBe('rolled_back');
    expect(await snapshotMailbox(jim)).toEqual(before);
  });

  it('IMAP turned off for the tenant (the login refused): written through Graph, and the task says why', async () => {
    // The password-only Dovecot refuses an OAuth2 login, as Exchange Online does with IMAP disabled.
    const to = `${graphUrl('hal@m365.test')}?imap_host=127.0.0.1:${dovecot.imapPort}`;
    const c = account(dovecot, 'carol');
    await seedMessage(c, 'Fallback', makeMessage({ subject: 'Through Graph', messageId: '<through-graph@example.test>' }));
    const done = await run(imapUrl(dovecot, 'carol'), to);
    expect(done.error).toBeUndefined();
    expect(done.detected).toEqual(['e-mails to hal@m365.test: IMAP is turned off for this tenant: writing through Graph']);
    const hal = graph.mailbox('hal@m365.test');
    expect(hal.messagesIn(hal.folderByPath('Fallback')!.id).map((m) => m.mime.includes('Subject: Through Graph'))).toEqual([true]);
  });
});
