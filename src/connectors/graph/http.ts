import { TernError } from '../../errors';
import type { AccountCredentials } from '../../ports/account';
import { connectionError } from '../errors';
import { busyWait, retryAfterMs } from '../http-wait';
import { limiterFor, type MailboxLimiter } from './limiter';
import { apiBase, mailboxAddress } from './url';

/** How often one request is tried again while Graph throttles it (429) or is busy (503, 504). */
export const MAX_BUSY_RETRIES = 8;
/** Graph's JSON batching takes at most this many requests in one $batch. */
export const BATCH_LIMIT = 20;
export const BUSY = new Set([429, 503, 504]);

/** Scopes a delegated or app-only sign-in needs for everything Tern moves. */
export const NEEDED_SCOPES = 'Mail.ReadWrite, Contacts.ReadWrite, Calendars.ReadWrite, Tasks.ReadWrite, MailboxSettings.ReadWrite';

export interface GraphResponse {
  status: number;
  headers: Headers | Record<string, string>;
  json?: Record<string, unknown>;
  raw?: Buffer;
}

export interface BatchRequest {
  method: string;
  /** Relative to /v1.0, e.g. "/users/a@b/messages/ID". */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface BatchAnswer {
  status: number;
  body?: Record<string, unknown>;
}

interface CallOptions {
  body?: Buffer | string | object;
  contentType?: string;
  headers?: Record<string, string>;
  /** The answer's bytes as they are (MIME by $value). */
  raw?: boolean;
  /** Statuses the caller handles itself (not thrown): 404 for something gone, 409 for a folder made meanwhile. */
  accept?: number[];
}

/** A refusal from Graph: its error code and message, the HTTP status. */
const errorOf = (r: GraphResponse | BatchAnswer) => (('body' in r ? r.body : (r as GraphResponse).json) as { error?: { code?: string; message?: string } } | undefined)?.error;
export const graphCode = (r: GraphResponse | BatchAnswer): string | undefined => errorOf(r)?.code;
export const graphMessage = (r: GraphResponse | BatchAnswer): string => errorOf(r)?.message ?? `HTTP ${r.status}`;

/**
 * Requests to one mailbox through Microsoft Graph: the bearer token from the account's provider
 * (or the interim token in its password slot), at most 4 in flight per mailbox, 429/503 waited out
 * as Retry-After says for the whole mailbox, and refusals turned into TernErrors that name the
 * mailbox and what to do. The token never appears in an error.
 */
export class GraphHttp {
  readonly base: string;
  readonly mailbox: string;
  /** "/users/alice%40contoso.com". */
  readonly userPath: string;
  private readonly limiter: MailboxLimiter;
  private token?: string;

  constructor(
    private readonly account: AccountCredentials,
    readonly timeoutMs: number,
  ) {
    this.base = apiBase(account);
    this.mailbox = mailboxAddress(account);
    this.userPath = `/users/${encodeURIComponent(this.mailbox)}`;
    this.limiter = limiterFor(this.base, this.mailbox);
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<GraphResponse> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const res = await this.limiter.run(() => this.send(method, path, options));
      if (res.status === 401 && !refreshed && this.account.tokens) {
        this.token = await this.account.tokens.accessToken({ renew: true });
        refreshed = true;
        continue;
      }
      if (BUSY.has(res.status) && attempt < MAX_BUSY_RETRIES) {
        this.limiter.holdFor(busyWait(attempt, retryAfterMs(header(res.headers, 'retry-after'))));
        continue;
      }
      if (res.status >= 400 && !options.accept?.includes(res.status)) throw this.refusal(res, method, path);
      return res;
    }
  }

  /** Every page of a collection, following @odata.nextLink. */
  async all<T>(path: string): Promise<T[]> {
    const out: T[] = [];
    for (let next: string | undefined = path; next; ) {
      const res = await this.call('GET', next);
      out.push(...((res.json?.value as T[]) ?? []));
      next = res.json?.['@odata.nextLink'] as string | undefined;
    }
    return out;
  }

