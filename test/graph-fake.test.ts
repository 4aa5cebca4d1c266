// The fake Microsoft Graph (test/fakes/graph) driven by Microsoft's own client,
// @microsoft/microsoft-graph-client: paths and bodies are checked against the v1.0 CSDL both ways,
// what Graph refuses is refused, and paging, delta, $batch and throttling behave as Graph's do.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileUpload, GraphError, LargeFileUploadTask, PageIterator, ResponseType, type Client } from '@microsoft/microsoft-graph-client';
import { graphClient } from './fakes/graph/client';
import { startFakeGraph, type FakeGraph } from './fakes/graph';
import { makeMessage } from './support/mailbox';

const ALICE = 'alice@contoso.test';
const BOB = 'bob@contoso.test';
const TOKENS = { [ALICE]: 'token-alice', [BOB]: 'token-bob' };

let fake: FakeGraph;

beforeAll(async () => {
  fake = await startFakeGraph({ users: TOKENS, appTokens: ['token-app'], pageSize: 10 });
}, 60_000);

afterAll(async () => {
  await fake?.close();
});

afterEach(() => {
  expect(fake.internalErrors.splice(0)).toEqual([]);
});

/** The official client, pointed at the fake (fakes/graph/client.ts). */
const client = (token = TOKENS[ALICE]): Client => graphClient(fake, token);

/** Runs a request that must fail, returning Graph's error. */
async function refused(run: () => Promise<unknown>): Promise<GraphError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error('the fake accepted it');
}

