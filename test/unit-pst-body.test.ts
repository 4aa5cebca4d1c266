// Which body a PST message gets: the HTML body, else the HTML its compressed RTF body encapsulates,
// else the plain body. RTF bodies: Outlook's own (read from the fixtures) and ones compressed here
// with test/support/lzfu.ts (checked against MS-OXRTFCP's example and two real decompressors).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { decompressRTF } from '@kenjiuno/decompressrtf';
import { PSTFile, type PSTFolder, type PSTMessage } from 'pst-extractor';
import { chooseBody, decompressedRtf, deEncapsulatedRtf, isNearEmpty } from '../src/connectors/pst/body';
import { composeMessage } from '../src/connectors/pst/compose';
import { rawBytes } from '../src/connectors/pst/props';
import { compressRtf } from './support/lzfu';
import { findMessage, htmlBodyToRtf } from './support/pst-edit';
import { RTF_HTML, RTF_HTML_PARTS, RTF_PLAIN, RTF_TEXT } from './support/rtf-samples';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixture = (name: string) => path.resolve(projectRoot, '../shared/fixtures/pst', name);
const { LZFu } = createRequire(import.meta.url)('pst-extractor/dist/LZFu.class') as { LZFu: { decode(data: Buffer): string } };
const latin1 = (s: string) => Buffer.from(s, 'latin1');

/** Every item of the file, by subject (walks all folders). */
function itemsBySubject(pst: PSTFile): Map<string, PSTMessage> {
  const out = new Map<string, PSTMessage>();
  const walk = (folder: PSTFolder) => {
    if (folder.contentCount > 0) {
      folder.moveChildCursorTo(0);
      for (let m = folder.getNextChild(); m; m = folder.getNextChild()) out.set((m as PSTMessage).subject, m as PSTMessage);
    }
    for (const sub of folder.hasSubfolders ? folder.getSubFolders() : []) walk(sub);
  };
  walk(pst.getRootFolder());
  return out;
}

describe('the test compressor (test/support/lzfu.ts)', () => {
  it('gives the bytes of MS-OXRTFCP 3.1.1.1, CRC included', () => {
    const spec = Buffer.from('2d0000002b0000004c5a4675f1c5c7a703000a007263706731323542320af32068656c090020627705b06c647d0a800fa0', 'hex');
    expect(compressRtf(latin1('{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n')).toString('hex')).toBe(spec.toString('hex'));
  });

  it('compresses what a real decompressor gives back', () => {
    for (const rtf of [RTF_HTML, RTF_TEXT, RTF_PLAIN, RTF_HTML.repeat(6)]) {
      const packed = compressRtf(latin1(rtf));
      expect(packed.length).toBeLessThan(rtf.length);
      expect(Buffer.from(decompressRTF([...packed])).toString('latin1')).toBe(rtf);
    }
    // pst-extractor's own decoder starts from a dictionary with "\n\r" where MS-OXRTFCP has "\r\n",
    // so a stream that refers to those bytes comes out wrong: why Tern decompresses with
    // @kenjiuno/decompressrtf. One that does not refer to them decodes the same.
    expect(LZFu.decode(compressRtf(latin1(RTF_PLAIN)))).toBe(RTF_PLAIN);
  });
});

