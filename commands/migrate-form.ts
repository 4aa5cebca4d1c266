import type { AccountCredentials } from '../src/ports/account';
import { ITEM_KINDS, itemLabel, parseItems, type ItemKind } from '../src/items';
import { TernError } from '../src/errors';
import { AUTO_HOST } from '../src/accounts';
import { CONNECTORS, FORM_KINDS, byFormType, type ConnectorInfo } from '../src/connectors/registry';
import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';
import type { PlanView } from '../src/plan';
import { parseOptions, type MigrationOptions, type OptionsInput } from '../src/options';
import { withDav } from './migrate';

/**
 * The /migrate form, platform-neutral: which fields it has, how a submission is checked, and
 * where each error belongs. Chat adapters render it (a Slack modal, Discord modals in steps).
 */
export type Side = 'source' | 'destination';
/** "auto", or the form type of a kind in the connector registry ("imap", "pop3", "exchange"). */
export const SERVER_TYPES: Array<{ value: string; label: string }> = [{ value: 'auto', label: 'Autodetect' }, ...FORM_KINDS.map((c) => ({ value: c.form.type, label: c.label }))];

export interface AccountFields {
  type?: string;
  login?: string;
  password?: string;
  host?: string;
  port?: string;
  /** TLS from the first byte (IMAPS/POP3S); otherwise STARTTLS when offered. */
  tls?: boolean;
  insecure?: boolean;
  /**
   * Where this side's calendars and contacts are, when not on the mail server (CalDAV/CardDAV):
   * "auto" (DNS), a server name, an https:// or dav:// URL. Its login and password are the side's.
   */
  dav?: string;
  /** How the account signs in: "password" (default), or OAuth2 at "microsoft", "google" or "other" (issuer and client id below). */
  signIn?: string;
  /** "other" sign-in: the authorization server's URL, Tern's client id there, and the scopes (optional). */
  issuer?: string;
  clientId?: string;
  scope?: string;
}

export interface MigrateFormValues {
  source: AccountFields;
  destination: AccountFields;
  items: string[];
  notify?: string;
  /** Date range, folders, newest first, size cap; each field's error is keyed "options.since" and so on. */
  options?: OptionsInput;
}

export const ITEM_CHOICES = ITEM_KINDS.map((kind) => ({ value: kind, label: itemLabel(kind) }));

export const SIGN_IN_CHOICES = [
  { value: 'password', label: 'Password' },
  { value: 'microsoft', label: 'Sign in with Microsoft' },
  { value: 'google', label: 'Sign in with Google' },
  { value: 'other', label: 'Sign in with another provider' },
];

export const PASSWORD_HINT = 'This field is not masked (chat apps cannot hide what you type): prefer an app password. It is stored encrypted and deleted when the rollback window closes.';

/** Field errors keyed "source.host", "items", …: shown next to each field, all at once. */
export class FormErrors extends TernError {
  constructor(readonly errors: Record<string, string>) {
    super('BAD_ACCOUNT_URL', Object.values(errors).join('\n'));
  }
}

/** A kind's default port with or without TLS from the first byte, from its URL schemes. */
const defaultPort = (kind: ConnectorInfo, tls: boolean) => Object.values(kind.schemes).find((s) => s.secure === tls)?.port ?? 0;

export interface ParsedForm {
  source: AccountCredentials;
  destination: AccountCredentials;
  items: ItemKind[];
  notify?: string;
  options?: MigrationOptions;
}

export function parseMigrateForm(v: MigrateFormValues): ParsedForm {
  const errors: Record<string, string> = {};
  const source = parseSide('source', v.source, errors);
  const destination = parseSide('destination', v.destination, errors);
  const { items, notify } = parseItemsAndNotify(v, errors, 'Choose at least one thing to move.');
  const options = parseFormOptions(v.options, errors);
  if (Object.keys(errors).length || !source || !destination) throw new FormErrors(errors);
  return { source, destination, items, notify, options };
}

/** The PST import form: the file takes the source's place, so a destination, items, notify and the same options. */
export type ImportFormValues = Pick<MigrateFormValues, 'destination' | 'items' | 'notify' | 'options'>;

