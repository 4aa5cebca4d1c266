import { Worker } from 'node:worker_threads';
import { TernError } from '../../errors';
import { REPAIR } from './damage';
import type { PstItem, PstItemKind } from './items';
import type { PstRequest, PstResponse } from './protocol';
import type { PstFolderEntry, PstMessageSummary } from './reader';
import type { PstItemRef } from './protocol';

export type { PstFolderEntry, PstMessageSummary } from './reader';
export type { PstItemRef } from './protocol';
export type { PstItem, PstItemKind, PstContact, PstDistList, PstDistListEntry, PstAppointment, PstAttendee, PstException, PstTask } from './items';
// Type-only imports from reader.ts: pst-extractor itself is loaded in the reader thread only.
export { PST_DELIMITER } from './protocol';

/**
 * A PST file opened in its own reader thread. Every call is a message to that thread, so the
 * caller's event loop never blocks on pst-extractor's synchronous reads. Opening checks the
 * header (not a PST, OST, high encryption, truncated, empty) and then the folder tree (corrupt).
 */
export interface PstSession {
  folders(): Promise<PstFolderEntry[]>;
  scan(folder: string): Promise<PstMessageSummary[]>;
  /** Rebuilt RFC 5322 messages by ref; unreadable ones are left out. Keep `refs` small. */
  fetch(folder: string, refs: string[]): Promise<Map<string, Buffer>>;
  /** Where the items of one non-mail kind are; `unreadable`: listed by the PST but not loadable. */
  itemRefs(kind: PstItemKind): Promise<{ refs: PstItemRef[]; unreadable: number }>;
  /** Items by ref (neutral shapes of items.ts); unreadable ones are left out. Keep batches small (≈50). */
  readItems(refs: PstItemRef[]): Promise<PstItem[]>;
  close(): Promise<void>;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
type Call = DistributiveOmit<PstRequest, 'id'>;

// Compiled (dist/), the reader thread is its own entry next to this code; from the TypeScript
// sources it starts through thread-entry.mjs, which registers tsx first.
const THREAD = import.meta.url.endsWith('.ts') ? new URL('./thread-entry.mjs', import.meta.url) : new URL('./pst-thread.js', import.meta.url);

export async function openPst(file: string, name: string): Promise<PstSession> {
  const worker = new Worker(THREAD, { workerData: { file, name } });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  let nextId = 1;
  let dead: TernError | undefined;
  const failAll = (err: TernError) => {
    dead = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (res: PstResponse) => {
    const p = pending.get(res.id);
    if (!p) return;
    pending.delete(res.id);
    if (res.ok) p.resolve(res.value);
    else p.reject(new TernError(res.error.code, res.error.message, res.error.detail ? { cause: new Error(res.error.detail) } : {}));
  });
  // The reader's own words (a stack overflow, memory) go to the log as the cause, not to the user.
  worker.on('error', (err) => failAll(new TernError('BAD_UPLOAD', `${name} could not be read: the PST reader stopped on it. ${REPAIR}`, { cause: err })));
  worker.on('exit', () => failAll(new TernError('BAD_UPLOAD', `${name}: the PST reader was closed.`)));

  const call = <T>(req: Call): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (dead) return reject(dead);
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...req, id });
    });

  try {
    await call({ op: 'open' });
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return {
    folders: () => call({ op: 'folders' }),
    scan: (folder) => call({ op: 'scan', folder }),
    fetch: async (folder, refs) => {
      const pairs = await call<Array<[string, Uint8Array]>>({ op: 'fetch', folder, refs });
      return new Map(pairs.map(([ref, bytes]) => [ref, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]));
    },
    itemRefs: (kind) => call({ op: 'itemRefs', kind }),
    readItems: (refs) => call({ op: 'readItems', refs }),
    close: async () => {
      if (!dead) await call({ op: 'close' }).catch(() => {});
      await worker.terminate();
    },
  };
}
