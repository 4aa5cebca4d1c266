import type { Network } from './network';

/** A CalDAV/CardDAV server found for a domain, and where that came from. */
export interface DavServer {
  host: string;
  port: number;
  secure: boolean;
  /** Where discovery starts: the TXT record's path=, else "/" (then /.well-known/ is asked). */
  path: string;
  detail: string;
}

/** RFC 6764 SRV services, TLS first; a target "." means "not offered". */
const SERVICES = [
  { label: '_caldavs._tcp', secure: true },
  { label: '_carddavs._tcp', secure: true },
  { label: '_caldav._tcp', secure: false },
  { label: '_carddav._tcp', secure: false },
];

/** The domain's DAV servers from DNS (SRV, with the TXT record's path= next to it), best first. */
export async function detectDav(network: Network, domain: string): Promise<DavServer[]> {
  const found = await Promise.all(
    SERVICES.map(async (s) => {
      const name = `${s.label}.${domain}`;
      const records = (await network.resolveSrv(name).catch(() => [])).filter((r) => r.name && r.name !== '.' && r.port > 0);
      const best = records.sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
      if (!best) return [];
      const txt = (await network.resolveTxt(name).catch(() => [] as string[][])).map((chunks) => chunks.join(''));
      const path = txt.map((t) => /^path=(.+)$/i.exec(t.trim())?.[1]).find((p): p is string => !!p && p.startsWith('/')) ?? '/';
      return [{ host: best.name, port: best.port, secure: s.secure, path, detail: `DNS SRV ${name}` }];
    }),
  );
  return found.flat();
}
