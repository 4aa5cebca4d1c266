// Validates EWS SOAP documents against Microsoft's schema (../shared/fixtures/ews-schema, see its
// README) with xmllint-wasm, compiling the 700 KB schema ONCE per process instead of once per
// document (0.4 s each).
//
// How: xmllint validates the files named on its command line one after another with a schema it
// compiled once. So a worker thread runs the xmllint-wasm Emscripten module with the arguments
// `--schema ews-envelope.xsd --noout in/0 in/1 … in/N-1`, where each in/i is an Emscripten
// *device* whose read callback blocks (Atomics.wait) until the main thread posts document i. The
// worker tells us when xmllint moves on to the next file, which closes the previous result, and
// forwards xmllint's stderr ("in/3 validates", "in/3:12: … Schemas validity error : …"). A
// document then costs a few milliseconds, so a fake server can validate every request before it
// answers (and answer ErrorSchemaValidation) and every response before it sends it.
import { Worker, MessageChannel, type MessagePort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/fixtures/ews-schema from the project root (test/support/ → ../../../shared/…). */
export const EWS_SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/ews-schema');

const SCHEMA_FILES = ['harness/ews-envelope.xsd', 'harness/xml.xsd', 'harness/soap-envelope.xsd', 'messages.xsd', 'types.xsd'];
/** Files one xmllint run validates before the worker is replaced (arguments are fixed at start). */
const DOCS_PER_RUN = 2000; // argv lives on the 64 KB wasm stack: 4000 names overflow it

export interface SchemaResult {
  valid: boolean;
  /** xmllint's messages, "line N: <message>" (empty when valid). */
  errors: string[];
}

export interface EwsSchemaValidator {
  /** Validates one whole document (a SOAP envelope, or a bare EWS body element). */
  validate(xml: string | Buffer): Promise<SchemaResult>;
  /** Resolves once the schema is compiled (the first validate() waits for it anyway). */
  ready(): Promise<void>;
}

// Runs inside the worker (plain JS, eval'd: vitest's TS loader does not reach worker threads).
const WORKER_SOURCE = `
const { workerData, parentPort, receiveMessageOnPort } = require('node:worker_threads');
const Module = require(workerData.glue);
const sig = new Int32Array(workerData.sab);
const port = workerData.port;
let consumed = 0;
function device(i) {
  let buf = null, pos = 0;
  return () => {
    if (buf === null) {
      // xmllint has finished with file i-1 and opens file i: everything it printed so far
      // belongs to earlier files.
      parentPort.postMessage({ next: i });
      while (Atomics.load(sig, 0) === consumed) Atomics.wait(sig, 0, consumed);
      let m;
      while (!(m = receiveMessageOnPort(port))) Atomics.wait(sig, 1, 0, 1);
      consumed++;
      buf = m.message;
      pos = 0;
    }
    return pos < buf.length ? buf[pos++] : null;
  };
}
const n = workerData.docs;
const args = ['--schema', workerData.schema, '--noout'];
for (let i = 0; i < n; i++) args.push('in/' + i);
const mod = {
  inputFiles: workerData.files,
  arguments: args,
  print(t) { parentPort.postMessage({ err: t }); },
  printErr(t) { parentPort.postMessage({ err: t }); },
  onRuntimeInitialized() {
    mod.FS_createPath('/', 'in', true, true);
    for (let i = 0; i < n; i++) mod.FS_createDevice('/in', String(i), device(i), null);
    parentPort.postMessage({ ready: true });
  },
  onExit(code) { parentPort.postMessage({ exit: code }); },
  onAbort(reason) { parentPort.postMessage({ abort: String(reason) }); },
};
Module(mod);
`;

interface Pending {
  index: number;
  lines: string[];
  resolve: (r: SchemaResult) => void;
  reject: (e: Error) => void;
}

/** One xmllint run: up to DOCS_PER_RUN documents, in order. */
class XmllintRun {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly sig = new Int32Array(new SharedArrayBuffer(8));
  private readonly pending: Pending[] = [];
  private sent = 0;
  private dead: Error | undefined;
  readonly ready: Promise<void>;

  constructor(files: { fileName: string; contents: string }[]) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const glue = createRequire(import.meta.url).resolve('xmllint-wasm/xmllint-node.js');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { glue, sab: this.sig.buffer, port: port2, docs: DOCS_PER_RUN, files, schema: SCHEMA_FILES[0] },
      transferList: [port2],
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m: { ready?: true; next?: number; err?: string; exit?: number; abort?: string }) => {
        if (m.ready) {
          if (!this.pending.length) this.worker.unref();
          resolve();
        }
        else if (m.next !== undefined) this.finishBefore(m.next);
        else if (m.err !== undefined) this.pending[0]?.lines.push(m.err);
        else if (m.exit !== undefined) {
          // xmllint only exits after its last file: every pending document has its output.
          this.finishBefore(DOCS_PER_RUN);
          this.fail(new Error(`xmllint exited (${m.exit})`), reject);
        }
        else if (m.abort !== undefined) this.fail(new Error(`xmllint aborted: ${m.abort}`), reject);
      });
      this.worker.on('error', (e) => this.fail(e, reject));
    });
    this.ready.catch(() => {}); // reported to whoever validates next
    // An idle worker (blocked in Atomics.wait) must not keep the process alive; a starting or busy
    // one must, or an await on its answer would be dropped. The port never needs to.
    this.port.unref();

  }

  get full(): boolean {
    return this.sent >= DOCS_PER_RUN || this.dead !== undefined;
  }

  /** Time to compile the schema in a successor, so the switch-over costs no wait. */
  get nearlyFull(): boolean {
    return this.sent >= DOCS_PER_RUN / 2;
  }

  validate(doc: Buffer): Promise<SchemaResult> {
    return new Promise((resolve, reject) => {
      if (this.dead) return reject(this.dead);
      this.pending.push({ index: this.sent++, lines: [], resolve, reject });
      if (this.pending.length === 1) this.worker.ref();
      this.port.postMessage(doc);
      Atomics.add(this.sig, 0, 1);
      Atomics.notify(this.sig, 0);
    });
  }

  private finishBefore(next: number): void {
    while (this.pending.length && this.pending[0].index < next) {
      const p = this.pending.shift()!;
      p.resolve(parseOutput(p.index, p.lines));
    }
    if (!this.pending.length) this.worker.unref();
  }

  private fail(e: Error, reject: (e: Error) => void): void {
    this.dead = e;
    for (const p of this.pending.splice(0)) p.reject(e);
    reject(e);
    void this.worker.terminate();
  }
}

