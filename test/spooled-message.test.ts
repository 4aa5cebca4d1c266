// A large message spooled to a temporary file: the same bytes back, from a private file unlinked
// at once (nothing left on disk, even by a killed worker) (the IMAP source spools messages over SPOOL_BYTES; see append-pipe tests for the streaming side).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spoolMessage } from '../src/connectors/spooled-message';
import { inMemory, release } from '../src/ports/message-bytes';
import { subjectOfBytes } from '../src/engine/email/subject';

let dir: string;
const tmpdirBefore = process.env.TMPDIR;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-spool-test-'));
  process.env.TMPDIR = dir; // os.tmpdir() reads it at each call
});

afterEach(() => {
  process.env.TMPDIR = tmpdirBefore;
  if (tmpdirBefore === undefined) delete process.env.TMPDIR;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** This process's open files: [fd, what it points at]. */
function openFds(): Array<[string, string]> {
  return fs.readdirSync('/proc/self/fd').flatMap((fd): Array<[string, string]> => {
    try {
      return [[fd, fs.readlinkSync(`/proc/self/fd/${fd}`, { encoding: 'utf8' })]];
    } catch {
      return []; // the listing's own descriptor, closed since
    }
  });
}

async function* piecesOf(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('spooled message', () => {
  it('gives back every byte, streamed in small pieces or read whole, from a file only its owner can read', async () => {
    const bytes = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 31) % 256));
    let seen: fs.Stats | undefined;
    async function* watched() {
      yield* piecesOf(bytes.subarray(0, 1024 * 1024), 1024 * 1024);
      // While spooling: the file was created private, and is already unlinked (a killed worker leaves nothing).
      const fd = openFds().find(([, target]) => target.startsWith(path.join(dir, 'tern-message-')));
      expect(fd?.[1], 'an open spool file').toMatch(/ \(deleted\)$/);
      seen = fs.statSync(`/proc/self/fd/${fd![0]}`);
      yield* piecesOf(bytes.subarray(1024 * 1024), 1024 * 1024);
    }
    const spooled = await spoolMessage(watched());
    expect(spooled.length).toBe(bytes.length);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(seen!.mode & 0o777).toBe(0o600);

    // Read back piece by piece into one buffer used again and again, as the append pipe does.
    const piece = Buffer.alloc(256 * 1024);
    const copy = Buffer.alloc(bytes.length);
    for (let at = 0, n; (n = await spooled.readInto(piece, at)) > 0; at += n) piece.copy(copy, at, 0, n);
    expect(copy.equals(bytes)).toBe(true);
    expect(await spooled.readInto(piece, bytes.length)).toBe(0);
    expect((await spooled.head(10)).equals(bytes.subarray(0, 10))).toBe(true);
    expect((await inMemory(spooled)).equals(bytes)).toBe(true);

    // Read twice: each pass starts from the first byte.
    expect((await inMemory(spooled)).equals(bytes)).toBe(true);
    await release(spooled);
  });

  it('leaves no file behind when the source fails half-way', async () => {
    async function* failing() {
      yield Buffer.alloc(1024, 1);
      throw new Error('connection lost');
    }
    await expect(spoolMessage(failing())).rejects.toThrow('connection lost');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a message in memory is its own bytes, and releasing it does nothing', async () => {
    const raw = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    expect(await inMemory(raw)).toBe(raw);
    await release(raw);
  });

  it('names a large message by its subject from its first piece, and the whole message still streams after', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 'x');
    const bytes = Buffer.concat([Buffer.from('From: a@example.com\r\nSubject: =?UTF-8?Q?Gro=C3=9Fe_Datei?=\r\n\r\n'), body]);
    const spooled = await spoolMessage(piecesOf(bytes, 64 * 1024));
    try {
      expect(await subjectOfBytes(spooled)).toBe('Große Datei');
      expect((await inMemory(spooled)).equals(bytes)).toBe(true);
      expect(await subjectOfBytes(Buffer.from('Subject: small\r\n\r\nhi'))).toBe('small');
    } finally {
      await release(spooled);
    }
  });
});
