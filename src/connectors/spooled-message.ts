import fs from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { SpooledMessage } from '../ports/mail';

/**
 * A temporary file a message is written into as it arrives, then read back as a SpooledMessage:
 * a 100 MB message then costs a piece of memory, not 100 MB. The file (under TMPDIR, readable by
 * this user only: it is someone's mail) is unlinked as soon as it is open, so nothing is left on
 * disk whatever happens, a killed worker included; dispose() (or discard()) closes it, which frees the space.
 */
export interface Spool {
  /** Appends bytes, synchronously: a socket's chunks go straight to the page cache, none is kept. */
  write(piece: Buffer): void;
  /** The message written so far, to be read back. */
  finish(): SpooledMessage;
  /** Nothing to keep: the file goes. */
  discard(): Promise<void>;
}

export async function openSpool(): Promise<Spool> {
  const file = path.join(os.tmpdir(), `tern-message-${randomUUID()}`);
  const handle = await open(file, 'wx+', 0o600);
  try {
    await rm(file);
  } catch (err) {
    await handle.close();
    throw err;
  }
  let length = 0;
  return {
    write(piece) {
      for (let done = 0; done < piece.length; ) done += fs.writeSync(handle.fd, piece, done, piece.length - done, length + done);
      length += piece.length;
    },
    finish: () => spooled(handle, length),
    discard: () => handle.close().catch(() => {}),
  };
}

/** Writes a message arriving in pieces to a spool (openSpool) and returns it to be read back. */
export async function spoolMessage(pieces: AsyncIterable<Buffer>): Promise<SpooledMessage> {
  const spool = await openSpool();
  try {
    for await (const piece of pieces) spool.write(piece);
  } catch (err) {
    await spool.discard();
    throw err;
  }
  return spool.finish();
}

function spooled(handle: FileHandle, length: number): SpooledMessage {
  // Positional reads: each call is a fresh pass over the bytes, from where it asks.
  const readInto = async (target: Buffer, position: number) => (await handle.read(target, 0, Math.max(0, Math.min(target.length, length - position)), position)).bytesRead;
  return {
    length,
    readInto,
    async read() {
      const out = Buffer.allocUnsafe(length);
      for (let done = 0; done < length; ) {
        const n = await readInto(out.subarray(done), done);
        if (n === 0) throw new Error(`the spooled message ended after ${done} of ${length} bytes`);
        done += n;
      }
      return out;
    },
    async head(max) {
      const out = Buffer.allocUnsafe(Math.min(max, length));
      return out.subarray(0, await readInto(out, 0));
    },
    dispose: () => handle.close().catch(() => {}),
  };
}