export function parseImportForm(v: ImportFormValues): Omit<ParsedForm, 'source'> {
  const errors: Record<string, string> = {};
  const destination = parseSide('destination', v.destination, errors);
  const { items, notify } = parseItemsAndNotify(v, errors, 'Choose at least one thing to import.');
  const options = parseFormOptions(v.options, errors);
  if (Object.keys(errors).length || !destination) throw new FormErrors(errors);
  return { destination, items, notify, options };
}

/** The form's options (date range, folders, newest first, size cap); a problem is keyed "options.since" and so on. */
function parseFormOptions(input: OptionsInput | undefined, errors: Record<string, string>): MigrationOptions | undefined {
  try {
    return parseOptions(input);
  } catch (err) {
    if (!(err instanceof TernError)) throw err;
    errors[`options.${err.field}`] = err.userMessage;
    return undefined;
  }
}

function parseItemsAndNotify(v: Pick<MigrateFormValues, 'items' | 'notify'>, errors: Record<string, string>, noneChosen: string): { items: ItemKind[]; notify?: string } {
  let items: ItemKind[] = [];
  try {
    items = parseItems(v.items.length ? v.items : []);
  } catch (err) {
    errors.items = v.items.length ? (err as TernError).userMessage : noneChosen;
  }
  const notify = v.notify?.trim() || undefined;
  if (notify && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(notify)) errors.notify = `"${notify}" is not an e-mail address.`;
  return { items, notify };
}

function parseSide(side: Side, f: AccountFields, errors: Record<string, string>): AccountCredentials | undefined {
  const Side = side === 'source' ? 'Source' : 'Destination';
  const type = f.type ?? 'imap';
  // Autodetect picks the kind from what is found; until then it is filled in like IMAP.
  const kind = type === 'auto' ? CONNECTORS.imap : byFormType(type);
  const login = f.login?.trim() ?? '';
  if (!login) errors[`${side}.login`] = `${Side}: enter the e-mail address or login.`;
  else if (/[\x00-\x1f\x7f]/.test(login)) errors[`${side}.login`] = `${Side}: the login contains a line break or another control character; type it on one line.`;
  const oauth = signInOf(side, f, errors);
  if (kind?.protocol === 'graph' && !oauth) {
    // Graph takes an OAuth2 token, never a password.
    if (!errors[`${side}.signIn`]) errors[`${side}.signIn`] = `${Side}: Microsoft 365 signs in with Microsoft (OAuth2), not a password: choose Sign in with Microsoft.`;
  } else if (!f.password && (f.signIn ?? 'password') === 'password') errors[`${side}.password`] = `${Side}: enter the password (an app password if the account has two-factor sign-in), or choose a sign-in.`;
  if (!kind) {
    errors[`${side}.type`] = `${Side}: choose a server type (${SERVER_TYPES.map((t) => t.label).join(', ')}).`;
    return undefined;
  }
  // Autodetect: the server comes from the address (the service detects it), unless one was typed.
  const auto = (type === 'auto' || kind.detect === 'autodiscover' || kind.detect === 'dav') && !f.host?.trim();
  if (auto && login && !login.includes('@')) errors[`${side}.login`] = `${Side}: autodetection needs the e-mail address (name@domain), or choose the server type and fill in the server.`;
  // Signing in with OAuth2: no password (the sign-in gives the tokens); a placeholder passes the password checks below.
  const fields = oauth ? { ...f, password: '-' } : f;
  const server = kind.form?.server;
  const account = server?.kind === 'url' ? urlSide(side, kind, server, fields, login, auto, errors) : server?.kind === 'service' ? serviceSide(side, kind, fields, login, errors) : hostSide(side, kind, fields, login, auto, errors);
  return account && withDavField(side, oauth ? { ...account, password: '', ...oauth } : account, f.dav, errors);
}

