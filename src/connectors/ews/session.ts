import { ExchangeCredentials, ExchangeService, ExchangeVersion, ImpersonatedUserId, ConnectingIdType, Uri } from 'ews-javascript-api';
import type { TernError } from '../../errors';
import type { AccountCredentials, AccountEndpoint } from '../../ports/account';
import type { EwsFolder, WellKnownFolder } from './types';
import { libraryError } from './errors';
import { createTransport, guarded, type EwsTransport } from './xhr';
// The library writes values into its XML unescaped; this makes it escape them (see there).
import './escape-patch';

/**
 * What every EWS module works with: the library's service for one mailbox, the account it acts
 * as (without its password, which only the transport holds), and per-session caches.
 */
export interface EwsContext {
  readonly service: ExchangeService;
  readonly account: AccountEndpoint;
  /** The mailbox's SMTP address (the impersonated one, when an admin acts for it). */
  mailbox: string;
  readonly url: string;
  readonly transport: EwsTransport;
  /** Runs one library call; any failure comes out as a TernError naming the server. */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /** The same, also giving the XML of the answers (for what the library reads badly). */
  callCapturing<T>(what: string, fn: () => Promise<T>): Promise<{ value: T; responses: string[] }>;
  error(err: unknown, what?: string): TernError;
  cache: {
    rootId?: string;
    wellKnown?: Map<string, WellKnownFolder>;
    folders?: EwsFolder[];
  };
}

/**
 * The service carries no credentials of its own: the transport signs every request (Basic,
 * pre-emptively, or NTLM), so Tern's own SOAP requests are signed the same way and the library
 * never builds an Authorization header.
 */
class TransportSignsRequests extends ExchangeCredentials {
  PrepareWebRequest(): void {}
}

export function ewsUrl(account: AccountEndpoint): string {
  const scheme = account.secure ? 'https' : 'http';
  const defaultPort = account.secure ? 443 : 80;
  const port = account.port && account.port !== defaultPort ? `:${account.port}` : '';
  const path = account.path ? (account.path.startsWith('/') ? account.path : `/${account.path}`) : '/EWS/Exchange.asmx';
  return `${scheme}://${account.host}${port}${path}`;
}

export function createContext(credentials: AccountCredentials, timeoutMs: number): EwsContext {
  const { password: _password, ...account } = credentials;
  const url = ewsUrl(account);
  const transport = createTransport(credentials, timeoutMs);
  const service = new ExchangeService(ExchangeVersion.Exchange2010_SP2);
  service.Url = new Uri(url);
  service.Credentials = new TransportSignsRequests();
  service.XHRApi = transport;
  if (account.impersonate) service.ImpersonatedUserId = new ImpersonatedUserId(ConnectingIdType.SmtpAddress, account.impersonate);
  const error = (err: unknown, what?: string) => libraryError(err, account, what);
  return {
    service,
    account,
    mailbox: account.impersonate ?? account.user,
    url,
    transport,
    call: (what, fn) => guarded(fn, (err) => error(err, what)),
    callCapturing: async (what, fn) => {
      const responses: string[] = [];
      const value = await guarded(fn, (err) => error(err, what), responses);
      return { value, responses };
    },
    error,
    cache: {},
  };
}

/** The ItemIds/FolderIds of a batch call in groups of at most `size` (EWS batches stay small). */
export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Batch size for GetItem, CreateItem and DeleteItem. */
export const BATCH = 50;
