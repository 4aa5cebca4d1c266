import type { Pop3Wire } from './wire';

/** "n value" lines of a LIST or UIDL answer, by message number. */
function parseListing(payload: Buffer): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of payload.toString('latin1').split('\r\n')) {
    const [num, value] = line.trim().split(/\s+/);
    if (num && value && /^\d+$/.test(num)) out.set(Number(num), value);
  }
  return out;
}

/** The maildrop's messages by UIDL; message numbers are fixed for the session (RFC 1939 §3). */
export interface Maildrop {
  /** [number, uidl] in server order. */
  messages: Array<[number, string]>;
  /** uidl → message number, for TOP. */
  numberOf: Map<string, number>;
  /** message number → its exact size (LIST). */
  sizes: Map<number, number>;
}

export async function readMaildrop(wire: Pop3Wire): Promise<Maildrop> {
  const messages = [...parseListing(await wire.multi('UIDL'))].sort((a, b) => a[0] - b[0]);
  return { messages, numberOf: new Map(messages.map(([num, uid]) => [uid, num])), sizes: await readSizes(wire) };
}

/** LIST: message number → size in octets as the server counts it (CRLF line ends). */
export async function readSizes(wire: Pop3Wire): Promise<Map<number, number>> {
  const sizes = new Map<number, number>();
  for (const [num, size] of parseListing(await wire.multi('LIST'))) sizes.set(num, Number(size));
  return sizes;
}