  /**
   * JSON batching, 20 requests a $batch: answers in the order asked. Requests Graph throttled
   * inside a batch are sent again after the wait it named, the others kept.
   */
  async batch(requests: BatchRequest[]): Promise<BatchAnswer[]> {
    const answers: BatchAnswer[] = new Array(requests.length);
    for (let start = 0; start < requests.length; start += BATCH_LIMIT) {
      let pending = requests.slice(start, start + BATCH_LIMIT).map((_, k) => start + k);
      for (let attempt = 0; pending.length > 0; attempt++) {
        const body = { requests: pending.map((i) => ({ id: String(i), ...requests[i] })) };
        const res = await this.call('POST', '/$batch', { body });
        const got = (res.json?.responses as Array<{ id: string; status: number; headers?: Record<string, string>; body?: Record<string, unknown> }>) ?? [];
        let wait: number | undefined;
        const again: number[] = [];
        for (const r of got) {
          const i = Number(r.id);
          answers[i] = { status: r.status, body: r.body };
          if (BUSY.has(r.status) && attempt < MAX_BUSY_RETRIES) {
            again.push(i);
            wait = Math.max(wait ?? 0, retryAfterMs(r.headers?.['Retry-After'] ?? r.headers?.['retry-after']) ?? 0);
          }
        }
        if (again.length > 0) this.limiter.holdFor(busyWait(attempt, wait || undefined));
        pending = again.sort((a, b) => a - b);
      }
    }
    return answers;
  }

  /** A refusal as a TernError: sign-in and consent problems say what to do; the rest names Graph's code. */
  refusal(res: GraphResponse | BatchAnswer, method: string, path: string): TernError {
    const code = graphCode(res);
    const message = graphMessage(res);
    const details = { serverCode: code, httpStatus: res.status };
    const who = `the Microsoft 365 mailbox ${this.mailbox}`;
    if (res.status === 401) return new TernError('AUTH_FAILED', `Microsoft Graph refused the access token for ${who} (${message}): sign in again; an expired token or one issued for another resource is refused.`, details);
    if (res.status === 403) return new TernError('AUTH_FAILED', `Microsoft Graph denied access to ${who} (${message}): the app lacks consent or scopes. Grant ${NEEDED_SCOPES} (delegated, or as application permissions with admin consent for a whole tenant).`, details);
    if (code === 'ErrorInvalidUser' || code === 'MailboxNotEnabledForRESTAPI' || (code === 'ResourceNotFound' && path === this.userPath)) {
      return new TernError('AUTH_FAILED', `${cap(who)} was not found (${message}): check the address, and that the user has an Exchange Online licence.`, details);
    }
    const busy = BUSY.has(res.status) || res.status >= 500;
    return new TernError('PROTOCOL_ERROR', `Microsoft Graph refused ${method} ${path.split('?')[0]} for ${who}: ${message}${code ? ` (${code})` : ''}.`, { ...details, retryable: busy });
  }

  private async bearer(): Promise<string> {
    if (this.token) return this.token;
    this.token = this.account.tokens ? await this.account.tokens.accessToken() : this.account.password;
    if (!this.token) throw new TernError('AUTH_FAILED', `No access token for the Microsoft 365 mailbox ${this.mailbox}: sign in (OAuth2), or set TERN_FROM_ACCESS_TOKEN / TERN_TO_ACCESS_TOKEN.`);
    return this.token;
  }

  private async send(method: string, path: string, options: CallOptions): Promise<GraphResponse> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${await this.bearer()}`, ...options.headers };
    let body: string | Buffer | undefined;
    if (options.body !== undefined) {
      const isText = typeof options.body === 'string' || Buffer.isBuffer(options.body);
      body = isText ? (options.body as string | Buffer) : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? (isText ? 'text/plain' : 'application/json');
    }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: body as BodyInit | undefined, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause ?? err;
      throw connectionError((err as Error).name === 'TimeoutError' ? Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }) : cause, 'Microsoft Graph', this.account);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const isJson = (res.headers.get('content-type') ?? '').includes('json');
    if (options.raw && res.ok) return { status: res.status, headers: res.headers, raw: bytes };
    let json: Record<string, unknown> | undefined;
    if (isJson && bytes.length > 0) {
      try {
        json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new TernError('PROTOCOL_ERROR', `Microsoft Graph answered ${method} ${path.split('?')[0]} with JSON it could not read.`, { retryable: true, httpStatus: res.status });
      }
    }
    return { status: res.status, headers: res.headers, json, raw: isJson ? undefined : bytes };
  }
}

function header(h: GraphResponse['headers'], name: string): string | undefined {
  return h instanceof Headers ? (h.get(name) ?? undefined) : h[name];
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

