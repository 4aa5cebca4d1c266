import { dedupeKey, parseHeaderFields } from '../../ports/dedupe-key';
import type { MessageSummary } from '../../ports/mail';
import type { Maildrop } from './maildrop';
import type { Pop3Wire } from './wire';

/**
 * Every message of the maildrop in server order. Only headers are read (TOP n 0), one message
 * at a time, and dropped once the key and date are taken: no body stays in memory.
 */
export async function listMessages(wire: Pop3Wire, maildrop: Maildrop): Promise<MessageSummary[]> {
  const sizes = maildrop.sizes;
  const out: MessageSummary[] = [];
  for (const [num, ref] of maildrop.messages) {
    const header = await wire.multi('TOP', num, 0);
    out.push({
      ref,
      size: sizes.get(num) ?? 0,
      flags: [], // POP3 has no flags
      internalDate: dateFromHeader(parseHeaderFields(header).get('date')),
      dedupeKey: dedupeKey(header),
    });
  }
  return out;
}

/** The Date header as a Date, or undefined when missing or unparseable. */
export function dateFromHeader(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  // RFC 5322 allows comments such as "(CET)"; Date.parse does not.
  const date = new Date(value.replace(/\([^)]*\)/g, ' ').trim());
  return Number.isNaN(date.getTime()) ? undefined : date;
}
