import type { Candidate } from './types';
import type { Network } from './network';

export interface GuessPorts {
  imap: Array<{ port: number; secure: boolean }>;
  pop3: Array<{ port: number; secure: boolean }>;
}

export const STANDARD_PORTS: GuessPorts = {
  imap: [
    { port: 993, secure: true },
    { port: 143, secure: false },
  ],
  pop3: [
    { port: 995, secure: true },
    { port: 110, secure: false },
  ],
};

/**
 * Last resort: the usual host names, offered only when a server there really greets as IMAP or
 * POP3. Each is marked a guess.
 */
export async function probeGuesses(network: Network, domain: string, ports: GuessPorts, timeoutMs: number): Promise<Candidate[]> {
  const tries = [
    ...['imap', 'mail'].flatMap((prefix) => ports.imap.map((p) => ({ protocol: 'imap' as const, host: `${prefix}.${domain}`, ...p }))),
    ...['pop3', 'pop', 'mail'].flatMap((prefix) => ports.pop3.map((p) => ({ protocol: 'pop3' as const, host: `${prefix}.${domain}`, ...p }))),
  ];
  const answers = await Promise.all(
    tries.map(async (t) => {
      const [address] = await network.resolveHost(t.host).catch(() => [] as string[]);
      if (!address) return undefined;
      const line = await network.greeting(address, t.port, t.secure, t.host, timeoutMs);
      const greets = t.protocol === 'imap' ? /^\* (OK|PREAUTH)/i.test(line ?? '') : /^\+OK/i.test(line ?? '');
      if (!greets) return undefined;
      const c: Candidate = { ...t, source: 'guess', detail: `guess: ${t.host}:${t.port} answered as ${t.protocol.toUpperCase()}`, confidence: 'low' };
      return c;
    }),
  );
  return answers.filter((c): c is Candidate => c !== undefined);
}