function parseOutput(index: number, lines: string[]): SchemaResult {
  const name = `in/${index}`;
  const errors: string[] = [];
  let valid = false;
  for (const line of lines) {
    if (line === `${name} validates`) valid = true;
    else if (line === `${name} fails to validate`) valid = false;
    else if (line.startsWith(`${name}:`)) errors.push(line.slice(name.length + 1).replace(/^(\d+):\s*/, 'line $1: '));
    else if (line.trim()) errors.push(line);
  }
  // A document that is not well-formed XML prints parser errors and neither verdict.
  if (errors.length) valid = false;
  else if (!valid) errors.push('not validated (no verdict from xmllint)');
  return { valid, errors };
}

class StreamingValidator implements EwsSchemaValidator {
  private run: XmllintRun | undefined;
  private next: XmllintRun | undefined;
  private files: { fileName: string; contents: string }[] | undefined;

  ready(): Promise<void> {
    return this.current().ready;
  }

  async validate(xml: string | Buffer): Promise<SchemaResult> {
    const run = this.current();
    await run.ready;
    return run.validate(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml);
  }

  private current(): XmllintRun {
    if (!this.run || this.run.full) {
      this.run = this.next ?? this.start();
      this.next = undefined;
    }
    if (this.run.nearlyFull && !this.next) this.next = this.start();
    return this.run;
  }

  private start(): XmllintRun {
    this.files ??= SCHEMA_FILES.map((f) => ({ fileName: f, contents: fs.readFileSync(path.join(EWS_SCHEMA_DIR, f), 'utf8') }));
    return new XmllintRun(this.files);
  }
}

let shared: StreamingValidator | undefined;

/** The process-wide validator (one worker, one compiled schema, shared by every fake). */
export function ewsSchemaValidator(): EwsSchemaValidator {
  shared ??= new StreamingValidator();
  return shared;
}
