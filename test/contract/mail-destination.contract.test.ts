// The mail destination contract: the same cases against every destination adapter of
// support/destinations.ts, each checked at the server itself (over the test's own IMAP
// connection, or in the fake Exchange's store), never only by the port's own answers.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Db } from '../../src/store/db';
import { Journal } from '../../src/store/journal';
import { claimIntents, markOf } from '../../src/engine/claims';
import type { AccountCredentials } from '../../src/ports/account';
import type { DestinationFolder, FolderTree, MailDestination, OutgoingMessage, WriteOutcome } from '../../src/ports/mail';
import { DESTINATIONS, type DestinationTarget } from './support/destinations';
import { copyOf, foreign, outgoing, seeds, type Seed } from './support/messages';
import { stopServers } from './support/servers';

let dir: string;
let db: Db;
let journal: Journal;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tern-contract-'));
  db = await openStore({ dataDir: dir });
  journal = new Journal(db);
  // The servers start together (each once per file); the entries' own start() then finds them up.
  await Promise.all(DESTINATIONS.map((e) => e.start()));
});

afterAll(async () => {
  const fake = await stopServers();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
  // Every request to the fake Exchange and every answer it gave, checked against Microsoft's schema.
  expect(fake.schemaErrors).toEqual([]);
  expect(fake.internalErrors).toEqual([]);
});

const noop = () => {};
let tasks = 0;

/** Writes through a new lane; every message must be answered exactly once. */
async function writeAll(port: MailDestination, folder: DestinationFolder, messages: OutgoingMessage[]): Promise<WriteOutcome[]> {
  const answers: WriteOutcome[][] = messages.map(() => []);
  const lane = await port.openLane();
  try {
    await lane.write(folder, messages, (i, outcome) => answers[i].push(outcome));
  } finally {
    await lane.close();
  }
  expect(answers.map((a) => a.length)).toEqual(messages.map(() => 1));
  return answers.map((a) => a[0]);
}

function idOf(outcome: WriteOutcome): string {
  if ('refused' in outcome || outcome.id === undefined) throw new Error(`no id in the answer: ${JSON.stringify(outcome)}`);
  return outcome.id;
}

/** How many stored messages have exactly these bytes. */
const copies = (stored: Array<{ raw: Buffer }>, raw: Buffer) => stored.filter((m) => m.raw.equals(raw)).length;

