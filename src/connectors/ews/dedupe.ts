import { dedupeKey } from '../../ports/dedupe-key';
import type { EwsMessageSummary, EwsSession } from './types';

/** Batches of MIME fetched for messages that have no Message-ID. */
const HEADER_BATCH = 20;

/**
 * Dedupe keys computed as for IMAP messages, so both sides of any pair agree: the Message-ID, or
 * for the few messages without one, the stable headers of their MIME (fetched for those only).
 */
export async function dedupeKeysOf(ews: EwsSession, messages: EwsMessageSummary[]): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  const withoutId: string[] = [];
  for (const m of messages) {
    if (m.internetMessageId) keys.set(m.id, dedupeKey(`Message-ID: ${m.internetMessageId}\r\n\r\n`));
    else withoutId.push(m.id);
  }
  for (let i = 0; i < withoutId.length; i += HEADER_BATCH) {
    const batch = withoutId.slice(i, i + HEADER_BATCH);
    const mime = await ews.fetchMime(batch);
    // A message gone meanwhile gets a key nothing matches: it is then simply not found.
    for (const id of batch) keys.set(id, mime.has(id) ? dedupeKey(mime.get(id)!) : `gone:${id}`);
  }
  return keys;
}
