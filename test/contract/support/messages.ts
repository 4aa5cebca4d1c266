// Messages the contract cases write and seed: distinct keys, flags and keywords, whole-second
// received dates (IMAP keeps seconds), 8-bit bodies with tabs and trailing blanks that must
// survive byte for byte, and one message without a Message-ID (its key hashes headers).
import { dedupeKey } from '../../../src/ports/dedupe-key';
import type { OutgoingMessage } from '../../../src/ports/mail';
import { makeMessage } from '../../support/mailbox';

export interface Seed {
  raw: Buffer;
  flags: string[];
  internalDate: Date;
  key: string;
}

/** A keyword every destination stores (Exchange makes it a category; "$…" ones are left out there). */
export const KEYWORD = 'ContractLabel';

const FLAG_SETS: string[][] = [['\\Seen'], ['\\Flagged'], ['\\Seen', '\\Flagged', KEYWORD], [], [KEYWORD], ['\\Seen', KEYWORD]];

export function seeds(tag: string, n: number): Seed[] {
  return Array.from({ length: n }, (_, i) => {
    const raw = makeMessage({
      subject: `${tag} message ${i + 1}`,
      // The third message has no Message-ID: its key is the hash of its stable headers.
      messageId: i === 2 ? null : `<${tag}-${i + 1}@contract.test>`,
      date: new Date(Date.UTC(2023, 4, 1 + i, 9, 30, 0)),
      body: `Grüße aus Köln, n° ${i + 1}\t \nsecond line  \n`,
    });
    return { raw, flags: [...FLAG_SETS[i % FLAG_SETS.length]].sort(), internalDate: new Date(Date.UTC(2023, 5, 1 + i, 8, 15, 30)), key: dedupeKey(raw) };
  });
}

/** Someone else's copy of the same mail: the same Message-ID (so the same dedupe key), other bytes. */
export function copyOf(seed: Seed): Buffer {
  const raw = Buffer.concat([Buffer.from('X-Copied-By: someone else\r\n'), seed.raw]);
  if (dedupeKey(raw) !== seed.key) throw new Error('a copy must keep the dedupe key');
  return raw;
}

/** A message that is nobody's business but another client's. */
export function foreign(tag: string): Buffer {
  return makeMessage({ subject: `${tag}: someone else's`, messageId: `<${tag}-foreign@elsewhere.test>` });
}

export function outgoing(seed: Seed, mark: string): OutgoingMessage {
  return { raw: seed.raw, flags: seed.flags, internalDate: seed.internalDate, dedupeKey: seed.key, mark };
}
