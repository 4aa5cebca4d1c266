import type { MessageBytes } from './mail';

// A message's bytes are a Buffer, or a SpooledMessage (large ones, kept in a temporary file by the source).

/** The bytes in memory, whichever way they are kept. */
export function inMemory(raw: MessageBytes): Promise<Buffer> {
  return Buffer.isBuffer(raw) ? Promise.resolve(raw) : raw.read();
}

/** Removes a spooled message's file; nothing to do for one in memory. */
export async function release(raw: MessageBytes): Promise<void> {
  if (!Buffer.isBuffer(raw)) await raw.dispose();
}
