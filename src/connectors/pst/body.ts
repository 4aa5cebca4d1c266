import { decompressRTF } from '@kenjiuno/decompressrtf';
import iconv from 'iconv-lite';
import type { PSTMessage } from 'pst-extractor';
import { deEncapsulateSync } from 'rtf-stream-parser';
import { rawBytes, safe } from './props';

/**
 * Which of an Outlook item's bodies becomes the rebuilt body. Outlook keeps up to three: the HTML
 * body (PidTagHtml), the RTF body (PidTagRtfCompressed), which often encapsulates the original HTML
 * (MS-OXRTFEX, "\fromhtml1") when no HTML body was stored, and the plain body (PidTagBody), which
 * is then often just the "\r\n" Outlook leaves. In order: the HTML body, the HTML de-encapsulated
 * from the RTF, the plain body. The plain body goes along as the text alternative when it has
 * something in it. RTF that encapsulates plain text stands in for a plain body that has nothing;
 * other RTF (written by Word or Outlook's rich-text editor) is kept as text/rtf, as before, when
 * there is no other body: no well-kept library turns arbitrary RTF into HTML.
 */
export interface BodySources {
  plain?: string;
  html?: string;
  /** PidTagRtfCompressed as stored (LZFu-compressed or not); read only when no HTML body wins. */
  rtfCompressed?: () => Buffer | null | undefined;
}

export interface ChosenBody {
  text?: string;
  html?: string;
  /** Decompressed RTF that encapsulates nothing, carried as text/rtf. */
  rtf?: Buffer;
  /** Where the main body came from. */
  from: 'html' | 'rtf-html' | 'plain' | 'rtf-text' | 'rtf' | 'none';
}

const PR_RTF_COMPRESSED = 0x1009;

/**
 * An item's three bodies. The plain and HTML bodies throw when damaged (the item fails, naming its
 * text); a damaged RTF body is simply absent, as it was before.
 */
export function bodySourcesOf(msg: PSTMessage): BodySources {
  return { plain: msg.body, html: msg.bodyHTML, rtfCompressed: () => safe(() => rawBytes(msg, PR_RTF_COMPRESSED)) };
}

/** Whitespace, NULs, zero-width characters and the object replacement character Outlook leaves for an image. */
const INVISIBLE = /[\s\0\u200b-\u200d\u2060\ufeff\ufffc]/gu;

/** A body with nothing a reader would see. */
export function isNearEmpty(text: string | undefined): boolean {
  return !text || text.replace(INVISIBLE, '').length === 0;
}

export function chooseBody(src: BodySources): ChosenBody {
  const plain = isNearEmpty(src.plain) ? undefined : src.plain;
  if (!isNearEmpty(src.html)) return { html: src.html, text: plain, from: 'html' };
  const rtf = decompressedRtf(src.rtfCompressed?.());
  const inner = rtf && deEncapsulatedRtf(rtf);
  if (inner?.mode === 'html' && !isNearEmpty(inner.text)) return { html: inner.text, text: plain, from: 'rtf-html' };
  if (plain) return { text: plain, from: 'plain' };
  if (inner?.mode === 'text' && !isNearEmpty(inner.text)) return { text: inner.text, from: 'rtf-text' };
  // Only RTF: carried as text/rtf beside what the plain body has, so a mail client can still show it.
  if (rtf && !inner) return { text: src.plain ?? '', rtf, from: 'rtf' };
  return src.plain ? { text: src.plain, from: 'plain' } : { from: 'none' };
}

/**
 * PidTagRtfCompressed decompressed (MS-OXRTFCP: LZFu, or stored uncompressed): the RTF's bytes,
 * whose code page the RTF itself names. Undefined when absent or not a compressed-RTF stream.
 */
export function decompressedRtf(stored: Buffer | null | undefined): Buffer | undefined {
  if (!stored || stored.length < 16) return undefined;
  try {
    const raw = Buffer.from(decompressRTF([...stored]));
    // RawSize (header bytes 4-7) is what the stream decompresses to; anything past it is not RTF.
    const size = stored.readUInt32LE(4);
    const rtf = raw.subarray(0, Math.min(size, raw.length));
    return rtf.subarray(0, 5).toString('latin1') === '{\\rtf' ? rtf : undefined;
  } catch {
    return undefined;
  }
}

/** The HTML or text an RTF body encapsulates (MS-OXRTFEX), or undefined for RTF that encapsulates nothing. */
export function deEncapsulatedRtf(rtf: Buffer): { mode: 'html' | 'text'; text: string } | undefined {
  try {
    const out = deEncapsulateSync(rtf, {
      decode: (bytes: Buffer, encoding: string) => iconv.decode(bytes, encoding),
      mode: 'either',
      // The HTML is decoded to Unicode: a <meta charset> naming the original code page would lie.
      htmlFixContentType: true,
      warn: () => {},
    });
    return { mode: out.mode, text: typeof out.text === 'string' ? out.text : out.text.toString('utf8') };
  } catch {
    return undefined;
  }
}
