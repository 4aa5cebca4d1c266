// The PIM destination contract (contacts, groups, events, tasks): the same cases against every
// entry of support/pim-destinations.ts, each checked at the server, not only by the port's answers.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Db } from '../../src/store/db';
import { Journal } from '../../src/store/journal';
import { claimIntents } from '../../src/engine/claims';
import type { AccountCredentials } from '../../src/ports/account';
import type { DestinationFolder } from '../../src/ports/mail';
import type { PimDestination } from '../../src/ports/pim';
import type { PimKind } from '../../src/ports/pim-items';
import { KINDS, labelOf, PIM_DESTINATIONS, sample, type PimTarget } from './support/pim-destinations';
import { stopServers } from './support/servers';

let dir: string;
let db: Db;
let journal: Journal;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tern-contract-pim-'));
  db = await openStore({ dataDir: dir });
  journal = new Journal(db);
});

afterAll(async () => {
  const fake = await stopServers();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
  expect(fake.schemaErrors).toEqual([]);
  expect(fake.internalErrors).toEqual([]);
});

const noop = () => {};
/** A kind whose folders never stand in for this kind's. */
const OTHER: Record<PimKind, PimKind> = { contact: 'event', group: 'task', event: 'contact', task: 'event' };
let tasks = 0;

describe.each(PIM_DESTINATIONS)('PIM destination contract: $name', (entry) => {
  let target: PimTarget;
  let account: AccountCredentials;
  let port: PimDestination;

  beforeAll(async () => {
    target = await entry.start();
  });

  beforeEach(async () => {
    account = await target.account();
    port = await target.open(account);
  });

  afterEach(async () => {
    await port?.close();
  });

  it.each(entry.kinds ?? KINDS)('%s: defaultFolder is the server\'s own; ensureFolder makes a nested folder of the kind once; findFolder and folders() see it', async (kind) => {
    const byDefault = await port.defaultFolder(kind);
    expect(byDefault.id).toBe(await target.defaultAt(account, kind));
    const created: DestinationFolder[] = [];
    const heard = (f: DestinationFolder) => void created.push(f);
    const parentPath = `${byDefault.path}/Contract ${kind}`;
    const childPath = `${parentPath}/Sub`;
    const child = await port.ensureFolder(kind, childPath, heard);
    expect(child.path).toBe(childPath);
    expect(created.map((f) => f.path)).toEqual([parentPath, childPath]);
    for (const f of created) {
      const atServer = await target.folderAt(account, f.id);
      expect(atServer?.path).toBe(f.path);
      expect(atServer?.holds(kind)).toBe(true);
    }

    created.length = 0;
    expect(await port.ensureFolder(kind, childPath, heard)).toEqual(child);
    expect(await port.ensureFolder(kind, byDefault.path, heard)).toEqual(byDefault);
    expect(created).toEqual([]);
    expect(await port.findFolder(kind, childPath)).toEqual(child);
    expect(await port.findFolder(OTHER[kind], childPath)).toBeUndefined();
    expect(await port.findFolder(kind, `${parentPath}/Nowhere`)).toBeUndefined();
    expect((await port.folders(kind)).map((f) => f.id)).toEqual(expect.arrayContaining([byDefault.id, child.id]));
  });

  it.each(entry.kinds ?? KINDS)('%s: an item created with a stamp is found by scan with that stamp, next to someone else\'s unstamped one', async (kind) => {
    const folder = await port.ensureFolder(kind, `${(await port.defaultFolder(kind)).path}/Contract create`, noop);
    await target.seed(account, folder, kind, 'Someone Else');
    const item = sample(kind, 'Created Item');
    const id = await port.create(folder, item, { stamp: `stamp-${kind}-1` });

    const scanned = await port.scan(kind, folder);
    expect(scanned.map((s) => [labelOf(s), s.stamp]).sort()).toEqual([['Created Item', `stamp-${kind}-1`], ['Someone Else', undefined]]);
    expect(scanned.find((s) => s.stamp)?.id).toBe(id);
    const atServer = await target.items(account, folder);
    expect(atServer.map((s) => [s.kind, s.label, s.stamp ?? null, s.id === id]).sort()).toEqual([
      [kind, 'Created Item', `stamp-${kind}-1`, true],
      [kind, 'Someone Else', null, false],
    ]);
    expect(await port.count(folder)).toBe(2);
  });

  it.each(entry.kinds ?? KINDS)('%s: a crash between intend and confirm, then resume: created items claimed by stamp once, the others dropped, someone else\'s never claimed', async (kind) => {
    const taskId = `T-PIM-${++tasks}`;
    const folder = await port.ensureFolder(kind, `${(await port.defaultFolder(kind)).path}/Contract crash`, noop);
    // Someone else's copy of the first item: same content, no stamp.
    await target.seed(account, folder, kind, 'Item 1');
    const items = [1, 2, 3, 4].map((n) => sample(kind, `Item ${n}`));
    const stamps = items.map((_, i) => `stamp-${taskId}-${i + 1}`);
    await journal.intendAll(taskId, kind, stamps.map((key) => ({ folder: folder.path, key })));
    // The first two are created, then the worker dies before journaling their ids.
    for (const [i, item] of items.slice(0, 2).entries()) await port.create(folder, item, { stamp: stamps[i] });
    await port.close();

    port = await target.open(account);
    const present = await port.scan(kind, folder);
    const candidates = present.flatMap((p) => (p.stamp ? [{ id: p.id, key: p.stamp }] : []));
    const ours = await claimIntents(journal, taskId, await journal.entries(taskId, { kind, folder: folder.path }), candidates, false);

    const atServer = await target.items(account, folder);
    const theirs = atServer.find((s) => s.stamp === undefined)!;
    const claimed = await journal.entries(taskId, { kind });
    expect(claimed.map((e) => e.key)).toEqual(stamps.slice(0, 2));
    expect([...ours].sort()).toEqual(claimed.map((e) => e.ref!).sort());
    expect(ours.has(theirs.id)).toBe(false);
    for (const e of claimed) expect(atServer.find((s) => s.id === e.ref)?.stamp).toBe(e.key);

    // The resumed step creates the rest.
    for (const [i, item] of items.slice(2).entries()) {
      const intent = await journal.intend(taskId, kind, { folder: folder.path, key: stamps[i + 2] });
      await journal.confirm(intent, await port.create(folder, item, { stamp: stamps[i + 2] }));
    }
    const final = await target.items(account, folder);
    expect(final.map((s) => s.stamp ?? `theirs: ${s.label}`).sort()).toEqual([...stamps, 'theirs: Item 1'].sort());
    const journaled = await journal.entries(taskId, { kind });
    expect(journaled.map((e) => final.find((s) => s.id === e.ref)?.stamp)).toEqual(stamps);
  });

  it('remove takes away exactly the ids given, leaving someone else\'s contact; ids already gone are no error', async () => {
    const folder = await port.defaultFolder('contact');
    await target.seed(account, folder, 'contact', 'Someone Else');
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push(await port.create(folder, sample('contact', `Ours ${n}`), { stamp: `stamp-remove-${n}` }));
    expect(await target.items(account, folder)).toHaveLength(4);

    await port.remove(ids);
    expect((await target.items(account, folder)).map((s) => s.label)).toEqual(['Someone Else']);
    await port.remove(ids);
    expect(await port.count(folder)).toBe(1);
  });

  it('removeFolderIfEmpty keeps a folder with someone else\'s contact or a sub-folder (saying what it holds), removes an empty one, and takes one already gone as removed', async () => {
    const base = (await port.defaultFolder('contact')).path;
    const kept = await port.ensureFolder('contact', `${base}/Kept`, noop);
    await target.seed(account, kept, 'contact', 'Someone Else');
    const parent = await port.ensureFolder('contact', `${base}/Parent`, noop);
    const child = await port.ensureFolder('contact', `${base}/Parent/Child`, noop);
    const empty = await port.ensureFolder('contact', `${base}/Empty`, noop);
    const gone = await port.ensureFolder('contact', `${base}/Gone`, noop);

    expect(await port.removeFolderIfEmpty(kept)).toEqual({ removed: false, holds: expect.stringMatching(/\b1\b/) });
    expect(await port.removeFolderIfEmpty(parent)).toEqual({ removed: false, holds: expect.stringMatching(/folder/) });
    expect(await port.removeFolderIfEmpty(empty)).toEqual({ removed: true });
    const other = await target.open(account);
    try {
      expect(await other.removeFolderIfEmpty(gone)).toEqual({ removed: true });
    } finally {
      await other.close();
    }
    expect(await port.removeFolderIfEmpty(gone)).toEqual({ removed: true });

    for (const f of [kept, parent, child]) expect(await target.folderAt(account, f.id), f.path).toBeDefined();
    for (const f of [empty, gone]) expect(await target.folderAt(account, f.id), f.path).toBeUndefined();
    expect((await target.items(account, kept)).map((s) => s.label)).toEqual(['Someone Else']);
  });
});
