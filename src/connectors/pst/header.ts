import fs from 'node:fs/promises';
import { TernError } from '../../errors';
import { REPAIR, type PstDamage } from './damage';

/**
 * The PST header (MS-PST 2.2.2.6) tells most bad files apart before any B-tree is read: not a PST,
 * an OST, an encryption pst-extractor cannot undo, or a file cut short (the header records the
 * file's full length). Corruption deeper in the file shows up only when it is read.
 */
export type PstFormat = 'ansi' | 'unicode';

export interface PstHeader {
  format: PstFormat;
  /** 0 none, 1 compressible ("permute"). */
  encryption: number;
  size: number;
}

const MAGIC = '!BDN';
const HEADER_BYTES = 564;

export async function inspectPstHeader(file: string, name: string): Promise<PstHeader> {
  const handle = await fs.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    const why = err.code === 'ENOENT' ? 'there is no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'it is a directory' : (err.code ?? 'unknown error');
    throw new TernError('BAD_UPLOAD', `${name} could not be opened for reading (${why}).`);
  });
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new TernError('BAD_UPLOAD', `${name} is a folder, not a .pst file. Give the path of the .pst file itself.`);
    if (!stat.isFile()) throw new TernError('BAD_UPLOAD', `${name} is not a regular file. Give the path of a .pst file.`);
    const { size } = stat;
    const head = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEADER_BYTES, 0);
    return parsePstHeader(head.subarray(0, bytesRead), size, name);
  } finally {
    await handle.close();
  }
}

export function parsePstHeader(head: Buffer, size: number, name: string): PstHeader {
  if (size === 0) throw new TernError('BAD_UPLOAD', `${name} is empty (0 bytes): nothing to import. Export the mailbox again.`);
  if (head.length < 4 || head.subarray(0, 4).toString('latin1') !== MAGIC) {
    throw new TernError('BAD_UPLOAD', `${name} is not a PST file (it does not start with the PST signature "!BDN"). Export a .pst from Outlook (File → Open & Export → Import/Export).`);
  }
  // wMagicClient "SM" = PST, "SO" = OST (Outlook's offline cache, not an export).
  if (head.subarray(8, 10).toString('latin1') === 'SO') {
    throw new TernError('BAD_UPLOAD', `${name} is an OST file (Outlook's offline cache), not a PST. Export the mailbox to a .pst from Outlook and import that.`);
  }
  if (head.length < 514) throw truncated(name, size, 514);
  const wVer = head.readUInt16LE(10);
  const format: PstFormat | undefined = wVer === 14 || wVer === 15 ? 'ansi' : wVer >= 23 ? 'unicode' : undefined;
  if (!format) throw new TernError('BAD_UPLOAD', `${name} is a PST of an unknown version (${wVer}); Tern reads ANSI (Outlook 97–2002) and Unicode (Outlook 2003 and later) files.`);
  const encryption = format === 'ansi' ? head[461] : head[513];
  if (encryption !== 0 && encryption !== 1) {
    throw new TernError('BAD_UPLOAD', `${name} uses Outlook's "high" encryption, which Tern cannot read. Open it in Outlook and export it again as a new .pst (exports use compressible encryption).`);
  }
  // ROOT.ibFileEof: the length the file had when Outlook last closed it.
  const eof = format === 'ansi' ? head.readUInt32LE(168) : Number(head.readBigUInt64LE(184));
  if (size < eof) throw truncated(name, size, eof);
  return { format, encryption, size };
}

function truncated(name: string, size: number, expected: number): TernError {
  return new TernError('BAD_UPLOAD', `${name} is truncated: it has ${size} bytes but its header says ${expected}. The upload or copy was cut short; send the whole file again.`);
}

/**
 * A PST whose structures cannot be read even though its header is sound: the user is told which
 * part, in their words, and what to do; the library's text is the cause, for the log.
 */
export function corruptPst(name: string, damage: PstDamage): TernError {
  return new TernError('BAD_UPLOAD', `${name} is damaged: ${damage.part} cannot be read. ${REPAIR}`, { cause: new Error(damage.detail) });
}
