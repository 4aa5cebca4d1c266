import { randomBytes } from 'node:crypto';

/**
 * Task IDs: "T-" + 8 Crockford base32 characters (40 random bits); batch IDs the same with "B-".
 * No I, L, O or U, so they are easy to read aloud and type; input is forgiving about case, dashes
 * and look-alike letters.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function newId(prefix: 'T' | 'B'): string {
  const bytes = randomBytes(5);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 7; i >= 0; i--) out += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return `${prefix}-${out}`;
}

function normalizeId(prefix: 'T' | 'B', input: string): string | undefined {
  let s = input.trim().toUpperCase().replace(/\s+/g, '');
  if (s.startsWith(`${prefix}-`)) s = s.slice(2);
  else if (s.startsWith(prefix) && s.length === 9) s = s.slice(1);
  s = s.replace(/-/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (!/^[0-9A-HJKMNP-TV-Z]{8}$/.test(s)) return undefined;
  return `${prefix}-${s}`;
}

export const newTaskId = (): string => newId('T');
export const newBatchId = (): string => newId('B');

/** The canonical task ID for what a user typed, or undefined when it cannot be one. */
export const normalizeTaskId = (input: string): string | undefined => normalizeId('T', input);

/** A batch ID ("B-…") as typed; only input that starts with B counts, so a task ID is never taken for one. */
export const normalizeBatchId = (input: string): string | undefined => (/^\s*b/i.test(input) ? normalizeId('B', input) : undefined);