describe.each(DESTINATIONS)('mail destination contract: $name', (entry) => {
  let target: DestinationTarget;
  let account: AccountCredentials;
  let port: MailDestination;
  let tree: FolderTree;
  /** A folder path in the destination's own terms (prefix, separator). */
  const pathOf = (...names: string[]) => tree.prefix + names.join(tree.delimiter);
  const ensure = async (...names: string[]) => (await port.ensureFolder(pathOf(...names), noop)).folder;

  beforeAll(async () => {
    target = await entry.start();
  });

  beforeEach(async () => {
    account = await target.account();
    port = await target.open(account);
    tree = await port.folders();
  });

  afterEach(async () => {
    await port?.close();
  });

  it('ensureFolder creates a nested folder and its parents, telling of each folder it made once and of none that existed', async () => {
    const created: DestinationFolder[] = [];
    const heard = (f: DestinationFolder) => void created.push(f);
    const child = pathOf('Contract', 'Parent', 'Child');
    const { folder } = await port.ensureFolder(child, heard);
    expect(folder.path).toBe(child);
    expect(created.map((f) => f.path)).toEqual([pathOf('Contract'), pathOf('Contract', 'Parent'), child]);
    expect(created[2]).toEqual(folder);
    expect(await target.folderPaths(account)).toEqual(expect.arrayContaining([pathOf('Contract'), pathOf('Contract', 'Parent'), child]));

    // Existing folders: INBOX, the same path again; a new path ensured twice at once is made once.
    created.length = 0;
    await port.ensureFolder('INBOX', heard);
    expect((await port.ensureFolder(child, heard)).folder).toEqual(folder);
    expect(created).toEqual([]);
    const twin = pathOf('Contract', 'Twin');
    const both = await Promise.all([port.ensureFolder(twin, heard), port.ensureFolder(twin, heard)]);
    expect(both[1].folder).toEqual(both[0].folder);
    expect(created.map((f) => f.path)).toEqual([twin]);

    // Ensured at once by another session too: at least one claims it, so a rollback never misses it.
    // Both may (IMAP: each had it missing from its listing, and Dovecot's Maildir++ answers
    // ALREADYEXISTS to a CREATE it carried out while another session of the user lists or logs in);
    // rollback removes only an empty folder holding no one else's, so a double claim loses nothing.
    created.length = 0;
    const race = pathOf('Contract', 'Race');
    const other = await target.open(account);
    try {
      const all = await Promise.all([port.ensureFolder(race, heard), other.ensureFolder(race, heard)]);
      expect(all[1].folder).toEqual(all[0].folder);
    } finally {
      await other.close();
    }
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(created.every((f) => f.path === race)).toBe(true);
    const paths = await target.folderPaths(account);
    expect(paths.filter((p) => p === twin || p === race).sort()).toEqual([race, twin].sort());

    expect((await port.folders()).folders.map((f) => f.path)).toEqual(expect.arrayContaining([pathOf('Contract'), child, twin, race]));
    expect(await port.findFolder(child)).toEqual(folder);
    expect(await port.findFolder(pathOf('Contract', 'Nowhere'))).toBeUndefined();
    expect(await target.folderPaths(account)).not.toContain(pathOf('Contract', 'Nowhere'));
  });

  it('a written batch is answered once per message with an id; a re-scan finds each with its key (and mark); the server holds the bytes written', async () => {
    const folder = await ensure('Contract', 'Batch');
    const before = await port.scan(folder);
    expect(before.messages).toEqual([]);
    const batch = seeds('batch', 6);
    const marks = batch.map((_, i) => `T-CONTRACT/${i + 1}`);
    const answers = await writeAll(port, folder, batch.map((s, i) => outgoing(s, marks[i])));
    const ids = answers.map(idOf);
    expect(new Set(ids).size).toBe(batch.length);
    for (const a of answers) if ('generation' in a && a.generation !== undefined) expect(a.generation).toBe(before.generation);

    const after = await port.scan(folder);
    expect(after.generation).toBe(before.generation);
    const byId = new Map(after.messages.map((m) => [m.id, m]));
    expect(after.messages).toHaveLength(batch.length);
    batch.forEach((s, i) => {
      const found = byId.get(ids[i]);
      expect(found?.dedupeKey).toBe(s.key);
      if (port.keepsMarks) expect(found?.mark).toBe(marks[i]);
      if (found?.position !== undefined && before.watermark !== undefined) expect(found.position).toBeGreaterThanOrEqual(before.watermark);
    });

    const stored = new Map((await target.messages(account, folder)).map((m) => [m.id, m]));
    expect(stored.size).toBe(batch.length);
    batch.forEach((s, i) => {
      const m = stored.get(ids[i])!;
      expect(m.raw.equals(s.raw)).toBe(true);
      expect(m.flags).toEqual(s.flags);
      expect(m.internalDate?.toISOString()).toBe(s.internalDate.toISOString());
    });
    expect(await port.count(folder)).toBe(batch.length);
    expect(await port.findByKey(folder, batch[0].key, before.watermark)).toEqual([ids[0]]);
  });

  it('a crash between intend and confirm, then resume: each written message claimed once, unwritten intents dropped, someone else\'s copy never claimed, nothing lost or doubled', async () => {
    const taskId = `T-CONTRACT-${++tasks}`;
    const folder = await ensure('Contract', 'Crash');
    const batch = seeds(`crash${tasks}`, 6);
    const written = batch.slice(0, 4);
    const theirs = copyOf(batch[0]);
    await target.seed(account, folder, theirs);
    const contents = await port.scan(folder);
    const theirId = contents.messages.find((m) => m.dedupeKey === batch[0].key)!.id;

    // The worker intends the whole batch, writes the first four, and dies before any answer is journaled.
    const ids = await journal.intendAll(taskId, 'message', batch.map((s) => ({ folder: folder.path, key: s.key, scope: contents.generation, watermark: contents.watermark })));
    await writeAll(port, folder, written.map((s, i) => outgoing(s, markOf(taskId, ids[i]))));
    await port.close();

    // Another worker resumes on a fresh connection.
    port = await target.open(account);
    const again = (await port.findFolder(folder.path))!;
    const present = await port.scan(again);
    const entries = (await journal.entries(taskId, { kind: 'message', folder: folder.path })).filter((e) => e.scope === present.generation);
    expect(entries).toHaveLength(batch.length);
    const candidates = present.messages.map((m) => ({ id: m.id, key: m.dedupeKey, position: m.position, mark: m.mark }));
    const ours = await claimIntents(journal, taskId, entries, candidates, port.keepsMarks);

    const stored = new Map((await target.messages(account, again)).map((m) => [m.id, m]));
    const claimed = await journal.entries(taskId, { kind: 'message' });
    expect(claimed.map((e) => e.key)).toEqual(written.map((s) => s.key));
    expect(new Set(claimed.map((e) => e.ref)).size).toBe(written.length);
    expect([...ours].sort()).toEqual(claimed.map((e) => e.ref!).sort());
    expect(ours.has(theirId)).toBe(false);
    // Each claim names the very message this task wrote, not a look-alike.
    claimed.forEach((e, i) => expect(stored.get(e.ref!)?.raw.equals(written[i].raw)).toBe(true));

    // The rest of the batch is written now, as the resumed step would.
    const rest = batch.slice(4);
    const fresh = await port.scan(again);
    const restIds = await journal.intendAll(taskId, 'message', rest.map((s) => ({ folder: folder.path, key: s.key, scope: fresh.generation, watermark: fresh.watermark })));
    const answers = await writeAll(port, again, rest.map((s, i) => outgoing(s, markOf(taskId, restIds[i]))));
    answers.forEach(async (a, i) => await journal.confirm(restIds[i], idOf(a)));

    const final = await target.messages(account, again);
    expect(final).toHaveLength(batch.length + 1);
    for (const s of batch) expect(copies(final, s.raw)).toBe(1);
    expect(copies(final, theirs)).toBe(1);
    const finalById = new Map(final.map((m) => [m.id, m]));
    const journaled = await journal.entries(taskId, { kind: 'message' });
    expect(journaled.map((e) => finalById.get(e.ref!)?.raw.toString('latin1'))).toEqual(batch.map((s) => s.raw.toString('latin1')));
  });

  it('remove takes away exactly the ids written, leaving someone else\'s message in the same folder', async () => {
    const folder = await ensure('Contract', 'Remove');
    const theirs = foreign('remove');
    await target.seed(account, folder, theirs);
    const contents = await port.scan(folder);
    const batch = seeds('remove', 5);
    const ids = (await writeAll(port, folder, batch.map((s, i) => outgoing(s, `T-REMOVE/${i}`)))).map(idOf);
    expect(await target.messages(account, folder)).toHaveLength(batch.length + 1);

    expect(await port.remove(folder, contents.generation, ids)).toBe('removed');
    const left = await target.messages(account, folder);
    expect(left).toHaveLength(1);
    expect(left[0].raw.equals(theirs)).toBe(true);
    expect(await port.count(folder)).toBe(1);
  });

  // Only destinations whose ids change (IMAP UIDVALIDITY); where the generation is "" nothing can go stale, so the case is skipped there.
  it('remove under a stale generation (the folder was recreated) says "stale" and removes nothing [skipped where ids never change]', async (ctx) => {
    if (!target.recreate) return ctx.skip();
    const folder = await ensure('Contract', 'Stale');
    const contents = await port.scan(folder);
    const ids = (await writeAll(port, folder, seeds('stale', 2).map((s, i) => outgoing(s, `T-STALE/${i}`)))).map(idOf);
    await target.recreate(account, folder);
    // In the new folder the old ids may name someone else's message: it must survive.
    const theirs = foreign('stale');
    await target.seed(account, folder, theirs);
    expect((await port.scan(folder)).generation).not.toBe(contents.generation);

    expect(await port.remove(folder, contents.generation, ids)).toBe('stale');
    const left = await target.messages(account, folder);
    expect(left.map((m) => m.raw.equals(theirs))).toEqual([true]);
  });

  it('remove after the user deleted or renamed the folder: nothing fails, and what the ids name is gone', async () => {
    const folder = await ensure('Contract', 'Displaced');
    const contents = await port.scan(folder);
    const batch = seeds('displaced', 3);
    const ids = (await writeAll(port, folder, batch.map((s, i) => outgoing(s, `T-DISPLACED/${i}`)))).map(idOf);
    /** How many of the messages written are anywhere in the account. */
    const written = async () => {
      let n = 0;
      for (const { path } of (await port.folders()).folders) {
        const found = await port.findFolder(path);
        if (found) n += (await target.messages(account, found)).filter((m) => batch.some((b) => m.raw.equals(b.raw))).length;
      }
      return n;
    };
    const expected = await target.displace(account, folder);
    // Deleted, the messages went with their folder; renamed, they are still there, elsewhere.
    expect(await written()).toBe(expected === 'gone' ? 0 : batch.length);
    expect(await port.remove(folder, contents.generation, ids)).toBe(expected);
    expect(await written()).toBe(0);
  });

  it('removeFolderIfEmpty keeps a folder with someone else\'s message or a sub-folder (saying what it holds), removes an empty one, and takes one already gone as removed', async () => {
    const kept = await ensure('Contract', 'Kept');
    await target.seed(account, kept, foreign('kept'));
    const parent = await ensure('Contract', 'Parent');
    await ensure('Contract', 'Parent', 'Child');
    const empty = await ensure('Contract', 'Empty');
    const gone = await ensure('Contract', 'Gone');

    expect(await port.removeFolderIfEmpty(kept)).toEqual({ removed: false, holds: expect.stringMatching(/\b1\b/) });
    expect(await port.removeFolderIfEmpty(parent)).toEqual({ removed: false, holds: expect.stringMatching(/folder/) });
    expect(await port.removeFolderIfEmpty(empty)).toEqual({ removed: true });
    // Removed behind this port's back (another session), then asked again.
    const other = await target.open(account);
    try {
      expect(await other.removeFolderIfEmpty(gone)).toEqual({ removed: true });
    } finally {
      await other.close();
    }
    expect(await port.removeFolderIfEmpty(gone)).toEqual({ removed: true });

    const paths = await target.folderPaths(account);
    expect(paths).toEqual(expect.arrayContaining([kept.path, parent.path, pathOf('Contract', 'Parent', 'Child')]));
    expect(paths).not.toContain(empty.path);
    expect(paths).not.toContain(gone.path);
    expect(await port.findFolder(empty.path)).toBeUndefined();
    expect(await target.messages(account, kept)).toHaveLength(1);
  });

  it('a message the destination refuses is answered { refused } and the rest of the batch lands', async (ctx) => {
    if ('none' in target.refusable) return ctx.skip();
    const folder = await ensure('Contract', 'Refused');
    const good = seeds('refused', 4);
    const bad: Seed = { raw: target.refusable.raw, flags: [], internalDate: new Date(Date.UTC(2023, 0, 1)), key: 'refused' };
    const batch = [good[0], good[1], bad, good[2], good[3]];
    const answers = await writeAll(port, folder, batch.map((s, i) => outgoing(s, `T-REFUSED/${i}`)));

    expect(answers[2]).toEqual({ refused: expect.any(String) });
    expect((answers[2] as { refused: string }).refused).not.toBe('');
    const ids = answers.filter((_, i) => i !== 2).map(idOf);
    const stored = await target.messages(account, folder);
    expect(stored.map((m) => m.id).sort()).toEqual([...ids].sort());
    for (const s of good) expect(copies(stored, s.raw)).toBe(1);
    expect(await port.count(folder)).toBe(good.length);
  });
});
