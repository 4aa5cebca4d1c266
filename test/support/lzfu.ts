/**
 * A compressor for MS-OXRTFCP compressed RTF ("LZFu"), for tests only: no npm package writes the
 * format (pst-extractor and @kenjiuno/decompressrtf only read it), and the tests need RTF bodies
 * that Outlook would have compressed. Checked against the specification's own example (3.1.1.1)
 * and by the two real decompressors.
 */

/** The dictionary's initial contents (MS-OXRTFCP 2.1.3.1.1). */
const PREBUF =
  '{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx';
const DICT = 4096;
const MAX_MATCH = 17;

export function compressRtf(input: Buffer): Buffer {
  const dict = Buffer.alloc(DICT);
  dict.write(PREBUF, 'latin1');
  let write = PREBUF.length;
  let filled = PREBUF.length;
  const out: number[] = [];
  let pos = 0;
  for (let done = false; !done; ) {
    const controlAt = out.push(0) - 1;
    let control = 0;
    for (let bit = 0; bit < 8; bit++) {
      if (pos >= input.length) {
        // End: a reference to the write position itself.
        control |= 1 << bit;
        out.push(write >> 4, (write & 0xf) << 4);
        done = true;
        break;
      }
      const { offset, length } = longestMatch(dict, write, filled, input, pos);
      const n = length >= 2 ? length : 1;
      if (length >= 2) {
        control |= 1 << bit;
        out.push(offset >> 4, ((offset & 0xf) << 4) | (length - 2));
      } else {
        out.push(input[pos]);
      }
      for (let k = 0; k < n; k++) {
        dict[write] = input[pos++];
        write = (write + 1) % DICT;
      }
      filled = Math.min(DICT, filled + n);
    }
    out[controlAt] = control;
  }
  const data = Buffer.from(out);
  const header = Buffer.alloc(16);
  header.writeUInt32LE(data.length + 12, 0);
  header.writeUInt32LE(input.length, 4);
  header.write('LZFu', 8, 'latin1');
  header.writeUInt32LE(crc32(data), 12);
  return Buffer.concat([header, data]);
}

/** The longest run of the input at `pos` the dictionary can reproduce (copies may overlap what they write). */
function longestMatch(dict: Buffer, write: number, filled: number, input: Buffer, pos: number): { offset: number; length: number } {
  let best = { offset: 0, length: 0 };
  const limit = Math.min(MAX_MATCH, input.length - pos);
  for (let start = 0; start < filled; start++) {
    if (start === write) continue;
    let k = 0;
    for (; k < limit; k++) {
      const at = (start + k) % DICT;
      const written = (at - write + DICT) % DICT;
      const byte = written < k ? input[pos + written] : dict[at];
      if (byte !== input[pos + k]) break;
    }
    if (k > best.length) best = { offset: start, length: k };
    if (k === limit) break;
  }
  return best;
}

/** MS-OXRTFCP 2.1.3.2: CRC-32 (0xEDB88320), starting at 0, no final XOR. */
function crc32(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    let c = (crc ^ byte) & 0xff;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    crc = (c ^ (crc >>> 8)) >>> 0;
  }
  return crc;
}
