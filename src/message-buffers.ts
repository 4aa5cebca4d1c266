// Buffers for messages held in memory while they are copied, reused rather than left to the
// garbage collector. A message buffer lives from its read until the destination's answer, long
// enough for V8 to move it to the old generation, where it is freed only by a full collection:
// V8 lets tens of MiB of such dead buffers pile up before one (issue 21: the 5,000-message copy
// peaked with ~40 MiB of dead message buffers). Reused, the memory a copy holds stays near what is
// actually in flight.

/** Smallest and largest pooled sizes; a message between them gets a buffer of the next power of two. */
const MIN_BYTES = 4 * 1024;
const MAX_BYTES = 2 * 1024 * 1024;
/** Idle buffers kept for reuse, in bytes: about what the copy lanes hold in flight together. */
const IDLE_LIMIT = 16 * 1024 * 1024;

const idle = new Map<number, Buffer[]>();
let idleBytes = 0;
/** The whole buffer behind each lent view; a view given back twice is not found the second time. */
const lent = new WeakMap<Buffer, Buffer>();

function classOf(bytes: number): number {
  let size = MIN_BYTES;
  while (size < bytes) size *= 2;
  return size;
}

/** A buffer of exactly `bytes` (contents undefined), from the pool when one of its size class is idle. */
export function takeMessageBuffer(bytes: number): Buffer {
  if (bytes < MIN_BYTES || bytes > MAX_BYTES) return Buffer.allocUnsafe(bytes);
  const size = classOf(bytes);
  const reused = idle.get(size)?.pop();
  if (reused) idleBytes -= size;
  // allocUnsafeSlow: a buffer of its own, never a slice of Node's shared 8 KiB pool.
  const whole = reused ?? Buffer.allocUnsafeSlow(size);
  const view = whole.subarray(0, bytes);
  lent.set(view, whole);
  return view;
}

/**
 * Gives a message's buffer back for reuse. Only once nothing reads it any more: the destination
 * has stored the message (a write still on the wire, or one to be retried, may read it again).
 * A buffer the pool did not lend, or one given back already, is left to the garbage collector.
 */
export function giveBackMessageBuffer(view: Buffer): void {
  const whole = lent.get(view);
  if (!whole) return;
  lent.delete(view);
  if (idleBytes + whole.length > IDLE_LIMIT) return;
  const list = idle.get(whole.length) ?? [];
  list.push(whole);
  idle.set(whole.length, list);
  idleBytes += whole.length;
}

/** Bytes held idle for reuse (tests). */
export function idleMessageBufferBytes(): number {
  return idleBytes;
}
