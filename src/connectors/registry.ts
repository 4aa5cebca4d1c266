import type { AccountCredentials, AccountEndpoint, Protocol } from '../ports/account';
import type { Connector, LoadConnector } from '../ports/connector';
import { ITEM_KINDS, itemLabel, type ItemKind } from '../items';
import { TernError } from '../errors';
import { DEFAULT_EWS_PATH, exchangeOptions, formatExchangeUrl } from './ews/url';
import { davOptions, formatDavUrl } from './dav/url';
import { formatGraphUrl, graphOptions } from './graph/url';

/**
 * Every account kind Tern knows, in one place: its URL schemes, what it carries as a source and
 * as a destination, how the forms offer it, and its connector, loaded only when an account of
 * that kind is used (so a command never loads a protocol library it does not need). Adding an
 * account kind is one entry here and one connector folder.
 */
export interface ConnectorInfo {
  protocol: Protocol;
  /** How people call it ("IMAP", "Microsoft Exchange"). */
  label: string;
  /** URL scheme (with its colon) → TLS from the first byte, default port. */
  schemes: Record<string, { secure: boolean; port: number }>;
  source: readonly ItemKind[];
  destination: readonly ItemKind[];
  /** Why it carries only what it carries, for refusals. */
  why: string;
  /** Kinds its ports would suggest but that it cannot carry (as a destination: unless `reshapes` names them), each with its own reason (said instead of `why`). */
  lacks?: Partial<Record<ItemKind, string>>;
  /** Kinds it takes as a destination only in another shape, each with what they become (said up front: plan, form, CLI, card). */
  reshapes?: Partial<Record<ItemKind, string>>;
  /** The query options its URLs take beyond `?insecure=` (any other is refused by name). */
  urlOptionNames?: readonly string[];
  /** What the URL adds beyond user, password, host and port. */
  urlOptions?(account: AccountCredentials, url: URL, fail: (why: string) => Error): AccountCredentials;
  /** The account as a URL, when the generic scheme://user@host:port does not say it all. */
  formatUrl?(a: AccountEndpoint, host: string): string;
  /**
   * How the chat forms offer it: the server-type value, and what the server field takes (a host
   * name, a URL with a default path, or nothing for a public service: then only a plain-HTTP
   * address of a proxy or test server).
   */
  form?: { type: string; server: { kind: 'host' } | { kind: 'url'; defaultPath: string; name: string; example: string } | { kind: 'service'; name: string } };
  /** How autodetection finds its server from an address: DNS and presets, Exchange Autodiscover (which needs the password), or RFC 6764 DNS records (DAV). */
  detect?: 'server' | 'autodiscover' | 'dav';
  load(): Promise<Connector>;
}

const MAIL: readonly ItemKind[] = ['emails'];
const PIM: readonly ItemKind[] = ['contacts', 'contactGroups', 'calendars', 'tasks'];
/** Graph v1.0 has every kind but contact groups: it gives none, and takes them only as categorised contacts. */
const GRAPH_KINDS: readonly ItemKind[] = ITEM_KINDS.filter((k) => k !== 'contactGroups');
/** How an account signs in with OAuth2 (src/accounts.ts reads them). */
const OAUTH_OPTIONS = ['auth', 'issuer', 'client_id', 'scope'];

export const CONNECTORS: Record<Protocol, ConnectorInfo> = {
  imap: {
    protocol: 'imap',
    label: 'IMAP',
    schemes: { 'imap:': { secure: false, port: 143 }, 'imaps:': { secure: true, port: 993 } },
    source: MAIL,
    destination: MAIL,
    why: 'IMAP accounts carry e-mails only',
    urlOptionNames: OAUTH_OPTIONS,
    form: { type: 'imap', server: { kind: 'host' } },
    detect: 'server',
    load: async () => (await import('./imap/index')).connector,
  },
  pop3: {
    protocol: 'pop3',
    label: 'POP3',
    schemes: { 'pop3:': { secure: false, port: 110 }, 'pop3s:': { secure: true, port: 995 } },
    source: MAIL,
    destination: [],
    why: 'POP3 accounts carry e-mails only, and only as a source',
    urlOptionNames: OAUTH_OPTIONS,
    form: { type: 'pop3', server: { kind: 'host' } },
    detect: 'server',
    load: async () => (await import('./pop3/index')).connector,
  },
  ews: {
    protocol: 'ews',
    label: 'Microsoft Exchange',
    schemes: { 'ews:': { secure: true, port: 443 }, 'ews+http:': { secure: false, port: 80 } },
    source: ITEM_KINDS,
    destination: ITEM_KINDS,
    why: 'Exchange carries every item kind',
    urlOptionNames: ['as', ...OAUTH_OPTIONS],
    urlOptions: exchangeOptions,
    formatUrl: formatExchangeUrl,
    form: { type: 'exchange', server: { kind: 'url', defaultPath: DEFAULT_EWS_PATH, name: 'EWS URL', example: `https://mail.example.com${DEFAULT_EWS_PATH}` } },
    detect: 'autodiscover',
    load: async () => (await import('./ews/index')).connector,
  },
  dav: {
    protocol: 'dav',
    label: 'CalDAV/CardDAV',
    schemes: { 'dav:': { secure: true, port: 443 }, 'dav+http:': { secure: false, port: 80 } },
    source: PIM,
    destination: PIM,
    why: 'CalDAV/CardDAV accounts carry contacts, contact groups, calendars and tasks (pair them with an IMAP account for e-mails)',
    urlOptions: davOptions,
    formatUrl: formatDavUrl,
    detect: 'dav',
    form: { type: 'dav', server: { kind: 'url', defaultPath: '/', name: 'CalDAV/CardDAV URL', example: 'https://dav.example.com/' } },
    load: async () => (await import('./dav/index')).connector,
  },
  graph: {
    protocol: 'graph',
    label: 'Microsoft 365',
    // graph:// names the tenant and goes to graph.microsoft.com; graph+http:// names a server (tests, proxies).
    schemes: { 'graph:': { secure: true, port: 443 }, 'graph+http:': { secure: false, port: 80 } },
    source: GRAPH_KINDS,
    destination: ITEM_KINDS,
    why: 'Microsoft 365 accounts carry e-mails, contacts, calendars, tasks, inbox rules and automatic replies',
    lacks: { contactGroups: 'Microsoft Graph v1.0 has no contact groups (distribution lists), so Microsoft 365 cannot give them' },
    reshapes: { contactGroups: 'Microsoft 365 has no contact groups: each group\'s members become contacts with the category "<group name>"' },
    urlOptionNames: [...OAUTH_OPTIONS, 'imap_host'],
    urlOptions: graphOptions,
    formatUrl: formatGraphUrl,
    // The forms take the address and an OAuth2 sign-in (Microsoft's, delegated), never a password.
    form: { type: 'graph', server: { kind: 'service', name: 'Microsoft Graph' } },
    load: async () => (await import('./graph/index')).connector,
  },
  pst: {
    protocol: 'pst',
    label: 'PST file',
    // Imported from a file, never named by a URL.
    schemes: {},
    source: ['emails', 'contacts', 'contactGroups', 'calendars', 'tasks'],
    destination: [],
    why: 'a PST file holds e-mails, contacts, contact groups, calendars and tasks, and can only be imported from',
    formatUrl: (a) => `pst:${a.user}`,
    load: async () => (await import('./pst/index')).connector,
  },
};

