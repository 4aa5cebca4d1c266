import { randomBytes } from 'node:crypto';

/**
 * Task IDs: "T-" + 8 Crockford base32 characters (40 random bits). No I, L, O or U, so they are
 * easy to read aloud and type; input is forgiving about case, dashes and look-alike letters.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newTaskId(): string {
  const bytes = randomBytes(5);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 7; i >= 0; i--) out += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return `T-${out}`;
}

/** The canonical task ID for what a user typed, or undefined when it cannot be one. */
export function normalizeTaskId(input: string): string | undefined {
  let s = input.trim().toUpperCase().replace(/\s+/g, '');
  if (s.startsWith('T-')) s = s.slice(2);
  else if (s.startsWith('T') && s.length === 9) s = s.slice(1);
  s = s.replace(/-/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (!/^[0-9A-HJKMNP-TV-Z]{8}$/.test(s)) return undefined;
  return `T-${s}`;
}