describe('decompressing and de-encapsulating', () => {
  it("Outlook's own compressed RTF (the fixtures' contact and appointment) decompresses to Word's RTF, which encapsulates nothing", () => {
    const pst = new PSTFile(fixture('aspose-outlook.pst'));
    try {
      const items = itemsBySubject(pst);
      for (const subject of ['Saqib Razzaq', 'Weekly meeting']) {
        const msg = items.get(subject)!;
        const rtf = decompressedRtf(rawBytes(msg, 0x1009))!;
        expect(rtf.toString('latin1')).toMatch(/^\{\\rtf1\\adeflang1025\\ansi\\ansicpg1252/);
        // pst-extractor's own decoder agrees (it trims and decodes as UTF-8; this RTF is ASCII).
        expect(rtf.toString('latin1').trim()).toBe(msg.bodyRTF);
        expect(deEncapsulatedRtf(rtf)).toBeUndefined();
      }
    } finally {
      pst.close();
    }
  });

  it('encapsulated HTML comes back as Unicode HTML (code page 1252 and \\u escapes decoded, charset said UTF-8)', () => {
    const out = deEncapsulatedRtf(latin1(RTF_HTML))!;
    expect(out.mode).toBe('html');
    for (const part of RTF_HTML_PARTS) expect(out.text).toContain(part);
    expect(out.text).not.toContain('windows-1252');
    expect(out.text).not.toContain('htmltag');
  });

  it('encapsulated text comes back as text', () => {
    expect(deEncapsulatedRtf(latin1(RTF_TEXT))).toEqual({ mode: 'text', text: 'Bonjour à tous,\r\nla réunion est déplacée.\r\n' });
  });

  it('anything else is no RTF at all', () => {
    expect(decompressedRtf(Buffer.from('not compressed rtf, just some bytes'))).toBeUndefined();
    expect(decompressedRtf(Buffer.alloc(10))).toBeUndefined();
    expect(decompressedRtf(undefined)).toBeUndefined();
  });
});

describe('chooseBody', () => {
  const html = compressRtf(latin1(RTF_HTML));
  const text = compressRtf(latin1(RTF_TEXT));
  const plainRtf = compressRtf(latin1(RTF_PLAIN));

  it('near-empty: whitespace, NULs, zero-width characters, the object replacement character', () => {
    for (const t of [undefined, '', '\r\n', ' \t\r\n ', '\u00a0\r\n', '\0\0', '\u200b\ufeff', '\ufffc\r\n']) expect(isNearEmpty(t)).toBe(true);
    for (const t of ['.', 'OK', 'x\r\n']) expect(isNearEmpty(t)).toBe(false);
  });

  it('the HTML body first; the RTF is then not even read', () => {
    let reads = 0;
    const got = chooseBody({ plain: 'Hello', html: '<p>Hello</p>', rtfCompressed: () => (reads++, html) });
    expect(got).toEqual({ html: '<p>Hello</p>', text: 'Hello', from: 'html' });
    expect(reads).toBe(0);
  });

  it('HTML from the RTF wins over a near-empty plain body, which is not carried', () => {
    const got = chooseBody({ plain: '\r\n', html: '', rtfCompressed: () => html });
    expect(got.from).toBe('rtf-html');
    expect(got.text).toBeUndefined();
    for (const part of RTF_HTML_PARTS) expect(got.html).toContain(part);
  });

  it('HTML from the RTF wins over a real plain body too, which goes along as the text alternative', () => {
    expect(chooseBody({ plain: 'Café au lait € 3,50 gras', rtfCompressed: () => html })).toMatchObject({ from: 'rtf-html', text: 'Café au lait € 3,50 gras' });
  });

  it('text from the RTF stands in for a near-empty plain body, never for a real one', () => {
    expect(chooseBody({ plain: ' \r\n', rtfCompressed: () => text })).toEqual({ text: 'Bonjour à tous,\r\nla réunion est déplacée.\r\n', from: 'rtf-text' });
    expect(chooseBody({ plain: 'Bonjour', rtfCompressed: () => text })).toEqual({ text: 'Bonjour', from: 'plain' });
  });

  it('RTF that encapsulates nothing: the plain body when it has text, else the RTF as it is (text/rtf)', () => {
    expect(chooseBody({ plain: 'Just rich text.', rtfCompressed: () => plainRtf })).toEqual({ text: 'Just rich text.', from: 'plain' });
    const only = chooseBody({ plain: '\r\n', rtfCompressed: () => plainRtf });
    expect(only).toMatchObject({ from: 'rtf', text: '\r\n' });
    expect(only.rtf?.toString('latin1')).toBe(RTF_PLAIN);
    expect(chooseBody({ rtfCompressed: () => plainRtf })).toMatchObject({ from: 'rtf', text: '' });
  });

  it('damaged or missing RTF: the plain body, whatever it holds', () => {
    expect(chooseBody({ plain: 'Hi', rtfCompressed: () => Buffer.from('garbage that is long enough') })).toEqual({ text: 'Hi', from: 'plain' });
    expect(chooseBody({ plain: '\r\n', rtfCompressed: () => null })).toEqual({ text: '\r\n', from: 'plain' });
    expect(chooseBody({})).toEqual({ from: 'none' });
  });
});

describe('a real message whose HTML body Outlook kept only as compressed RTF', () => {
  // aspose-outlook.pst's Sent Items "message 1", edited at test time: its HTML body property becomes
  // the RTF body (test/support/pst-edit.ts), its plain body "\r\n" and spaces.
  const variant = () => new PSTFile(htmlBodyToRtf(fs.readFileSync(fixture('aspose-outlook.pst')), 'Sent Items', 'message 1', compressRtf(latin1(RTF_HTML)), '\r\n'));

  it('the edited file reads as intended: no HTML body, a near-empty plain body, an RTF body', () => {
    const pst = variant();
    const msg = findMessage(pst, 'Sent Items', 'message 1');
    expect(msg.bodyHTML).toBe('');
    expect(isNearEmpty(msg.body)).toBe(true);
    expect(msg.bodyRTF).toMatch(/^\{\\rtf1\\ansi\\ansicpg1252\\fromhtml1/);
    pst.close();
  });

  it('is rebuilt as an HTML message with the de-encapsulated HTML, and no empty text part', async () => {
    const pst = variant();
    const parsed = await simpleParser(await composeMessage(findMessage(pst, 'Sent Items', 'message 1'), 'the message “message 1” in “Sent Items”'));
    pst.close();
    expect(parsed.subject).toBe('message 1');
    for (const part of RTF_HTML_PARTS) expect(parsed.html).toContain(part);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'text/html' });
  });
});
