import fs from 'node:fs';
import { open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { SpooledMessage } from '../ports/mail';

/** Pieces a spooled message is streamed back in: small enough to keep memory flat, large enough for few syscalls. */
const PIECE_BYTES = 256 * 1024;

/**
 * Writes a message arriving in pieces to a temporary file and returns it as a SpooledMessage: a
 * 100 MB message then costs a piece of memory, not 100 MB. The file (under TMPDIR, readable by
 * this user only: it is someone's mail) is unlinked as soon as it is open, so nothing is left on
 * disk whatever happens, a killed worker included; dispose() closes it, which frees the space.
 */
export async function spoolMessage(pieces: AsyncIterable<Buffer>): Promise<SpooledMessage> {
  const file = path.join(os.tmpdir(), `tern-message-${randomUUID()}`);
  const handle = await open(file, 'wx+', 0o600);
  let length = 0;
  try {
    await rm(file);
    for await (const piece of pieces) {
      for (let done = 0; done < piece.length; ) {
        const { bytesWritten } = await handle.write(piece, done, piece.length - done, length + done);
        done += bytesWritten;
      }
      length += piece.length;
    }
  } catch (err) {
    await handle.close();
    throw err;
  }
  return {
    length,
    // Positional reads from the start: each call is a fresh pass over the bytes.
    stream: () => fs.createReadStream('', { fd: handle, start: 0, end: length - 1, highWaterMark: PIECE_BYTES, autoClose: false }),
    async read() {
      const out = Buffer.allocUnsafe(length);
      for (let done = 0; done < length; ) {
        const { bytesRead } = await handle.read(out, done, length - done, done);
        if (bytesRead === 0) throw new Error(`the spooled message ended after ${done} of ${length} bytes`);
        done += bytesRead;
      }
      return out;
    },
    async head(max) {
      const out = Buffer.allocUnsafe(Math.min(max, length));
      const { bytesRead } = await handle.read(out, 0, out.length, 0);
      return out.subarray(0, bytesRead);
    },
    dispose: () => handle.close().catch(() => {}),
  };
}
