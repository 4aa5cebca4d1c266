// The mail source contract: the same cases against every source adapter of support/sources.ts,
// compared with what was seeded at the server (or what the PST file is known to hold).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { dedupeKey } from '../../src/ports/dedupe-key';
import type { MailSource, MessageSummary, RawMessage } from '../../src/ports/mail';
import { inMemory, release } from '../../src/ports/message-bytes';
import { openSource, SOURCES, type SourceFixture } from './support/sources';
import { stopServers } from './support/servers';

// The servers start together (each once per file); the entries' own start() then finds them up.
beforeAll(async () => {
  await Promise.all(SOURCES.map((e) => e.start()));
});

afterAll(async () => {
  const fake = await stopServers();
  expect(fake.schemaErrors).toEqual([]);
  expect(fake.internalErrors).toEqual([]);
});

/** What read() yields, with the bytes in memory (a large message may come spooled to disk). */
async function readAll(source: MailSource, folder: string, refs: string[]): Promise<Array<RawMessage & { raw: Buffer }>> {
  const out: Array<RawMessage & { raw: Buffer }> = [];
  for await (const m of source.read(folder, refs)) {
    out.push({ ref: m.ref, raw: await inMemory(m.raw) });
    await release(m.raw);
  }
  return out;
}

/** The Date header, as a POP3 source dates a message. */
const dateHeader = (raw: Buffer) => new Date(/^Date: (.*)$/m.exec(raw.toString('latin1'))![1].trim());

describe.each(SOURCES)('mail source contract: $name', (entry) => {
  let server: Awaited<ReturnType<typeof entry.start>>;
  let fixture: SourceFixture;
  let source: MailSource;

  beforeAll(async () => {
    server = await entry.start();
  });

  beforeEach(async () => {
    fixture = await server.fixture();
    source = await openSource(fixture.account);
  });

  afterEach(async () => {
    await source?.close();
  });

  it('folders() lists the mailbox\'s folders with their special uses', async () => {
    const tree = await source.folders();
    const listed = new Map(tree.folders.map((f) => [f.path, f]));
    for (const want of fixture.folders) {
      expect(listed.get(want.path), want.path).toBeDefined();
      expect(listed.get(want.path)?.specialUse, want.path).toBe(want.specialUse);
      expect(listed.get(want.path)?.selectable, want.path).toBe(true);
    }
    for (const f of tree.folders) expect(f.delimiter).toBe(tree.delimiter);
  });

  it('count() matches scan().length in every folder, and the known folder holds what it should', async () => {
    for (const f of (await source.folders()).folders.filter((f) => f.selectable)) {
      expect(await source.count(f.path), f.path).toBe((await source.scan(f.path)).length);
    }
    expect(await source.count(fixture.folder)).toBe(fixture.count);
  });

  it('scan() gives every message with its size, flags, date and the dedupe key its bytes give', async () => {
    const scanned = await source.scan(fixture.folder);
    expect(scanned).toHaveLength(fixture.count);
    expect(new Set(scanned.map((m) => m.ref)).size).toBe(scanned.length);
    expect(new Set(scanned.map((m) => m.dedupeKey)).size).toBe(scanned.length);
    for (const m of scanned) expect(m.size, m.ref).toBeGreaterThan(0);
    if (!fixture.seeded) {
      // A file that holds what it holds: each key is then checked against the message read (next case).
      for (const m of scanned) expect(m.dedupeKey).toMatch(/^mid:<.+>$/);
      return;
    }
    const byKey = new Map<string, MessageSummary>(scanned.map((m) => [m.dedupeKey, m]));
    for (const s of fixture.seeded) {
      const m = byKey.get(dedupeKey(s.raw));
      expect(m, s.key).toBeDefined();
      if (entry.exactSize) expect(m!.size).toBe(s.raw.length);
      expect([...m!.flags].sort()).toEqual(entry.keepsFlags ? s.flags : []);
      expect(m!.internalDate?.toISOString()).toBe((entry.date === 'header' ? dateHeader(s.raw) : s.internalDate).toISOString());
    }
  });

  it('read() yields the bytes of each message asked for, in the order asked, leaving out a ref that names none', async () => {
    const scanned = await source.scan(fixture.folder);
    const asked = scanned.map((m) => m.ref).reverse();
    const withMissing = [...asked.slice(0, 2), fixture.missingRef, ...asked.slice(2)];
    const read = await readAll(source, fixture.folder, withMissing);
    expect(read.map((m) => m.ref)).toEqual(asked);

    const byRef = new Map(scanned.map((m) => [m.ref, m]));
    for (const m of read) {
      // Whatever the source, the key of what is read is the key the scan promised.
      expect(dedupeKey(m.raw), m.ref).toBe(byRef.get(m.ref)!.dedupeKey);
      if (entry.gives === 'bytes') {
        const seed = fixture.seeded!.find((s) => s.key === byRef.get(m.ref)!.dedupeKey)!;
        expect(m.raw.equals(seed.raw), m.ref).toBe(true);
      } else {
        // Rebuilt from stored properties: a real RFC 5322 message carrying the Message-ID the key names.
        const parsed = await simpleParser(m.raw);
        expect(parsed.headers.size).toBeGreaterThan(0);
        expect(`mid:${(parsed.messageId ?? '').toLowerCase()}`).toBe(byRef.get(m.ref)!.dedupeKey);
      }
    }
  });

  it('reading does not change the source', async () => {
    const before = await fixture.state();
    const scanned = await source.scan(fixture.folder);
    expect(await readAll(source, fixture.folder, scanned.map((m) => m.ref))).toHaveLength(scanned.length);
    await source.close();
    // Some servers apply what a session did when it ends (POP3 at QUIT): look once it has.
    source = await openSource(fixture.account);
    expect(await fixture.state()).toEqual(before);
  });
});
