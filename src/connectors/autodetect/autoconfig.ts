import { XMLParser } from 'fast-xml-parser';
import type { Candidate } from './types';
import type { Network } from './network';

/**
 * Thunderbird autoconfig (https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat)
 * published by the domain: autoconfig.<domain>/mail/config-v1.1.xml, then
 * <domain>/.well-known/autoconfig/mail/config-v1.1.xml.
 */
export function autoconfigUrls(email: string, domain: string): string[] {
  const q = `?emailaddress=${encodeURIComponent(email)}`;
  return [`https://autoconfig.${domain}/mail/config-v1.1.xml${q}`, `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml${q}`];
}

export async function lookupAutoconfig(network: Network, email: string, domain: string, timeoutMs: number): Promise<Candidate[]> {
  const results = await Promise.allSettled(
    autoconfigUrls(email, domain).map(async (url) => {
      const res = await network.fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
      if (!res.ok) return [];
      return parseAutoconfig(await res.text(), email, url.split('?')[0]);
    }),
  );
  // The first URL that answered wins; both are the same document when both exist.
  for (const r of results) if (r.status === 'fulfilled' && r.value.length) return r.value;
  return [];
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'incomingServer' || name === 'emailProvider' });

export function parseAutoconfig(xml: string, email: string, url: string): Candidate[] {
  let doc: { clientConfig?: { emailProvider?: Array<{ incomingServer?: Array<Record<string, unknown>> }> } };
  try {
    doc = parser.parse(xml);
  } catch {
    return [];
  }
  const [local, domain] = [email.slice(0, email.lastIndexOf('@')), email.slice(email.lastIndexOf('@') + 1)];
  const fill = (s: string) => s.replace(/%EMAILADDRESS%/g, email).replace(/%EMAILLOCALPART%/g, local).replace(/%EMAILDOMAIN%/g, domain);
  const out: Candidate[] = [];
  for (const provider of doc.clientConfig?.emailProvider ?? []) {
    for (const server of provider.incomingServer ?? []) {
      const type = String(server['@type'] ?? '');
      if (type !== 'imap' && type !== 'pop3') continue;
      const host = fill(String(server.hostname ?? '')).toLowerCase();
      const port = Number(server.port);
      const socketType = String(server.socketType ?? '').toUpperCase();
      if (!host || !Number.isInteger(port)) continue;
      const username = server.username === undefined ? undefined : fill(String(server.username));
      out.push({
        protocol: type,
        host,
        port,
        secure: socketType === 'SSL',
        ...(username && username !== email ? { username } : {}),
        source: 'autoconfig',
        detail: `autoconfig ${url}`,
        confidence: 'high',
      });
    }
  }
  return out;
}
