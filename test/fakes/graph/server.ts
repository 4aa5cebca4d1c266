// The fake Microsoft Graph: an HTTP server on 127.0.0.1 that answers /v1.0 as Graph does, for
// @microsoft/microsoft-graph-client and Tern's own Graph connector. Every path is resolved
// against the CSDL and every JSON body checked against it, both ways (schema.ts, validate.ts);
// bearer tokens name the mailbox a caller may reach; throttling (429/503 with Retry-After) is
// injected per mailbox, and the most requests one mailbox had in flight at once is recorded.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadCsdl, type Csdl } from './csdl';
import { errorBody, GraphFault, type GraphAnswer, type GraphRequest, type Handler } from './http';
import { mailRoutes } from './mail-routes';
import { pimRoutes } from './pim-routes';
import { importExportRoutes, ImportSessions, mailboxIdOf } from './mailbox-import-export';
import { messageAttachmentRoutes } from './message-attachment-routes';
import { pimAttachmentRoutes } from './pim-attachment-routes';
import { UploadSessions } from './upload-sessions';
import { PathError, resolvePath, type ResolvedPath } from './paths';
import { FakeGraphMailbox } from './store';
import { SchemaValidator } from './validate';

export interface FakeGraphOptions {
  /** Mailbox address → the bearer token that reaches it (delegated: that mailbox only). */
  users: Record<string, string>;
  /** Tokens that reach every mailbox (app-only, a whole tenant). */
  appTokens?: string[];
  /** Page size when a client asks for none (Graph: 10), and the most a page holds. */
  pageSize?: number;
  maxPageSize?: number;
  /** Graph refuses a request body above 4 MB. */
  maxRequestBytes?: number;
  /** Added to every answer: lets concurrency show. */
  latencyMs?: number;
  /**
   * An OAuth2 introspection endpoint (RFC 7662; client credentials in the URL's userinfo): a
   * token not in `users` is asked there, and an active one reaches the mailbox its `username`
   * (or `sub`) names, as a delegated sign-in's token does at Microsoft.
   */
  introspectionUrl?: string;
}

export interface FakeGraphCall {
  method: string;
  path: string;
  status: number;
  mailbox?: string;
  /** Inside a $batch. */
  batched?: boolean;
}

interface Injected {
  status: 429 | 503;
  retryAfterSeconds: number;
  times: number;
}

export const MAX_BATCH = 20;

export class FakeGraph {
  readonly csdl: Csdl = loadCsdl();
  private readonly validator = new SchemaValidator(this.csdl);
  private readonly server: http.Server;
  private readonly mailboxes = new Map<string, FakeGraphMailbox>();
  private readonly routes: Array<[string, RegExp, Handler]>;
  private readonly uploads = new UploadSessions(() => this.url);
  private readonly imports = new ImportSessions(() => this.url);
  private readonly injected = new Map<string, Injected[]>();
  private readonly inFlight = new Map<string, number>();
  /** The most requests each mailbox had in flight at once. */
  readonly peakConcurrency = new Map<string, number>();
  readonly schemaErrors: string[] = [];
  readonly internalErrors: string[] = [];
  readonly calls: FakeGraphCall[] = [];
  url = '';

