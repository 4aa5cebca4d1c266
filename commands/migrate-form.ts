import type { AccountCredentials } from '../src/ports/account';
import { ITEM_KINDS, itemLabel, parseItems, type ItemKind } from '../src/items';
import { TernError } from '../src/errors';
import { AUTO_HOST } from '../src/service/resolve-auto';
import { CONNECTORS, FORM_KINDS, byFormType, type ConnectorInfo } from '../src/connectors/registry';
import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';
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
}

export interface MigrateFormValues {
  source: AccountFields;
  destination: AccountFields;
  items: string[];
  notify?: string;
}

export const ITEM_CHOICES = ITEM_KINDS.map((kind) => ({ value: kind, label: itemLabel(kind) }));

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
}

export function parseMigrateForm(v: MigrateFormValues): ParsedForm {
  const errors: Record<string, string> = {};
  const source = parseSide('source', v.source, errors);
  const destination = parseSide('destination', v.destination, errors);
  const { items, notify } = parseItemsAndNotify(v, errors, 'Choose at least one thing to move.');
  if (Object.keys(errors).length || !source || !destination) throw new FormErrors(errors);
  return { source, destination, items, notify };
}

/** The PST import form: the file takes the source's place, so only a destination, items and notify. */
export type ImportFormValues = Pick<MigrateFormValues, 'destination' | 'items' | 'notify'>;

export function parseImportForm(v: ImportFormValues): Omit<ParsedForm, 'source'> {
  const errors: Record<string, string> = {};
  const destination = parseSide('destination', v.destination, errors);
  const { items, notify } = parseItemsAndNotify(v, errors, 'Choose at least one thing to import.');
  if (Object.keys(errors).length || !destination) throw new FormErrors(errors);
  return { destination, items, notify };
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
  if (!f.password) errors[`${side}.password`] = `${Side}: enter the password (an app password if the account has two-factor sign-in).`;
  if (!kind) {
    errors[`${side}.type`] = `${Side}: choose a server type (${SERVER_TYPES.map((t) => t.label).join(', ')}).`;
    return undefined;
  }
  // Autodetect: the server comes from the address (the service detects it), unless one was typed.
  const auto = (type === 'auto' || kind.detect === 'autodiscover' || kind.detect === 'dav') && !f.host?.trim();
  if (auto && login && !login.includes('@')) errors[`${side}.login`] = `${Side}: autodetection needs the e-mail address (name@domain), or choose the server type and fill in the server.`;
  const account = kind.form?.server.kind === 'url' ? urlSide(side, kind, kind.form.server, f, login, auto, errors) : hostSide(side, kind, f, login, auto, errors);
  return account && withDavField(side, account, f.dav, errors);
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
  const parsed = parseMigrateForm(values);
  try {
    return await service.create(parsed, actor);
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