/** The side's OAuth2 sign-in choice as an account's auth and issuer; undefined for a password (or a bad choice, said in errors). */
function signInOf(side: Side, f: AccountFields, errors: Record<string, string>): Pick<AccountCredentials, 'auth' | 'oauth'> | undefined {
  const Side = side === 'source' ? 'Source' : 'Destination';
  const choice = f.signIn ?? 'password';
  if (choice === 'password') return undefined;
  if (choice === 'microsoft' || choice === 'google') return { auth: 'oauth2', oauth: { issuer: choice } };
  if (choice !== 'other') {
    errors[`${side}.signIn`] = `${Side}: choose how to sign in (${SIGN_IN_CHOICES.map((c) => c.label).join(', ')}).`;
    return undefined;
  }
  const issuer = f.issuer?.trim() ?? '';
  const clientId = f.clientId?.trim() ?? '';
  const scope = f.scope?.trim() || undefined;
  if (!/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(issuer)) errors[`${side}.issuer`] = `${Side}: enter the sign-in provider's address (https://login.example.com), or choose another sign-in.`;
  if (!clientId) errors[`${side}.clientId`] = `${Side}: enter the client id Tern is registered with at the sign-in provider.`;
  if (errors[`${side}.issuer`] || errors[`${side}.clientId`]) return undefined;
  return { auth: 'oauth2', oauth: { issuer: issuer.replace(/\/$/, ''), clientId, ...(scope ? { scope } : {}) } };
}

function hostSide(side: Side, kind: ConnectorInfo, f: AccountFields, login: string, auto: boolean, errors: Record<string, string>): AccountCredentials | undefined {
  const Side = side === 'source' ? 'Source' : 'Destination';
  const host = auto ? AUTO_HOST : (f.host?.trim() ?? '');
  if (!host) errors[`${side}.host`] = `${Side}: enter the server name, e.g. imap.example.com.`;
  else if (!isHostName(host)) errors[`${side}.host`] = `${Side}: "${host}" is not a server name.`;
  const port = portOf(side, f, defaultPort(kind, f.tls !== false), errors);
  if (!login || !f.password || !host) return undefined;
  return { protocol: kind.protocol, host: host.replace(/^\[|\]$/g, ''), port, secure: f.tls !== false, insecure: Boolean(f.insecure), user: login, password: f.password };
}

/**
 * The calendars-and-contacts field: the same forms the CLI's --from-dav takes, plus what a user
 * types by hand (a server name, an https:// address, "auto"); the side's login and password go with it.
 */
