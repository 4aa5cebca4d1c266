// PST recipients benchmark: a message with many recipients (200 by default), read the way Tern
// read it before (pst-extractor's getRecipient(i), which re-reads the whole recipient table for
// each index) and the way it reads it now (tables.ts: the table once), then rebuilt through the
// reader thread as an import does. Target of issue 20: under 1 s for 200 recipients.
// `npx tsx test/bench/pst-recipients.ts`; see test/bench/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { simpleParser } from 'mailparser';
import { PSTFile, type PSTRecipient } from 'pst-extractor';
import { openPst } from '../../src/connectors/pst/client';
import { recipientsOf } from '../../src/connectors/pst/tables';
import { findMessage } from '../support/pst-edit';
import { withRecipients } from '../support/pst-recipients';
import { projectRoot } from '../support/tern';

const COUNT = Number(process.env.BENCH_RECIPIENTS ?? 200);
const BEFORE = process.env.BENCH_BEFORE !== '0';
const TARGET_S = 1;
const FOLDER = 'Sent Items';
const SUBJECT = 'message 1';

// aspose-outlook.pst with Sent Items "message 1" given COUNT recipients (every fifth one Cc).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-bench-pst-'));
const file = path.join(dir, `recipients-${COUNT}.pst`);
const recipients = Array.from({ length: COUNT }, (_, i) => ({ name: `Recipient ${i + 1}`, address: `r${i + 1}@example.com`, type: i % 5 === 4 ? 2 : 1 }));
fs.writeFileSync(file, withRecipients(fs.readFileSync(path.resolve(projectRoot, '../shared/fixtures/pst/aspose-outlook.pst')), FOLDER, SUBJECT, recipients));

const rows: Array<[string, number]> = [];
const timed = async <T>(label: string, run: () => T | Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const out = await run();
  rows.push([label, (performance.now() - t0) / 1000]);
  return out;
};
const view = (r: PSTRecipient) => `${r.displayName}|${r.emailAddress}|${r.recipientType}`;
const expected = recipients.map((r) => `${r.name}|${r.address}|${r.type}`);
let ok = true;
const check = (what: string, got: string[]) => {
  const same = got.length === expected.length && got.every((g, i) => g === expected[i]);
  if (!same) console.error(`FAIL: ${what} does not give the ${COUNT} recipients in order`);
  ok &&= same;
};

try {
  const pst = new PSTFile(file);
  if (BEFORE) {
    const msg = findMessage(pst, FOLDER, SUBJECT);
    const got = await timed('before: getRecipient(i) for each i', () => Array.from({ length: msg.numberOfRecipients }, (_, i) => view(msg.getRecipient(i)!)));
    check('getRecipient(i)', got);
  }
  const msg = findMessage(pst, FOLDER, SUBJECT);
  const ref = msg.descriptorNodeId.toString();
  check('recipientsOf', (await timed('now: recipientsOf (the table read once)', () => recipientsOf(msg))).map(view));
  pst.close();

  // As an import reads it: the reader thread opens the file, scans the folder, rebuilds the message.
  const session = await openPst(file, path.basename(file));
  try {
    if (!(await session.scan(FOLDER)).some((m) => m.ref === ref)) throw new Error(`the reader does not list ${SUBJECT}`);
    const raw = (await timed('now: the message rebuilt by the reader thread', () => session.fetch(FOLDER, [ref]))).get(ref);
    const parsed = raw && (await simpleParser(raw));
    const count = [parsed?.to ?? [], parsed?.cc ?? []].flat(2).flatMap((a) => a.value).length;
    if (parsed?.subject !== SUBJECT || count !== COUNT) {
      console.error(`FAIL: the rebuilt message has ${count} recipients, not ${COUNT}`);
      ok = false;
    }
  } finally {
    await session.close();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

console.log(`\nA message with ${COUNT} recipients (aspose-outlook.pst, ${FOLDER} "${SUBJECT}", its recipient table rebuilt by test/support/pst-recipients.ts)\n`);
for (const [label, s] of rows) console.log(`${label.padEnd(48)} ${s.toFixed(3).padStart(9)} s`);
const now = rows.filter(([label]) => label.startsWith('now')).reduce((n, [, s]) => Math.max(n, s), 0);
const pass = now < TARGET_S;
console.log(`\ntarget: under ${TARGET_S} s — ${pass ? 'pass' : 'FAIL'} (slowest "now" row: ${now.toFixed(3)} s)`);
process.exit(ok && pass ? 0 : 1);
