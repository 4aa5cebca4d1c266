/**
 * Bounds on the file attachments a contact, event or task carries (PimBase.attachments), the same
 * for every connector that reads them, so one huge item cannot take the run's memory: an
 * attachment larger than 25 MB is skipped, and an item carries at most 50 MB of them (in list
 * order; the next one that would pass the total is skipped, smaller later ones may still fit).
 */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
export const MAX_ATTACHMENT_BYTES_PER_ITEM = 50 * 1024 * 1024;

/** Bytes a base64 string decodes to (without decoding it). */
export function base64Bytes(b64: string): number {
  const clean = b64.replace(/\s+/g, '');
  return Math.floor((clean.length * 3) / 4) - (clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0);
}