function withDavField(side: Side, account: AccountCredentials, typed: string | undefined, errors: Record<string, string>): AccountCredentials | undefined {
  const text = typed?.trim();
  if (!text) return account;
  const user = encodeURIComponent(account.user);
  const https = /^(https?):\/\/([^/?#]+)(.*)$/i.exec(text);
  // Another kind's URL (imaps://…) goes through as it is, to be refused by name.
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !https
    ? text
    : https
      ? `dav${https[1].toLowerCase() === 'http' ? '+http' : ''}://${user}@${https[2].replace(/^.*@/, '')}${https[3] || '/'}`
      : `dav://${user}@${text.toLowerCase() === 'auto' ? AUTO_HOST : text}`;
  try {
    return withDav(account, url, side, account.password, 'the calendars and contacts server');
  } catch (err) {
    if (!(err instanceof TernError)) throw err;
    errors[`${side}.dav`] = `${side === 'source' ? 'Source' : 'Destination'}: ${err.userMessage.replace(/^The (source|destination) account URL is not valid: /, 'the calendars and contacts server is not valid: ')}`;
    return undefined;
  }
}

const isHostName = (host: string) => /^[A-Za-z0-9.-]+$|^\[?[0-9a-fA-F:]+\]?$/.test(host);

function portOf(side: Side, f: AccountFields, fallback: number, errors: Record<string, string>): number {
  if (!f.port?.trim()) return fallback;
  const port = Number(f.port.trim());
  if (!Number.isInteger(port) || port < 1 || port > 65535) errors[`${side}.port`] = `${side === 'source' ? 'Source' : 'Destination'}: the port must be a number from 1 to 65535.`;
  return port;
}

/**
 * A kind reached by URL (Exchange): the server field takes the URL (https://mail.example.com/EWS/Exchange.asmx)
 * or just the host (the usual path is assumed); empty means Autodiscover from the address.
 */
function urlSide(side: Side, kind: ConnectorInfo, server: { defaultPath: string; name: string; example: string }, f: AccountFields, login: string, auto: boolean, errors: Record<string, string>): AccountCredentials | undefined {
  const Side = side === 'source' ? 'Source' : 'Destination';
  const typed = f.host?.trim() ?? '';
  let url: URL | undefined;
  if (!auto) {
    try {
      url = new URL(/^https?:\/\//i.test(typed) ? typed : `${f.tls === false ? 'http' : 'https'}://${typed}`);
    } catch {
      url = undefined;
    }
    if (!url || !isHostName(url.hostname)) {
      errors[`${side}.host`] = `${Side}: "${typed}" is neither a server name nor an ${server.name} (${server.example}).`;
      return undefined;
    }
  }
  const secure = url ? url.protocol === 'https:' : f.tls !== false;
  const port = portOf(side, f, url?.port ? Number(url.port) : defaultPort(kind, secure), errors);
  if (!login || !f.password) return undefined;
  const path = url && url.pathname !== '/' ? url.pathname : server.defaultPath;
  return { protocol: kind.protocol, host: url ? url.hostname.replace(/^\[|\]$/g, '') : AUTO_HOST, port, secure, insecure: Boolean(f.insecure), path, user: login, password: f.password };
}

/**
 * A public service reached by the address alone (Microsoft 365: graph://user@domain). The server
 * field stays empty; a plain-HTTP address there (http://host:port) names a proxy or test server.
 */
function serviceSide(side: Side, kind: ConnectorInfo, f: AccountFields, login: string, errors: Record<string, string>): AccountCredentials | undefined {
  const Side = side === 'source' ? 'Source' : 'Destination';
  const typed = f.host?.trim() ?? '';
  if (login && !login.includes('@')) errors[`${side}.login`] = `${Side}: ${kind.label} needs the whole e-mail address (name@domain).`;
  const proxy = typed ? /^http:\/\/([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\/?$/.exec(typed) : undefined;
  if (typed && !proxy) errors[`${side}.host`] = `${Side}: leave the server empty for ${kind.label} (it is reached at Microsoft by the address); only a proxy's http://host:port goes here.`;
  if (!login.includes('@') || errors[`${side}.host`]) return undefined;
  if (!proxy) return { protocol: kind.protocol, host: login.slice(login.lastIndexOf('@') + 1).toLowerCase(), port: defaultPort(kind, true), secure: true, insecure: false, user: login, password: f.password ?? '' };
  return { protocol: kind.protocol, host: proxy[1].replace(/^\[|\]$/g, ''), port: Number(proxy[2]), secure: false, insecure: false, user: login, password: f.password ?? '' };
}

/** Where a service error belongs in the form: a refused login by the password, a dead server by the host. */
export function fieldOf(err: TernError): string {
  const side = err.field === 'source' || err.field === 'destination' ? err.field : undefined;
  if (!side) return err.field ?? 'items';
  if (err.code === 'AUTH_FAILED') return `${side}.password`;
  if (err.code === 'UNSUPPORTED_ITEMS') return `${side}.type`;
  return `${side}.host`;
}

/** Checks the form, then the accounts (slow: the caller shows a "checking" state), then creates the task. */
export async function submitMigrateForm(service: TernService, values: MigrateFormValues, actor: Actor): Promise<TaskView> {
  return createFromForm(service, parseMigrateForm(values), actor);
}

/** "Check first": the form checked as for Start, then the plan of what it would do; nothing is created. */
export async function planMigrateForm(service: TernService, values: MigrateFormValues, actor: Actor): Promise<PlanView> {
  return planFromForm(service, parseMigrateForm(values), actor);
}

/** The task from a parsed form (kept while sign-ins ran: the form's values may be wiped by then), errors put in their fields. */
export const createFromForm = (service: TernService, parsed: ParsedForm, actor: Actor) => onFields(() => service.create(parsed, actor));

/** The plan from a parsed form, errors put in their fields. */
export const planFromForm = (service: TernService, parsed: ParsedForm, actor: Actor) => onFields(() => service.plan(parsed, actor));

/** A service error put where it belongs in the form. */
async function onFields<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof TernError)) throw err;
    if (err.code === 'AUTH_FAILED' && err.userMessage.includes('\n')) {
      // Both sides refused: one error for each.
      const [a, b] = err.userMessage.split('\n');
      throw new FormErrors({ 'source.password': a, 'destination.password': b });
    }
    throw new FormErrors({ [fieldOf(err)]: err.userMessage });
  }
}
