// Microsoft 365 → Microsoft 365 by the mailbox export/import API, end to end through the service
// and the real queue, against the fake Graph (CSDL-checked both ways) with an app-only token from the
// real authorization server (oidc-provider, client credentials): items exported 20 at a time and
// imported through an import session, nothing written as MIME or by IMAP; rollback removes exactly
// them; a re-run copies nothing. A delegated sign-in takes the usual Graph path and says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from './fakes/graph';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage } from './support/mailbox';
import { startTern, type TestTern } from './support/tern';
import { startAuthServer, APP_CLIENT, APP_SECRET, type AuthServer } from './support/oidc';
import { migrate } from '../commands/migrate';
import { rollback } from '../commands/rollback';

const USERS: Record<string, string> = { 'ann@m365.test': 'tok-ann', 'ben@m365.test': 'tok-ben', 'cy@m365.test': 'tok-cy' };

let graph: FakeGraph;
let redis: TestRedis;
let auth: AuthServer;
let tern: TestTern;
let appToken: string;

beforeAll(async () => {
  [redis, auth] = await Promise.all([startRedis(), startAuthServer()]);
  // An app-only token: the client credentials grant at the real authorization server.
  const res = await fetch(`${auth.issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${APP_CLIENT}:${APP_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'mail' }),
  });
  appToken = ((await res.json()) as { access_token: string }).access_token;
  graph = await startFakeGraph({ users: USERS, appTokens: [appToken] });
  tern = await startTern(redis.url);
  await tern.startWorker();
}, 120_000);

afterAll(async () => {
  await tern?.close();
  await Promise.all([graph?.close(), redis?.stop(), auth?.stop()]);
  expect(graph?.schemaErrors ?? []).toEqual([]);
  expect(graph?.internalErrors ?? []).toEqual([]);
});

const url = (user: string, token: string) => `graph+http://${encodeURIComponent(user)}:${encodeURIComponent(token)}@127.0.0.1:${new URL(graph.url).port}`;
const run = async (from: string, to: string) => tern.waitFor((await migrate(tern.service, { from, to }, tern.actor)).id);

describe('Microsoft 365 → Microsoft 365 by mailbox import', () => {
  it('app-only: every item exported (≤20 a request) and imported, none written as MIME; a re-run copies 0; rollback removes exactly them', async () => {
    const ann = graph.mailbox('ann@m365.test');
    const ben = graph.mailbox('ben@m365.test');
    ann.addMessage('Inbox', makeMessage({ subject: 'Read and blue', messageId: '<blue@m365.test>' }), { isRead: true, categories: ['Blue'] });
    for (let i = 0; i < 25; i++) ann.addMessage('Projects', makeMessage({ subject: `Project ${i}`, messageId: `<p-${i}@m365.test>` }));
    // Already at the destination: never copied, never removed.
    const there = ben.addMessage('Inbox', makeMessage({ subject: 'Ben own', messageId: '<ben-own@m365.test>' }));
    const before = graph.calls.length;

    const done = await run(url('ann@m365.test', appToken), url('ben@m365.test', appToken));
    expect(done.error).toBeUndefined();
    expect(done.steps[0]).toMatchObject({ status: 'done', total: 26, copied: 26, failed: 0 });
    expect(done.detected).toEqual(['e-mails to ben@m365.test: by mailbox import (the Microsoft 365 export/import API)']);
    const copies = [...ben.messages.values()].filter((m) => m.id !== there.id);
    expect(copies).toHaveLength(26);
    expect(ben.messagesIn(ben.folderByPath('Projects')!.id)).toHaveLength(25);
    const blue = copies.find((m) => m.mime.includes('Subject: Read and blue'))!;
    expect([blue.folderId, blue.categories, ben.flagsOf(blue) & 1]).toEqual([ben.folder('inbox')!.id, ['Blue'], 1]);

    const calls = graph.calls.slice(before);
    const exports = calls.filter((c) => c.path.endsWith('/exportItems'));
    expect(exports.length).toBeGreaterThanOrEqual(2); // 25 items in one folder need two requests of at most 20
    expect(exports.every((c) => c.status === 200)).toBe(true);
    expect(calls.filter((c) => c.path === '/import/importItem' && c.status === 200)).toHaveLength(26);
    // Nothing written as MIME, by upload session or by PATCH: the only writes are folders, sessions, exports and imports.
    const writes = calls.filter((c) => c.method !== 'GET' && !/\/(exportItems|createImportSession|importItem|childFolders|mailFolders)$/.test(c.path));
    expect(writes).toEqual([]);

    const again = await run(url('ann@m365.test', appToken), url('ben@m365.test', appToken));
    expect(again.steps[0]).toMatchObject({ status: 'done', copied: 0, alreadyPresent: 26, failed: 0 });
    expect(ben.messages.size).toBe(27);

    await rollback(tern.service, { taskId: done.id }, tern.actor);
    expect((await tern.waitFor(done.id, (x) => x.status !== 'rolling_back')).status).toBe('rolled_back');
    expect([...ben.messages.keys()]).toEqual([there.id]);
    expect(ben.folderByPath('Projects')).toBeUndefined();
    expect(ann.messages.size).toBe(26);
  });

  it('delegated sign-ins: the API refuses them, so mail goes as MIME through Graph, and the task says why', async () => {
    graph.mailbox('ann@m365.test').addMessage('Delegated', makeMessage({ subject: 'By MIME', messageId: '<by-mime@m365.test>' }));
    const before = graph.calls.length;
    const done = await run(url('ann@m365.test', USERS['ann@m365.test']), url('cy@m365.test', USERS['cy@m365.test']));
    expect(done.error).toBeUndefined();
    expect(done.steps[0]).toMatchObject({ status: 'done', copied: 27, failed: 0 });
    expect(done.detected).toEqual(['e-mails to cy@m365.test: writing by Graph (not by mailbox import: the mailbox import/export API needs an app-only sign-in with MailboxItem.ImportExport.All, which ann@m365.test\'s is not)']);
    const calls = graph.calls.slice(before);
    expect(calls.filter((c) => c.path.endsWith('/importItem') || c.path.endsWith('/exportItems'))).toEqual([]);
    expect(graph.mailbox('cy@m365.test').messages.size).toBe(27);
  });
});
