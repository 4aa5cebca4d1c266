import type { Candidate } from './types';
import type { Network } from './network';

/** RFC 6186 SRV records: _imaps/_imap/_pop3s/_pop3 under the domain. A target "." means "not offered". */
const SERVICES = [
  { label: '_imaps._tcp', protocol: 'imap', secure: true },
  { label: '_imap._tcp', protocol: 'imap', secure: false },
  { label: '_pop3s._tcp', protocol: 'pop3', secure: true },
  { label: '_pop3._tcp', protocol: 'pop3', secure: false },
] as const;

export async function lookupSrv(network: Network, domain: string): Promise<Candidate[]> {
  const found = await Promise.all(
    SERVICES.map(async (s) => {
      const records = await network.resolveSrv(`${s.label}.${domain}`).catch(() => []);
      return records
        .filter((r) => r.name && r.name !== '.' && r.port > 0)
        .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
        .slice(0, 1)
        .map((r): Candidate => ({ protocol: s.protocol, host: r.name, port: r.port, secure: s.secure, source: 'srv', detail: `DNS SRV ${s.label}.${domain}`, confidence: 'high' }));
    }),
  );
  return found.flat();
}
