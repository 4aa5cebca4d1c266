// Every store class against both dialects, the same expectations: where SQLite and PostgreSQL
// differ (bigint counts arriving as strings, upserts, RETURNING order, statements of many rows,
// large numbers, transactions) the store must not. Real SQLite and PostgreSQL.
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/db';
import { TaskStore } from '../src/store/tasks';
import { Journal } from '../src/store/journal';
import { BatchStore } from '../src/store/batches';
import { FolderSyncStore, type FolderSyncState } from '../src/store/folder-sync';
import { MessageRefs } from '../src/store/messages';
import { SignIns } from '../src/store/sign-ins';
import { OAuthApps } from '../src/store/oauth-apps';
import { Vault } from '../src/store/vault';
import { TernError } from '../src/errors';
import { testPostgres } from './support/postgres';
import { storeKinds, useTestStore } from './support/stores';

const endpoint = (user: string) => ({ protocol: 'imap' as const, host: 'h', port: 143, secure: false, insecure: false, user });
let n = 0;
const newId = () => `T-STORE${String(++n).padStart(3, '0')}`;

describe.each(storeKinds)('store (%s)', (kind) => {
  const opened = useTestStore(kind);
  let tasks: TaskStore;
  let journal: Journal;
  beforeAll(() => {
    tasks = new TaskStore(opened.db);
    journal = new Journal(opened.db);
  });
  const newTask = async (requester = 'r', now?: number) => {
    const id = newId();
    await tasks.create({ id, requester, source: endpoint('Src@X.org'), destination: endpoint('dst'), items: ['emails', 'contacts'], options: { maxMessageBytes: 1000 } }, now);
    return id;
  };

  describe('tasks', () => {
    it('creates a task with its steps, and reads it back as written', async () => {
      const id = await newTask('alice', 1_700_000_000_000);
      const view = (await tasks.get(id))!;
      expect(view).toMatchObject({ id, status: 'queued', requester: 'alice', items: ['emails', 'contacts'], createdAt: new Date(1_700_000_000_000).toISOString(), pass: 1 });
      expect(view.steps.map((s) => [s.kind, s.status, s.total])).toEqual([
        ['emails', 'pending', 0],
        ['contacts', 'pending', 0],
      ]);
      expect((await tasks.row(id))!.sourceLogin).toBe('src@x.org');
      expect(await tasks.get('T-NOPE0000')).toBeUndefined();
    });

    it('a failing step insert rolls the task back too (one transaction)', async () => {
      const id = newId();
      // The same step twice breaks the steps' primary key after the task row went in.
      await expect(tasks.create({ id, requester: 'r', source: endpoint('a'), destination: endpoint('b'), items: ['emails', 'emails'] })).rejects.toThrow();
      expect(await tasks.row(id)).toBeUndefined();
    });

    it('a step and its audit entry change together, or neither does', async () => {
      const id = await newTask();
      await tasks.updateStepAudited(id, 'emails', { status: 'running', startedAt: 7 }, { actor: 'worker', action: 'step.start', detail: 'emails' }, 8);
      expect((await tasks.steps(id)).find((s) => s.kind === 'emails')).toMatchObject({ status: 'running' });
      expect(await tasks.auditLog(id)).toEqual([{ actor: 'worker', action: 'step.start', detail: 'emails', at: new Date(8).toISOString() }]);
      // An audit row the store refuses (no action) takes the step's change back with it.
      const refused = tasks.updateStepAudited(id, 'emails', { status: 'done', endedAt: 9 }, { actor: 'worker', action: null as unknown as string });
      await expect(refused).rejects.toThrow();
      expect((await tasks.steps(id)).find((s) => s.kind === 'emails')).toMatchObject({ status: 'running' });
      expect(await tasks.auditLog(id)).toHaveLength(1);
    });

    it('transitions only from the states given, and counts states as numbers', async () => {
      const id = await newTask();
      expect(await tasks.transition(id, ['running'], 'completed')).toBe(false);
      expect(await tasks.transition(id, ['queued'], 'running', { startedAt: 5 })).toBe(true);
      expect((await tasks.row(id))!).toMatchObject({ status: 'running', startedAt: 5 });
      const counts = await tasks.countByStatus();
      expect(typeof counts.running).toBe('number');
      expect(counts.running).toBeGreaterThanOrEqual(1);
      expect(await tasks.unfinished()).toContainEqual({ id, status: 'running' });
      expect((await tasks.runningEndpoints()).some((e) => e.source.user === 'Src@X.org')).toBe(true);
    });

    it('keeps millisecond timestamps and byte counts beyond 32 bits exact', async () => {
      const id = await newTask();
      const big = 2 ** 40 + 7;
      await tasks.updateStep(id, 'emails', { status: 'running', bytes: big, totalBytes: big * 2, copied: 3 });
      await tasks.update(id, { rollbackUntil: 8_640_000_000_000 });
      const [emails] = await tasks.steps(id);
      expect(emails).toMatchObject({ status: 'running', bytes: big, totalBytes: big * 2, copied: 3 });
      expect(typeof emails!.bytes).toBe('number');
      expect((await tasks.row(id))!.rollbackUntil).toBe(8_640_000_000_000);
    });

    it('closes open steps only', async () => {
      const id = await newTask();
      await tasks.updateStep(id, 'emails', { status: 'done' });
      await tasks.closeOpenSteps(id, 'cancelled', 9);
      expect((await tasks.steps(id)).map((s) => s.status)).toEqual(['done', 'cancelled']);
    });

    it('upserts folder reports, with their failures', async () => {
      const id = await newTask();
      const report = { sourceFolder: 'INBOX', destinationFolder: 'INBOX', status: 'done' as const, sourceCount: 3, copied: 2, alreadyPresent: 0, failed: 1, bytes: 10 };
      await tasks.saveFolderReport(id, report);
      await tasks.saveFolderReport(id, { ...report, copied: 3, failed: 0, destinationCount: 3, failures: [{ reason: 'too big', count: 1 }] });
      await tasks.saveFolderReport(id, { ...report, sourceFolder: 'Archive', destinationFolder: 'Archive' });
      const folders = await tasks.folderReports(id);
      expect(folders.map((f) => [f.sourceFolder, f.copied])).toEqual([
        ['Archive', 2],
        ['INBOX', 3],
      ]);
      expect(folders[1]).toMatchObject({ destinationCount: 3, failures: [{ reason: 'too big', count: 1 }] });
    });

    it('lists newest first, per requester, and keeps the audit log in order', async () => {
      const older = await newTask('bob', 1_000);
      const newer = await newTask('bob', 2_000);
      expect((await tasks.list({ requester: 'bob' })).map((t) => t.id)).toEqual([newer, older]);
      for (const action of ['one', 'two', 'three']) await tasks.audit(older, 'bob', action, `${action}!`);
      expect((await tasks.auditLog(older)).map((a) => a.action)).toEqual(['one', 'two', 'three']);
    });

    it('finds the tasks whose rollback window closed', async () => {
      const id = await newTask();
      await tasks.update(id, { status: 'completed', rollbackUntil: 100 });
      expect(await tasks.expired(200)).toContain(id);
      await tasks.update(id, { purgedAt: 150 });
      expect(await tasks.expired(200)).not.toContain(id);
    });

    it('adds up failed items per category as numbers', async () => {
      const id = await newTask();
      await tasks.failed.add(id, { kind: 'emails', category: 'too_large', reason: 'big', folder: 'INBOX', count: 2, date: '2024-01-02T03:04:05.000Z', subject: 's', id: '7' });
      await tasks.failed.add(id, { kind: 'emails', category: 'too_large', reason: 'bigger', folder: 'INBOX', count: 3 });
      await tasks.failed.add(id, { kind: 'emails', category: 'refused', reason: 'no', folder: 'Sent', count: 1 });
      expect(await tasks.failed.counts(id)).toEqual({ too_large: 5, refused: 1 });
      expect((await tasks.failed.list(id))[0]).toEqual({ kind: 'emails', category: 'too_large', reason: 'big', folder: 'INBOX', date: '2024-01-02T03:04:05.000Z', subject: 's', id: '7', count: 2 });
      expect((await tasks.get(id))!.failedItems?.counts).toEqual({ too_large: 5, refused: 1 });
      await tasks.failed.clear(id);
      expect(await tasks.failed.counts(id)).toEqual({});
    });

    it('keeps an item that fails again in a resumed attempt once, with what it said last', async () => {
      const id = await newTask();
      const big = { kind: 'emails' as const, category: 'too_large' as const, folder: 'INBOX', count: 1, subject: 'Big report', id: '4' };
      await tasks.failed.add(id, { ...big, reason: 'too large' });
      await tasks.failed.add(id, { ...big, folder: 'Archive', reason: 'too large' }); // another folder's message 4
      await tasks.failed.add(id, { ...big, reason: 'larger than 20 KB' });
      await tasks.failed.add(id, { kind: 'emails', category: 'refused', reason: 'no', folder: 'INBOX', count: 2 });
      await tasks.failed.add(id, { kind: 'emails', category: 'refused', reason: 'no', folder: 'INBOX', count: 2 }); // no id: counted as said
      expect(await tasks.failed.counts(id)).toEqual({ too_large: 2, refused: 4 });
      expect((await tasks.failed.list(id)).filter((i) => i.id === '4').map((i) => [i.folder, i.reason])).toEqual([
        ['Archive', 'too large'],
        ['INBOX', 'larger than 20 KB'],
      ]);
    });
  });

  describe('journal', () => {
    it('writes 1,201 intents in chunks, ids in order, and settles them in one go', async () => {
      const id = await newTask();
      const intents = Array.from({ length: 1201 }, (_, i) => ({ folder: 'INBOX', key: `k${i}`, scope: '42', watermark: 2 ** 33 + i }));
      const ids = await journal.intendAll(id, 'message', intents);
      expect(ids).toHaveLength(1201);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(new Set(ids).size).toBe(1201);
      // More than one chunk, confirmed and dropped together: one transaction.
      await journal.settle({ confirmed: ids.slice(0, 700).map((jid, i) => [jid, `uid-${i}`]), dropped: ids.slice(1100) });
      const entries = await journal.entries(id);
      expect(entries).toHaveLength(1100);
      expect(entries[0]).toMatchObject({ key: 'k0', ref: 'uid-0', scope: '42', watermark: 2 ** 33 });
      expect(entries[699]).toMatchObject({ key: 'k699', ref: 'uid-699' });
      expect(entries[700]).toMatchObject({ key: 'k700', ref: null });
    });

    it('records folders and snapshots, filters by kind and folder, and drops a task', async () => {
      const id = await newTask();
      await journal.record(id, 'folder', { folder: 'Work', key: 'Work', ref: 'Work' });
      await journal.record(id, 'snapshot', { folder: 'rules', key: 'rules', payload: { rules: [{ name: 'x' }] } });
      const one = await journal.intend(id, 'message', { folder: 'Work', key: 'm1' });
      await journal.confirm(one, '1');
      const two = await journal.intend(id, 'message', { folder: 'Work', key: 'm2' });
      await journal.drop(two);
      expect((await journal.entries(id, { kind: 'snapshot' }))[0]!.payload).toEqual({ rules: [{ name: 'x' }] });
      expect((await journal.entries(id, { kind: ['folder', 'message'], folder: 'Work' })).map((e) => [e.kind, e.key, e.ref, e.scope])).toEqual([
        ['folder', 'Work', 'Work', ''],
        ['message', 'm1', '1', ''],
      ]);
      await journal.dropTask(id);
      expect(await journal.entries(id)).toEqual([]);
    });
  });

  it('batches: created with their tasks in one transaction, found from a task', async () => {
    const batches = new BatchStore(opened.db);
    const [a, b, c] = [await newTask(), await newTask(), await newTask()];
    await batches.create({ id: `B-${kind}1`, requester: 'r', name: 'users.csv', refused: [{ line: 4, column: 'source', message: 'bad' }], createdAt: 5 }, [
      { taskId: b, line: 3 },
      { taskId: a, line: 2 },
    ]);
    await batches.add(`B-${kind}1`, c, 5);
    expect(await batches.get(`B-${kind}1`)).toEqual({ id: `B-${kind}1`, requester: 'r', name: 'users.csv', refused: [{ line: 4, column: 'source', message: 'bad' }], createdAt: 5 });
    expect(await batches.tasks(`B-${kind}1`)).toEqual([
      { taskId: a, line: 2 },
      { taskId: b, line: 3 },
      { taskId: c, line: 5 },
    ]);
    expect(await batches.of(c)).toBe(`B-${kind}1`);
    // A task listed twice breaks the key: nothing of that batch is kept.
    await expect(batches.create({ id: `B-${kind}2`, requester: 'r', name: 'x.csv', refused: [], createdAt: 6 }, [{ taskId: a, line: 1 }, { taskId: a, line: 2 }])).rejects.toThrow();
    expect(await batches.get(`B-${kind}2`)).toBeUndefined();
  });

  it('folder sync state: upserted per pair and folder, dropped', async () => {
    const sync = new FolderSyncStore(opened.db);
    const state = (next: number): FolderSyncState => ({ destinationFolder: 'INBOX', source: { generation: '1', next, count: 1 }, destination: { generation: '9', next: 2, count: 1 }, messages: [['1', '1', 'k', ['\\Seen']]] });
    await sync.put('p', 'INBOX', state(2));
    await sync.put('p', 'INBOX', state(3));
    expect((await sync.get('p', 'INBOX'))!.source.next).toBe(3);
    expect(await sync.get('other', 'INBOX')).toBeUndefined();
    await sync.drop('p', 'INBOX');
    expect(await sync.get('p', 'INBOX')).toBeUndefined();
  });

  it('status-card references: upserted, announced, posted, reopened', async () => {
    const refs = new MessageRefs(opened.db);
    const id = await newTask();
    await refs.save({ taskId: id, surface: 'slack', channel: 'C1', messageId: 'm1' });
    await refs.save({ taskId: id, surface: 'slack', channel: 'C1', messageId: 'm2', threadId: 't' });
    await refs.setAnnounced(id, 'slack', { emails: 'running' });
    expect(await refs.get(id, 'slack')).toEqual({ taskId: id, surface: 'slack', channel: 'C1', messageId: 'm2', threadId: 't', announced: { emails: 'running' }, finalPosted: false });
    await refs.setFinalPosted(id, 'slack', true);
    expect((await refs.open('slack')).map((r) => r.taskId)).not.toContain(id);
    await refs.reopen(id);
    expect((await refs.open('slack')).find((r) => r.taskId === id)).toMatchObject({ announced: {}, finalPosted: false });
  });

  it('sign-ins and app registrations: sealed, upserted, deleted', async () => {
    const vault = new Vault(opened.db, Buffer.alloc(32, 7));
    const signIns = new SignIns(opened.db, vault);
    await signIns.put('acct', { refreshToken: 'r1' });
    await signIns.put('acct', { refreshToken: 'r2', scope: 'mail' });
    expect(await signIns.get('acct')).toEqual({ refreshToken: 'r2', scope: 'mail' });
    expect(typeof (await signIns.updatedAt('acct'))).toBe('number');
    await signIns.delete('acct');
    expect(await signIns.get('acct')).toBeUndefined();

    const apps = new OAuthApps(opened.db, vault);
    await apps.put({ domain: 'x.org', issuer: 'https://login', clientId: 'c', credential: { kind: 'secret', secret: 's1' } });
    await apps.put({ domain: 'x.org', issuer: 'https://login', clientId: 'c2', credential: { kind: 'certificate', privateKeyPem: 'PEM', thumbprint: 'T' } });
    expect(await apps.get('x.org')).toMatchObject({ clientId: 'c2', credential: { kind: 'certificate', privateKeyPem: 'PEM', thumbprint: 'T' } });
    expect(await apps.list()).toEqual([{ domain: 'x.org', issuer: 'https://login', clientId: 'c2', scope: undefined, credentialKind: 'certificate' }]);
    expect(await apps.has('X.org')).toBe(true);
    expect(await apps.delete('x.org')).toBe(true);
    expect(await apps.delete('x.org')).toBe(false);
  });

  it('a second connection sees what the first wrote (another process or machine)', async () => {
    const other = new TaskStore(await opened.store.openAnother());
    const id = await newTask();
    await tasks.update(id, { error: 'seen elsewhere' });
    expect((await other.row(id))!.error).toBe('seen elsewhere');
  });
});

describe('PostgreSQL store that cannot be opened', () => {
  it('names the server, never the password', async () => {
    const server = await testPostgres();
    const url = new URL(await server.createDatabase());
    url.password = 'Wrong-Secret-9';
    const err = await openStore({ dataDir: '/nonexistent', databaseUrl: url.toString() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TernError);
    expect((err as TernError).code).toBe('STORE_UNAVAILABLE');
    expect((err as TernError).message).toMatch(new RegExp(`PostgreSQL store at postgres://tern:\\*\\*\\*@127\\.0\\.0\\.1:${server.port}/.*password authentication failed`));
    expect((err as TernError).message).not.toContain('Wrong-Secret-9');
  });
});