  constructor(private readonly options: FakeGraphOptions) {
    for (const user of Object.keys(options.users)) this.mailboxes.set(user.toLowerCase(), new FakeGraphMailbox(user));
    const paging = { defaultSize: options.pageSize ?? 10, maxSize: options.maxPageSize ?? 1000 };
    this.routes = [...mailRoutes(paging), ...pimRoutes(paging), ...messageAttachmentRoutes(this.uploads, () => this.url), ...pimAttachmentRoutes(this.uploads), ...importExportRoutes(this.imports)].map(([method, pattern, handler]) => [method, new RegExp(`^${pattern.replace(/[{}$]/g, (c) => (c === '$' ? '\\$' : c === '{' ? '\\{' : '\\}'))}$`), handler]);
    this.server = http.createServer((req, res) => void this.serve(req, res));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  mailbox(user: string): FakeGraphMailbox {
    const box = this.mailboxes.get(user.toLowerCase());
    if (!box) throw new Error(`the fake Graph has no mailbox ${user}`);
    return box;
  }

  /** The next `times` requests for the mailbox are answered `status` with Retry-After. */
  throttle(user: string, injected: Injected): void {
    const key = user.toLowerCase();
    this.injected.set(key, [...(this.injected.get(key) ?? []), { ...injected }]);
  }

  /** Checks a JSON body against a CSDL type (also for tests of the schema itself). */
  check(type: string, body: unknown, mode: 'create' | 'update' | 'response'): string[] {
    return this.validator.check(type, body, mode);
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.url);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    let answer: GraphAnswer;
    if ((this.options.maxRequestBytes ?? 4 * 1024 * 1024) < body.length) {
      answer = this.fault(new GraphFault(413, 'RequestEntityTooLarge', `The request body is ${body.length} bytes: Graph takes at most 4 MB in one request.`));
    } else if (url.pathname === '/import/importItem' && req.method === 'POST') {
      answer = this.outside('POST', url.pathname, () => this.imports.importItem(url, headers, body));
    } else if (url.pathname.startsWith('/upload/') && req.method === 'PUT') {
      answer = this.upload(url.pathname, headers, body);
    } else if (url.pathname === '/v1.0/$batch' && req.method === 'POST') {
      answer = await this.batch(headers, body);
    } else {
      answer = await this.handle(req.method ?? 'GET', url.pathname + url.search, headers, body, false);
    }
    if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
    const out = answer.raw ?? (answer.json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(answer.json)));
    res.writeHead(answer.status, { ...(answer.json !== undefined ? { 'content-type': 'application/json; odata.metadata=minimal' } : {}), ...answer.headers, 'content-length': String(out.length) });
    res.end(out);
  }

  /** A byte range PUT to an upload session's pre-authenticated URL (outside /v1.0, as Outlook's are). */
  private upload(pathname: string, headers: Record<string, string>, body: Buffer): GraphAnswer {
    return this.outside('PUT', pathname, () => this.uploads.put(pathname, headers, body));
  }

  /** A request to a pre-authenticated URL outside /v1.0 (upload and import sessions): recorded, its answer checked. */
  private outside(method: string, pathname: string, handle: () => GraphAnswer): GraphAnswer {
    const call: FakeGraphCall = { method, path: pathname, status: 0 };
    this.calls.push(call);
    try {
      const answer = handle();
      if (answer.type && answer.json !== undefined) {
        const errors = this.validator.check(answer.type, answer.json, 'response', `${method} ${pathname} response`);
        this.schemaErrors.push(...errors.map((e) => `response: ${e}`));
      }
      call.status = answer.status;
      return answer;
    } catch (err) {
      if (!(err instanceof GraphFault)) throw err;
      call.status = err.status;
      return this.fault(err);
    }
  }

  private fault(err: GraphFault): GraphAnswer {
    return { status: err.status, json: errorBody(err.code, err.message), headers: err.headers };
  }

  /** JSON batching: at most 20 requests, each answered on its own (throttling included), in order. */
  private async batch(headers: Record<string, string>, body: Buffer): Promise<GraphAnswer> {
    let requests: Array<{ id: string; method: string; url: string; headers?: Record<string, string>; body?: unknown }>;
    try {
      requests = (JSON.parse(body.toString('utf8')) as { requests: typeof requests }).requests;
    } catch {
      return this.fault(new GraphFault(400, 'BadRequest', 'Invalid batch payload format.'));
    }
    if (!Array.isArray(requests) || requests.length === 0) return this.fault(new GraphFault(400, 'BadRequest', 'A batch holds at least one request.'));
    if (requests.length > MAX_BATCH) {
      this.schemaErrors.push(`$batch request: ${requests.length} requests (Graph takes at most ${MAX_BATCH})`);
      return this.fault(new GraphFault(400, 'BadRequest', `Number of batch request steps exceeds the maximum value of ${MAX_BATCH}.`));
    }
    const responses = [];
    for (const r of requests) {
      const sub = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      const type = (sub['content-type'] ?? '').split(';')[0].trim();
      const subBody = r.body === undefined ? Buffer.alloc(0) : type === 'text/plain' ? Buffer.from(String(r.body)) : Buffer.from(JSON.stringify(r.body));
      if (r.body !== undefined && !type) sub['content-type'] = 'application/json';
      const a = await this.handle(r.method, `/v1.0${r.url.startsWith('/') ? '' : '/'}${r.url}`, { authorization: headers.authorization ?? '', ...sub }, subBody, true);
      responses.push({ id: r.id, status: a.status, headers: { ...(a.json !== undefined ? { 'content-type': 'application/json' } : {}), ...a.headers }, body: a.raw ? a.raw.toString('base64') : a.json });
    }
    return { status: 200, json: { responses } };
  }

  private async handle(method: string, target: string, headers: Record<string, string>, body: Buffer, batched: boolean): Promise<GraphAnswer> {
    const url = new URL(target, 'http://x');
    const call: FakeGraphCall = { method, path: url.pathname, status: 0, batched };
    this.calls.push(call);
    let mailboxKey: string | undefined;
    try {
      if (!url.pathname.startsWith('/v1.0/')) throw new GraphFault(400, 'BadRequest', 'Invalid version: the fake serves /v1.0 only.');
      const rawPath = url.pathname.slice('/v1.0/'.length);
      let path: ResolvedPath;
      try {
        path = resolvePath(this.csdl, rawPath);
      } catch (err) {
        if (!(err instanceof PathError)) throw err;
        this.schemaErrors.push(`${method} /${rawPath}: ${err.message}`);
        throw new GraphFault(400, 'BadRequest', err.message);
      }
      const mailbox = await this.authorise(headers, path);
      mailboxKey = mailbox.user.toLowerCase();
      call.mailbox = mailbox.user;
      const throttled = this.takeInjected(mailboxKey);
      if (throttled) throw new GraphFault(throttled.status, throttled.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', 'Application is over its MailboxConcurrency limit.', { 'retry-after': String(throttled.retryAfterSeconds) });
      const now = (this.inFlight.get(mailboxKey) ?? 0) + 1;
      this.inFlight.set(mailboxKey, now);
      this.peakConcurrency.set(mailboxKey, Math.max(now, this.peakConcurrency.get(mailboxKey) ?? 0));
      try {
        const req = this.request(method, path, url, headers, body, mailbox, rawPath);
        const route = this.routes.find(([m, re]) => m === method && re.test(path.pattern));
        if (!route) throw new GraphFault(405, 'Request_BadRequest', `${method} is not supported on /${path.pattern} by the fake (or by Graph).`);
        const answer = await route[2](req);
        if (answer.type && answer.json !== undefined) this.checkResponse(method, path, answer);
        call.status = answer.status;
        return answer;
      } finally {
        if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
        this.inFlight.set(mailboxKey, (this.inFlight.get(mailboxKey) ?? 1) - 1);
      }
    } catch (err) {
      if (err instanceof GraphFault) {
        call.status = err.status;
        return this.fault(err);
      }
      this.internalErrors.push(`${method} ${url.pathname}: ${(err as Error).stack ?? String(err)}`);
      call.status = 500;
      return this.fault(new GraphFault(500, 'InternalServerError', 'The fake Graph failed: see internalErrors.'));
    }
  }

  private async authorise(headers: Record<string, string>, path: ResolvedPath): Promise<FakeGraphMailbox> {
    const token = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (!token) throw new GraphFault(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const app = this.options.appTokens?.includes(token);
    const own = Object.entries(this.options.users).find(([, t]) => t === token)?.[0] ?? (app ? undefined : await this.introspect(token));
    if (!app && !own) throw new GraphFault(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
    if (path.pattern.startsWith('admin/exchange/mailboxes/{}')) {
      // The import/export API is application-only (MailboxItem.ImportExport.All).
      if (!app) throw new GraphFault(403, 'ErrorAccessDenied', 'Access is denied: the mailbox import/export API needs an application token with MailboxItem.ImportExport.All.');
      const box = [...this.mailboxes.values()].find((b) => mailboxIdOf(b) === path.keys[0]);
      if (!box) throw new GraphFault(404, 'ErrorMailboxNotFound', `The mailbox '${path.keys[0]}' was not found.`);
      return box;
    }
    if (path.pattern !== 'users' && !path.pattern.startsWith('users/{}')) throw new GraphFault(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    const asked = path.keys[0] === 'me' ? own : path.keys[0];
    if (!asked) throw new GraphFault(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    const box = this.mailboxes.get(asked.toLowerCase());
    if (!box) throw new GraphFault(404, 'ErrorInvalidUser', `The requested user '${asked}' is invalid.`);
    if (!app && own!.toLowerCase() !== asked.toLowerCase()) throw new GraphFault(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    return box;
  }

  /** The mailbox an issued token acts for, by introspection; undefined when it is not active. */
  private async introspect(token: string): Promise<string | undefined> {
    if (!this.options.introspectionUrl) return undefined;
    const url = new URL(this.options.introspectionUrl);
    const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
    url.username = url.password = '';
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
    const answer = (await res.json().catch(() => ({}))) as { active?: boolean; username?: string; sub?: string };
    return answer.active ? (answer.username ?? answer.sub) : undefined;
  }

  private takeInjected(key: string): Injected | undefined {
    const list = this.injected.get(key);
    const first = list?.[0];
    if (!first) return undefined;
    if (--first.times <= 0) list!.shift();
    return first;
  }

  private request(method: string, path: ResolvedPath, url: URL, headers: Record<string, string>, body: Buffer, mailbox: FakeGraphMailbox, rawPath: string): GraphRequest {
    const req: GraphRequest = { method, path, query: url.searchParams, headers, body, mailbox, baseUrl: this.url, rawPath };
    const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if ((method === 'POST' || method === 'PATCH' || method === 'PUT') && type === 'application/json') {
      try {
        req.json = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        throw new GraphFault(400, 'BadRequest', 'Unable to read JSON request payload.');
      }
      const last = path.segments[path.segments.length - 1];
      const action = last.kind === 'op' && last.action;
      if (action || path.type) {
        const where = `${method} /${path.pattern}`;
        const errors = last.kind === 'op' && action ? this.validator.checkParameters(last.name, last.parameters, req.json, where) : this.validator.check(path.type!, req.json, method === 'POST' ? 'create' : 'update', where);
        if (errors.length > 0) {
          this.schemaErrors.push(...errors.map((e) => `request: ${e}`));
          throw new GraphFault(400, 'RequestBodyRead', errors[0].replace(/^[^:]*: /, ''));
        }
      }
    }
    return req;
  }

  private checkResponse(method: string, path: ResolvedPath, answer: GraphAnswer): void {
    const json = answer.json as Record<string, unknown>;
    const items = answer.collection ? ((json.value as unknown[]) ?? []) : [json];
    items.forEach((item, i) => {
      // Delta's removed entries carry only an id and @removed.
      if (answer.collection && item && typeof item === 'object' && '@removed' in item) return;
      const errors = this.validator.check(answer.type!, item, 'response', `${method} /${path.pattern} response${answer.collection ? `[${i}]` : ''}`);
      this.schemaErrors.push(...errors.map((e) => `response: ${e}`));
    });
  }
}
