import { parentPort, workerData } from 'node:worker_threads';
import { TernError } from '../../errors';
import { REPAIR, technical } from './damage';
import { inspectPstHeader } from './header';
import { PstReader } from './reader';
import type { PstRequest, PstResponse } from './protocol';

/**
 * The reader thread: owns one PST file and answers the requests of client.ts one at a time.
 * pst-extractor's blocking reads happen here, never on the event loop of the bot or the worker.
 */
// pst-extractor reports what it skips on the console; the client reports it per folder instead
// (and the CLI's stdout must stay clean for --json).
console.log = () => {};
console.error = () => {};
console.warn = () => {};

const { file, name } = workerData as { file: string; name: string };
const port = parentPort!;
let reader: PstReader | undefined;

const opened = (async () => {
  await inspectPstHeader(file, name);
  reader = new PstReader(file, name);
})();

port.on('message', async (req: PstRequest) => {
  const reply = (res: PstResponse, transfer: ArrayBuffer[] = []) => port.postMessage(res, transfer);
  try {
    await opened;
    const r = reader!;
    switch (req.op) {
      case 'open':
        return reply({ id: req.id, ok: true, value: null });
      case 'folders':
        return reply({ id: req.id, ok: true, value: r.mailFolders() });
      case 'scan':
        return reply({ id: req.id, ok: true, value: r.scan(req.folder) });
      case 'fetch': {
        const found = await r.fetch(req.folder, req.refs);
        // Own copies: a small Buffer may sit in Node's shared pool, which must not be transferred away.
        const value = [...found].map(([ref, buf]) => [ref, new Uint8Array(buf)] as const);
        return reply({ id: req.id, ok: true, value }, value.map(([, b]) => b.buffer as ArrayBuffer));
      }
      case 'itemRefs':
        return reply({ id: req.id, ok: true, value: r.itemRefs(req.kind) });
      case 'readItems':
        return reply({ id: req.id, ok: true, value: r.readItems(req.refs) });
      case 'close':
        r.close();
        return reply({ id: req.id, ok: true, value: null });
    }
  } catch (err) {
    // What the library said goes to the log only (as the cause); the user reads what to do.
    const detail = err instanceof TernError ? (err.cause instanceof Error ? err.cause.message : undefined) : technical(err);
    const message = err instanceof TernError ? err.userMessage : `${name} could not be read: the PST reader failed on it. ${REPAIR}`;
    reply({ id: req.id, ok: false, error: { code: err instanceof TernError ? err.code : 'BAD_UPLOAD', message, detail } });
  }
});