describe('fake Graph, driven by @microsoft/microsoft-graph-client', () => {
  it('lists the well-known folders, creates a child folder, writes a message by MIME and reads the same bytes back', async () => {
    const c = client();
    const top = (await c.api(`/users/${ALICE}/mailFolders`).get()) as { value: Array<{ displayName: string }> };
    expect(top.value.map((f) => f.displayName)).toEqual(expect.arrayContaining(['Inbox', 'Drafts', 'Sent Items', 'Deleted Items', 'Junk Email', 'Archive']));
    const inbox = (await c.api(`/users/${ALICE}/mailFolders/inbox`).get()) as { id: string };
    const child = (await c.api(`/users/${ALICE}/mailFolders/${inbox.id}/childFolders`).post({ displayName: 'Projects' })) as { id: string; parentFolderId: string };
    expect(child.parentFolderId).toBe(inbox.id);

    const raw = makeMessage({ subject: 'MIME round trip', body: 'Grüße\t \nline two  \n' });
    const created = (await c.api(`/users/${ALICE}/mailFolders/${child.id}/messages`).header('Content-Type', 'text/plain').post(raw.toString('base64'))) as { id: string; isDraft: boolean };
    expect(created.isDraft).toBe(true);
    await c.api(`/users/${ALICE}/messages/${created.id}`).patch({
      isRead: true,
      categories: ['Red category'],
      flag: { flagStatus: 'flagged' },
      singleValueExtendedProperties: [
        { id: 'Integer 0x0E07', value: '1' },
        { id: 'SystemTime 0x0E06', value: '2023-06-01T08:15:30Z' },
      ],
    });
    const read = (await c
      .api(`/users/${ALICE}/messages/${created.id}`)
      .expand("singleValueExtendedProperties($filter=id eq 'Integer 0x0E08')")
      .get()) as { isDraft: boolean; isRead: boolean; receivedDateTime: string; categories: string[]; flag: { flagStatus: string }; singleValueExtendedProperties: Array<{ id: string; value: string }> };
    expect(read).toMatchObject({ isDraft: false, isRead: true, receivedDateTime: '2023-06-01T08:15:30Z', categories: ['Red category'], flag: { flagStatus: 'flagged' } });
    expect(read.singleValueExtendedProperties).toEqual([{ id: 'Integer 0xe08', value: String(raw.length) }]);
    const bytes = (await c.api(`/users/${ALICE}/messages/${created.id}/$value`).responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer;
    expect(Buffer.from(bytes).equals(raw)).toBe(true);
    expect(fake.schemaErrors).toEqual([]);
  });

  it('refuses what the schema refuses: unknown and read-only properties, wrong types, unknown segments — and records each', async () => {
    const c = client();
    const cases: Array<[() => Promise<unknown>, RegExp]> = [
      [() => c.api(`/users/${ALICE}/mailFolders`).post({ displayName: 'X', colour: 'red' }), /Property 'colour' does not exist on type 'microsoft.graph.mailFolder'/],
      [() => c.api(`/users/${ALICE}/mailFolders`).post({ displayName: 'X', totalItemCount: 3 }), /'totalItemCount' is read-only/],
      [() => c.api(`/users/${ALICE}/mailFolders`).post({ displayName: 42 }), /42 is not a valid Edm.String/],
      [() => c.api(`/users/${ALICE}/mailFolders/inbox/messages`).post({ subject: 'x', importance: 'urgent' }), /"urgent" is not a member of importance/],
      [() => c.api(`/users/${ALICE}/mailFolders/inbox/messages`).post({ subject: 'x', toRecipients: [{ emailAddress: { address: 'a@b', phone: '1' } }] }), /'phone' does not exist on type 'microsoft.graph.emailAddress'/],
      [() => c.api(`/users/${ALICE}/mailFolds`).get(), /Resource not found for the segment 'mailFolds'/],
      [() => c.api(`/users/${ALICE}/mailFolders/inbox/notANavigation`).get(), /Resource not found for the segment 'notANavigation'/],
    ];
    for (const [run, message] of cases) {
      const err = await refused(run);
      expect(err.statusCode).toBe(400);
      expect(err.message).toMatch(message);
    }
    const recorded = fake.schemaErrors.splice(0);
    expect(recorded, recorded.join('\n')).toHaveLength(cases.length);
  });

  it('bearer tokens reach their own mailbox only; app tokens every one; unknown users are named', async () => {
    expect((await refused(() => client('nope').api(`/users/${ALICE}/mailFolders`).get())).statusCode).toBe(401);
    expect((await refused(() => client(TOKENS[BOB]).api(`/users/${ALICE}/mailFolders`).get())).statusCode).toBe(403);
    const missing = await refused(() => client('token-app').api('/users/carol@contoso.test/mailFolders').get());
    expect([missing.statusCode, missing.code, missing.message]).toEqual([404, 'ErrorInvalidUser', "The requested user 'carol@contoso.test' is invalid."]);
    expect(await client('token-app').api(`/users/${BOB}/mailFolders/inbox`).get()).toMatchObject({ displayName: 'Inbox' });
    expect(await client(TOKENS[BOB]).api('/me/mailFolders/inbox').get()).toMatchObject({ displayName: 'Inbox' });
  });

  it('pages by @odata.nextLink (the client\'s PageIterator follows it) and ends a delta on @odata.deltaLink that gives only what changed', async () => {
    const box = fake.mailbox(BOB);
    const folder = box.addFolder('Paged');
    const seeded = Array.from({ length: 25 }, (_, i) => box.addMessage('Paged', makeMessage({ subject: `page ${i}` })));
    const c = client(TOKENS[BOB]);
    const first = (await c.api(`/users/${BOB}/mailFolders/${folder.id}/messages`).select('id,subject').get()) as { value: unknown[]; '@odata.nextLink'?: string };
    expect(first.value).toHaveLength(10);
    expect(first['@odata.nextLink']).toContain('$skiptoken=');
    const ids: string[] = [];
    await new PageIterator(c, first as never, (m: { id: string }) => {
      ids.push(m.id);
      return true;
    }).iterate();
    expect(ids.sort()).toEqual(seeded.map((m) => m.id).sort());

    let link = `/users/${BOB}/mailFolders/${folder.id}/messages/delta`;
    const initial: string[] = [];
    let deltaLink = '';
    while (link) {
      const r = (await c.api(link).get()) as { value: Array<{ id: string }>; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
      initial.push(...r.value.map((m) => m.id));
      link = r['@odata.nextLink'] ?? '';
      deltaLink = r['@odata.deltaLink'] ?? deltaLink;
    }
    expect(initial).toHaveLength(25);
    const added = box.addMessage('Paged', makeMessage({ subject: 'new one' }));
    box.deleteMessage(seeded[3].id);
    const changes = (await c.api(deltaLink).get()) as { value: Array<{ id: string; '@removed'?: unknown }> };
    expect(changes.value).toEqual([expect.objectContaining({ id: added.id }), { id: seeded[3].id, '@removed': { reason: 'deleted' } }]);
    expect(fake.schemaErrors).toEqual([]);
  });

  it('$batch: up to 20 requests answered one by one (MIME creates included); 21 refused', async () => {
    const c = client();
    const raw = makeMessage({ subject: 'batched' });
    const requests = Array.from({ length: 20 }, (_, i) => ({
      id: String(i + 1),
      method: 'POST',
      url: `/users/${ALICE}/mailFolders/drafts/messages`,
      headers: { 'Content-Type': 'text/plain' },
      body: raw.toString('base64'),
    }));
    const answer = (await c.api('/$batch').post({ requests })) as { responses: Array<{ id: string; status: number; body: { id: string } }> };
    expect(answer.responses.map((r) => r.status)).toEqual(requests.map(() => 201));
    expect(new Set(answer.responses.map((r) => r.body.id)).size).toBe(20);
    const tooMany = await refused(() => c.api('/$batch').post({ requests: [...requests, { ...requests[0], id: '21' }] }));
    expect(tooMany.statusCode).toBe(400);
    const recorded = fake.schemaErrors.splice(0);
    expect(recorded, recorded.join('\n')).toEqual(['$batch request: 21 requests (Graph takes at most 20)']);
  });

  it('429 and 503 with Retry-After, injected per mailbox: the client\'s retry handler waits and succeeds; another mailbox is not held up', async () => {
    fake.throttle(ALICE, { status: 429, retryAfterSeconds: 1, times: 1 });
    fake.throttle(ALICE, { status: 503, retryAfterSeconds: 1, times: 1 });
    const bobs = await client(TOKENS[BOB]).api(`/users/${BOB}/mailFolders/inbox`).get();
    expect(bobs).toMatchObject({ displayName: 'Inbox' });
    const started = Date.now();
    expect(await client().api(`/users/${ALICE}/mailFolders/inbox`).get()).toMatchObject({ displayName: 'Inbox' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    const statuses = fake.calls.filter((c) => c.mailbox === ALICE).slice(-3).map((c) => c.status);
    expect(statuses).toEqual([429, 503, 200]);
  });

  it("attaches a large file to a draft by upload session: the client's LargeFileUploadTask puts ranges until 201; a non-draft, a bad parameter and a wrong range are refused", async () => {
    const c = client();
    const draft = (await c.api(`/users/${ALICE}/mailFolders/inbox/messages`).header('Content-Type', 'text/plain').post(makeMessage({ subject: 'Big file' }).toString('base64'))) as { id: string };
    const bytes = Buffer.from(Array.from({ length: 5 * 1024 * 1024 + 17 }, (_, i) => (i * 7) % 251));
    const sessionUrl = `/users/${ALICE}/messages/${draft.id}/attachments/createUploadSession`;
    const session = await LargeFileUploadTask.createUploadSession(c, sessionUrl, { AttachmentItem: { attachmentType: 'file', name: 'big.bin', size: bytes.length } });
    expect(session.url).toMatch(/\/upload\//);
    const task = new LargeFileUploadTask(c, new FileUpload(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer, 'big.bin', bytes.length), session, { rangeSize: 2 * 1024 * 1024 });
    const result = await task.upload();
    expect(result.location).toMatch(/\/attachments\//);
    const puts = fake.calls.filter((x) => x.method === 'PUT' && x.path.startsWith('/upload/'));
    expect(puts.map((x) => x.status)).toEqual([200, 200, 201]);
    const listed = (await c.api(`/users/${ALICE}/messages/${draft.id}/attachments`).get()) as { value: Array<{ name: string; size: number; contentBytes: string }> };
    expect(listed.value.map((a) => [a.name, a.size])).toEqual([['big.bin', bytes.length]]);
    expect(Buffer.from(listed.value[0].contentBytes, 'base64').equals(bytes)).toBe(true);

    // A misspelt parameter is refused by the schema; a message that is no draft takes no attachment.
    expect((await refused(() => c.api(sessionUrl).post({ attachmentItem: { attachmentType: 'file', name: 'x', size: 5 } }))).statusCode).toBe(400);
    expect(fake.schemaErrors.splice(0)).toEqual([expect.stringMatching(/'attachmentItem' is not a parameter of createUploadSession/), expect.stringMatching(/'AttachmentItem' of createUploadSession is missing/)]);
    const delivered = fake.mailbox(ALICE).addMessage('Inbox', makeMessage({ subject: 'Delivered' }));
    expect((await refused(() => c.api(`/users/${ALICE}/messages/${delivered.id}/attachments/createUploadSession`).post({ AttachmentItem: { attachmentType: 'file', name: 'x', size: 5 } }))).code).toBe('ErrorInvalidOperation');
    // A range that does not start where the last one ended is refused with 416.
    const other = await LargeFileUploadTask.createUploadSession(c, sessionUrl, { AttachmentItem: { attachmentType: 'file', name: 'b.bin', size: 10 } });
    const skipped = await fetch(other.url, { method: 'PUT', headers: { 'content-range': 'bytes 5-9/10' }, body: Buffer.alloc(5) as unknown as BodyInit });
    expect(skipped.status).toBe(416);
  });

  it('mailbox export/import (app-only): exportItems gives each item\'s data, createImportSession an importUrl that creates it in another mailbox', async () => {
    const app = client('token-app');
    const raw = makeMessage({ subject: 'Exported whole' });
    const original = fake.mailbox(ALICE).addMessage('Inbox', raw, { isRead: true, categories: ['Blue'] });
    const { primaryMailboxId: from } = (await app.api(`/users/${ALICE}/settings/exchange`).get()) as { primaryMailboxId: string };
    const { primaryMailboxId: to } = (await app.api(`/users/${BOB}/settings/exchange`).get()) as { primaryMailboxId: string };
    const folders = (await app.api(`/admin/exchange/mailboxes/${encodeURIComponent(from)}/folders`).get()) as { value: Array<{ id: string; displayName: string }> };
    const inbox = folders.value.find((f) => f.displayName === 'Inbox')!;
    const items = (await app.api(`/admin/exchange/mailboxes/${encodeURIComponent(from)}/folders/${inbox.id}/items`).get()) as { value: Array<{ id: string }> };
    expect(items.value.map((i) => i.id)).toContain(original.id);
    const exported = (await app.api(`/admin/exchange/mailboxes/${encodeURIComponent(from)}/exportItems`).post({ ItemIds: [original.id] })) as { value: Array<{ itemId: string; data: string }> };
    expect(exported.value.map((e) => e.itemId)).toEqual([original.id]);

    const session = (await app.api(`/admin/exchange/mailboxes/${encodeURIComponent(to)}/createImportSession`).post({})) as { importUrl: string };
    const bobInbox = fake.mailbox(BOB).folder('inbox')!;
    const imported = await fetch(session.importUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ FolderId: bobInbox.id, Mode: 'create', Data: exported.value[0].data }) });
    expect(imported.status).toBe(200);
    const { ItemId } = (await imported.json()) as { ItemId: string };
    const copy = fake.mailbox(BOB).messages.get(ItemId)!;
    expect([copy.mime.equals(raw), copy.folderId, copy.categories, fake.mailbox(BOB).flagsOf(copy) & 1]).toEqual([true, bobInbox.id, ['Blue'], 1]);

    // Delegated tokens cannot use it; more than 20 items in one export are refused.
    expect((await refused(() => client().api(`/admin/exchange/mailboxes/${encodeURIComponent(from)}/folders`).get())).statusCode).toBe(403);
    expect((await refused(() => app.api(`/admin/exchange/mailboxes/${encodeURIComponent(from)}/exportItems`).post({ ItemIds: Array.from({ length: 21 }, () => original.id) }))).statusCode).toBe(400);
    expect(fake.schemaErrors).toEqual([]);
  });

  it('checks its own answers too: a response property the schema lacks is recorded', () => {
    expect(fake.check('microsoft.graph.message', { id: 'x', isRead: true, madeUp: 1 }, 'response')).toEqual(["message.madeUp: Property 'madeUp' does not exist on type 'microsoft.graph.message'"]);
    expect(fake.check('microsoft.graph.automaticRepliesSetting', { status: 'scheduled', scheduledStartDateTime: { dateTime: '2026-01-01T00:00:00', timeZone: 'UTC' } }, 'update')).toEqual([]);
    expect(fake.check('microsoft.graph.todoTask', { title: 'x', status: 'done' }, 'create')).toEqual(['todoTask.status: "done" is not a member of taskStatus']);
  });
});