export const loadConnector: LoadConnector = (protocol) => CONNECTORS[protocol].load();

/** The kind an account URL scheme names, with its TLS default and port. */
export function byScheme(scheme: string): { info: ConnectorInfo; secure: boolean; port: number } | undefined {
  for (const info of Object.values(CONNECTORS)) {
    const s = info.schemes[scheme];
    if (s) return { info, ...s };
  }
  return undefined;
}

export const ACCOUNT_SCHEMES = Object.values(CONNECTORS).flatMap((c) => Object.keys(c.schemes).map((s) => s.replace(/:$/, '')));

/** The kinds the chat forms offer, in the registry's order. */
export const FORM_KINDS = Object.values(CONNECTORS).filter((c): c is ConnectorInfo & { form: NonNullable<ConnectorInfo['form']> } => c.form !== undefined);

/** The kind a form's server type names. */
export const byFormType = (type: string) => FORM_KINDS.find((c) => c.form.type === type);

/**
 * The kinds whose mail server autodetection can find from DNS and presets for a side (a POP3
 * server can be a source only), in the order to pick a detected server in. With `preferred`, that
 * kind and those after it (richest first: IMAP falls back to POP3, never the other way).
 */
export function detectableFor(side: 'source' | 'destination', preferred?: Protocol): Protocol[] {
  const usable = Object.values(CONNECTORS).filter((c) => c.detect === 'server' && (side === 'source' ? c.source : c.destination).includes('emails')).map((c) => c.protocol);
  if (!preferred) return usable;
  const at = usable.indexOf(preferred);
  return at === -1 ? [] : usable.slice(at);
}

const PIM_KINDS: readonly ItemKind[] = PIM;

/**
 * Refuses up front the kinds a side cannot carry, naming the kind and the reason. `pim` names the
 * CalDAV/CardDAV account a side has next to its mail account: it carries that side's PIM kinds.
 */
export function checkItemsSupported(items: ItemKind[], source: Protocol, destination: Protocol, pim: { source?: Protocol; destination?: Protocol } = {}): void {
  const mailOnly = items.filter((k) => !PIM_KINDS.includes(k));
  const pimKinds = items.filter((k) => PIM_KINDS.includes(k));
  if (pim.source || pim.destination) {
    // Each account carries its own share: mail by the main accounts, the rest by the companions.
    checkItemsSupported(mailOnly, source, destination);
    if (pimKinds.length) checkItemsSupported(pimKinds, pim.source ?? source, pim.destination ?? destination);
    return;
  }
  const src = CONNECTORS[source];
  const dst = CONNECTORS[destination];
  if (dst.destination.length === 0) {
    const takers = Object.values(CONNECTORS).filter((c) => c.destination.length > 0).map((c) => c.label);
    throw new TernError('UNSUPPORTED_ITEMS', `A ${dst.label} account cannot be a destination: ${dst.why}. Use an ${takers.join(' or ')} destination.`, { field: 'destination' });
  }
  for (const kind of items) {
    if (!src.source.includes(kind)) throw new TernError('UNSUPPORTED_ITEMS', `${itemLabel(kind)} cannot be migrated from this source: ${src.lacks?.[kind] ?? src.why}.`, { field: 'items' });
    if (!dst.destination.includes(kind)) throw new TernError('UNSUPPORTED_ITEMS', `${itemLabel(kind)} cannot be migrated to this destination: ${dst.lacks?.[kind] ?? dst.why}.`, { field: 'items' });
  }
}

/**
 * What the destination does with the kinds it takes only in another shape, one sentence each, to
 * say up front (contact groups into Microsoft 365). `pim` names a CalDAV/CardDAV companion of the
 * destination, which then takes the PIM kinds.
 */
export function reshapedKinds(items: ItemKind[], destination: Protocol, pimDestination?: Protocol): string[] {
  return items.flatMap((kind) => {
    const taker = PIM_KINDS.includes(kind) && pimDestination ? pimDestination : destination;
    const said = CONNECTORS[taker].reshapes?.[kind];
    return said ? [said] : [];
  });
}
