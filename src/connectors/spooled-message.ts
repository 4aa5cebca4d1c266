import fs from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { SpooledMessage } from '../ports/mail';

/** Pieces a spooled message is streamed back in: small enough to keep memory flat, large enough for few syscalls. */
const PIECE_BYTES = 256 * 1024;

/**
 * Writes a message arriving in pieces to a new temporary file (under TMPDIR, readable by this user
 * only: it is someone's mail) and returns it as a SpooledMessage: a 100 MB message then costs a
 * piece of memory, not 100 MB. The file is removed on dispose(), or at once if spooling fails.
 */
export async function spoolMessage(pieces: AsyncIterable<Buffer>): Promise<SpooledMessage> {
  const file = path.join(os.tmpdir(), `tern-message-${randomUUID()}`);
  let length = 0;
  const counted = async function* () {
    for await (const piece of pieces) {
      length += piece.length;
      yield piece;
    }
  };
  try {
    await pipeline(counted, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    await rm(file, { force: true });
    throw err;
  }
  return {
    length,
    stream: () => fs.createReadStream(file, { highWaterMark: PIECE_BYTES }),
    read: () => readFile(file),
    dispose: () => rm(file, { force: true }),
  };
}
