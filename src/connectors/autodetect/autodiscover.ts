import { XMLParser } from 'fast-xml-parser';
import type { Candidate } from './types';
import type { Network } from './network';

/**
 * Exchange Autodiscover, plain-old-XML flavour (MS-OXDSCLI): SRV _autodiscover._tcp, then
 * https://autodiscover.<domain>/… and https://<domain>/… . The password goes only to hosts inside
 * the address's own domain; a redirect or SRV target elsewhere is reported, not sent the password.
 */
const REQUEST_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const MAX_HOPS = 3;

export interface AutodiscoverResult {
  candidates: Candidate[];
  notes: string[];
}

export async function lookupAutodiscover(network: Network, email: string, domain: string, password: string | undefined, timeoutMs: number): Promise<AutodiscoverResult> {
  const notes: string[] = [];
  const srv = await network.resolveSrv(`_autodiscover._tcp.${domain}`).catch(() => []);
  const urls = [
    ...srv.filter((r) => r.name && r.name !== '.').map((r) => `https://${r.name}${r.port === 443 ? '' : `:${r.port}`}/autodiscover/autodiscover.xml`),
    `https://autodiscover.${domain}/autodiscover/autodiscover.xml`,
    `https://${domain}/autodiscover/autodiscover.xml`,
  ];
  for (const url of urls) {
    const found = await ask(network, url, email, domain, password, timeoutMs, notes);
    if (found.length) return { candidates: found, notes };
  }
  return { candidates: [], notes };
}

const inDomain = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

async function ask(network: Network, firstUrl: string, email: string, domain: string, password: string | undefined, timeoutMs: number, notes: string[]): Promise<Candidate[]> {
  let url = firstUrl;
  let address = email;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const host = new URL(url).hostname;
    if (new URL(url).protocol !== 'https:') {
      notes.push(`Exchange Autodiscover pointed to ${url}, which is not HTTPS: not followed.`);
      return [];
    }
    const mayAuthenticate = password !== undefined && inDomain(host, domain);
    if (password !== undefined && !mayAuthenticate) {
      notes.push(`Exchange Autodiscover for ${domain} points to ${host}, outside ${domain}: Tern did not send your password there. Check that ${host} is your Exchange server, then give its EWS URL.`);
    }
    let res: Response;
    try {
      res = await network.fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'Content-Type': 'text/xml; charset=utf-8',
          ...(mayAuthenticate ? { Authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` } : {}),
        },
        body: requestBody(address),
      });
    } catch {
      return [];
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      url = new URL(res.headers.get('location')!, url).toString();
      continue;
    }
    if (res.status === 401) {
      if (inDomain(host, domain)) notes.push(password === undefined ? `Exchange Autodiscover at ${host} needs the password to answer.` : `Exchange Autodiscover at ${host} refused the login for ${email}.`);
      return [];
    }
    if (!res.ok) return [];
    const answer = parseResponse(await res.text());
    if (answer.kind === 'redirectUrl') {
      url = answer.value;
      continue;
    }
    if (answer.kind === 'redirectAddr') {
      address = answer.value;
      continue;
    }
    const ewsUrls = answer.kind === 'settings' ? answer.ewsUrls : [];
    return ewsUrls.map((ews) => ({
      protocol: 'ews' as const,
      host: new URL(ews).hostname,
      port: Number(new URL(ews).port || 443),
      secure: new URL(ews).protocol === 'https:',
      ewsUrl: ews,
      source: 'autodiscover' as const,
      detail: `Exchange Autodiscover ${new URL(firstUrl).origin}`,
      confidence: 'high' as const,
    }));
  }
  notes.push(`Exchange Autodiscover for ${domain} redirected more than ${MAX_HOPS} times: stopped.`);
  return [];
}

function requestBody(email: string): string {
  const esc = email.replace(/[<>&]/g, '');
  return `<?xml version="1.0" encoding="utf-8"?>\n<Autodiscover xmlns="${REQUEST_SCHEMA}"><Request><EMailAddress>${esc}</EMailAddress><AcceptableResponseSchema>${RESPONSE_SCHEMA}</AcceptableResponseSchema></Request></Autodiscover>`;
}

const parser = new XMLParser({ removeNSPrefix: true, isArray: (name) => name === 'Protocol' });

type Answer = { kind: 'settings'; ewsUrls: string[] } | { kind: 'redirectUrl' | 'redirectAddr'; value: string };

export function parseResponse(xml: string): Answer {
  let account: Record<string, unknown> | undefined;
  try {
    account = parser.parse(xml)?.Autodiscover?.Response?.Account;
  } catch {
    return { kind: 'settings', ewsUrls: [] };
  }
  if (!account) return { kind: 'settings', ewsUrls: [] };
  const action = String(account.Action ?? 'settings');
  if (action === 'redirectUrl' && account.RedirectUrl) return { kind: 'redirectUrl', value: String(account.RedirectUrl) };
  if (action === 'redirectAddr' && account.RedirectAddr) return { kind: 'redirectAddr', value: String(account.RedirectAddr) };
  const protocols = (account.Protocol as Array<Record<string, unknown>> | undefined) ?? [];
  // EXCH (inside) before EXPR (outside): both usually carry the same EWS URL.
  const order = ['EXCH', 'EXPR', 'WEB'];
  const urls = protocols
    .filter((p) => typeof p.EwsUrl === 'string')
    .sort((a, b) => order.indexOf(String(a.Type)) - order.indexOf(String(b.Type)))
    .map((p) => String(p.EwsUrl));
  return { kind: 'settings', ewsUrls: [...new Set(urls)] };
}
