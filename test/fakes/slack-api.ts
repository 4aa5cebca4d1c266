import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockProblems, mentionsIn } from './slack-blocks';
import { FakeSocketMode } from './slack-socket';

/**
 * A stand-in for Slack's Web API (https://api.slack.com/web) on 127.0.0.1, close enough to the
 * real wire format that the real @slack/web-api WebClient (and so Bolt) talks to it unchanged:
 *   POST /api/<method>, body form-encoded (what WebClient sends) or JSON, token in
 *   `Authorization: Bearer …` (or, for form bodies only, a `token` field); always HTTP 200 with
 *   `{ ok: true, … }` or `{ ok: false, error }`, except rate limits: HTTP 429 + Retry-After.
 * It also serves file downloads (the `url_private_download` of files it knows) the way Slack
 * does: with the bot token the bytes, without it (or without files:read) an HTML sign-in page.
 */

// Request bodies are whatever the caller sent, so tests may dig into them freely.
type Body = Record<string, any>;

export interface FakeSlackCall {
  method: string;
  /** Parsed request body; form fields WebClient JSON-stringifies (blocks, view, …) are objects again. */
  body: Body;
  /** Date.now() when the request arrived. */
  at: number;
  token?: string;
  /** Set on attempts answered 429: they never reached the method. */
  rateLimited?: true;
  /** The JSON the fake answered. */
  response: Body;
}

/** A rate tier: calls a minute, the burst allowed, and whether it counts per channel or per workspace. */
export interface FakeSlackTier {
  perMinute: number;
  burst: number;
  per: 'channel' | 'workspace';
}

export interface FakeSlackOptions {
  /** The only token the fake accepts. Default 'xoxb-test'. */
  botToken?: string;
  /** The app-level token (Socket Mode) the fake accepts for apps.connections.open. Default 'xapp-1-test'. */
  appToken?: string;
  /** Scopes granted to that token, sent in `x-oauth-scopes` and checked per method. */
  scopes?: string[];
  teamId?: string;
  teamName?: string;
  teamDomain?: string;
  botUserId?: string;
  botUserName?: string;
  botId?: string;
  appId?: string;
}

export interface FakeSlackFileInput {
  id: string;
  name: string;
  mimetype: string;
  content: Buffer;
  /** What files.info reports; defaults to content.length (set it apart to test a lying size). */
  size?: number;
  title?: string;
  /** Uploader; defaults to a made-up human user. */
  user?: string;
  /** The public channel message that shared it: files.info then lists it under `shares`. */
  sharedIn?: { channel: string; ts: string };
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  /** How many chat.update calls changed it. */
  edits: number;
  /** Who the message notified when posted or edited (`@U…`, `!channel`, `!here`…), as Slack parses its mrkdwn. */
  mentions: string[];
}

/** A message POSTed to a `response_url` (Bolt's respond()). */
export interface FakeSlackResponse {
  /** The path after /response/, which the harness makes `<user>/<n>`. */
  key: string;
  user: string;
  body: Body;
  at: number;
}

/** A file uploaded with files.uploadV2 (getUploadURLExternal → POST bytes → completeUploadExternal). */
export interface FakeSlackUpload {
  id: string;
  filename: string;
  /** What was POSTed to the upload URL. */
  content: Buffer;
  /** Set by completeUploadExternal: where it was shared, with its comment. */
  channel?: string;
  thread_ts?: string;
  initial_comment?: string;
  title?: string;
}

export interface FakeSlackDownload {
  fileId: string;
  at: number;
  token?: string;
  /** False when the fake answered the HTML sign-in page instead of the bytes. */
  served: boolean;
}

export interface FakeSlackIdentity {
  teamId: string;
  teamName: string;
  teamDomain: string;
  botUserId: string;
  botUserName: string;
  botId: string;
  appId: string;
}

export interface FakeSlack {
  /** Base API URL ending in '/', for WebClient's / Bolt's `slackApiUrl`. */
  readonly url: string;
  /** http://127.0.0.1:PORT, for building other paths. */
  readonly origin: string;
  readonly botToken: string;
  readonly appToken: string;
  /** Socket Mode: connections, deliveries of envelopes, forced disconnects. */
  readonly socketMode: FakeSocketMode;
  readonly identity: FakeSlackIdentity;
  /** Mutable: delete 'files:read' to see Slack's missing_scope / sign-in-page answers. */
  readonly scopes: Set<string>;
  /** Every API request in arrival order, rate-limited attempts included. */
  readonly calls: FakeSlackCall[];
  /** Latest state of every opened view, by view id. */
  readonly views: Map<string, Body>;
  /** Latest state of every posted message, keyed `${channel}:${ts}` (see message()). */
  readonly messages: Map<string, FakeSlackMessage>;
  readonly downloads: FakeSlackDownload[];
  /** The App Home published for each user (views.publish), by user ID. */
  readonly homes: Map<string, Body>;
  /** Messages sent to response URLs (`${origin}/response/<user>/<n>`), in arrival order. */
  readonly responses: FakeSlackResponse[];
  /** A response URL for `user`, as Slack puts in a command or interaction payload. */
  responseUrl(user: string): string;
  /**
   * The bot is not a member of `channel`: chat.postMessage and chat.postEphemeral answer
   * not_in_channel there, as Slack does.
   */
  removeBotFrom(channel: string): void;
  /** Files uploaded through files.getUploadURLExternal, by file id. */
  readonly uploads: Map<string, FakeSlackUpload>;
  /**
   * Refuses (invalid_blocks) any message whose blocks serialise to more than `bytes` of JSON, as
   * Slack does with an oversized payload; undefined lifts it.
   */
  limitBlocksBytes(bytes: number | undefined): void;
  callsTo(method: string): FakeSlackCall[];
  /**
   * The first call to `method` (past or future) that got through the rate limiter and satisfies
   * `predicate`; rejects after timeoutMs (default 5000). A predicate that throws counts as no match.
   */
  waitFor(method: string, predicate?: (call: FakeSlackCall) => boolean, timeoutMs?: number): Promise<FakeSlackCall>;
  /**
   * Enforces rate tiers as Slack does: each method gets `perMinute` calls (with bursts up to
   * `burst`) per channel or per workspace; a call over it answers 429 with Retry-After (whole
   * seconds, rounded up). Tests may scale Slack's numbers up to keep runs short.
   */
  enforceTiers(tiers: Record<string, FakeSlackTier>): void;
  /** The next `count` calls to `method` answer 429 with `Retry-After: retryAfterSeconds` (default 1). */
  rateLimit(method: string, opts: { count: number; retryAfterSeconds?: number }): void;
  /** Calls to `method` wait, unanswered, until the returned function is called (a slow Slack). */
  hold(method: string): () => void;
  /** Registers a file for files.info and download; returns the file object files.info will give. */
  addFile(file: FakeSlackFileInput): Body;
  message(channel: string, ts: string): FakeSlackMessage | undefined;
  /** Forgets calls, views, messages, files, downloads and rate limits (scopes stay). */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_SCOPES = ['chat:write', 'commands', 'files:read', 'files:write'];

/** Scope each implemented method needs, as Slack documents it (views.* and auth.test need none). */
const REQUIRED_SCOPE: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'files.info': 'files:read',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
};

/** Form fields WebClient sends as JSON text (it stringifies every non-primitive argument). */
const JSON_FORM_FIELDS = new Set(['files', 'blocks', 'attachments', 'view', 'metadata', 'unfurls', 'user_auth_blocks']);

/** Slack's documented limits the adapter could plausibly trip over. */
const LIMITS = { viewBlocks: 100, viewTitle: 24, viewButton: 24, privateMetadata: 3000, callbackId: 255 };

const SIGN_IN_PAGE = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in | Slack</title></head>
<body><h1>Sign in to your workspace</h1><form action="/signin" method="post"><input name="domain"></form></body></html>`;

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlackServer(options);
  await fake.listen();
  return fake;
}

type Handler = (body: Body) => Body;

class FakeSlackServer implements FakeSlack {
  readonly botToken: string;
  readonly appToken: string;
  readonly socketMode: FakeSocketMode;
  readonly identity: FakeSlackIdentity;
  readonly scopes: Set<string>;
  readonly calls: FakeSlackCall[] = [];
  readonly views = new Map<string, Body>();
  readonly messages = new Map<string, FakeSlackMessage>();
  readonly downloads: FakeSlackDownload[] = [];
  readonly uploads = new Map<string, FakeSlackUpload>();
  readonly responses: FakeSlackResponse[] = [];
  readonly homes = new Map<string, Body>();
  origin = '';
  private readonly notIn = new Set<string>();
  private tiers: Record<string, FakeSlackTier> = {};
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private responseCount = 0;
  private blocksBytes: number | undefined;

  private readonly files = new Map<string, { input: FakeSlackFileInput; object: Body }>();
  private readonly rateLimits = new Map<string, { remaining: number; retryAfterSeconds: number }>();
  private readonly holds = new Map<string, Promise<void>>();
  private readonly waiters = new Set<(call: FakeSlackCall) => void>();
  private readonly server: Server;
  private readonly ids = new IdMint();
  private readonly handlers: Record<string, Handler> = {
    'auth.test': () => this.authTest(),
    'apps.connections.open': () => this.socketMode.open(),
    'chat.postMessage': (b) => this.postMessage(b),
    'chat.update': (b) => this.updateMessage(b),
    'chat.postEphemeral': (b) => this.postEphemeral(b),
    // A pushed view is a new view on the modal stack: to the API it answers like views.open.
    'views.open': (b) => this.openView(b),
    'views.push': (b) => this.openView(b),
    'views.update': (b) => this.updateView(b),
    'views.publish': (b) => this.publishView(b),
    'files.info': (b) => this.fileInfo(b),
    'files.getUploadURLExternal': (b) => this.uploadUrl(b),
    'files.completeUploadExternal': (b) => this.completeUpload(b),
  };

  constructor(options: FakeSlackOptions) {
    this.botToken = options.botToken ?? 'xoxb-test';
    this.appToken = options.appToken ?? 'xapp-1-test';
    this.scopes = new Set(options.scopes ?? DEFAULT_SCOPES);
    this.identity = {
      teamId: options.teamId ?? 'T0TERNTEST',
      teamName: options.teamName ?? 'Tern Test',
      teamDomain: options.teamDomain ?? 'tern-test',
      botUserId: options.botUserId ?? 'U0TERNBOT',
      botUserName: options.botUserName ?? 'tern',
      botId: options.botId ?? 'B0TERNBOT',
      appId: options.appId ?? 'A0TERNAPP',
    };
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        // A bug in the fake must show up as a failing request, not a hung test.
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err instanceof Error ? err.stack : err));
      });
    });
    this.socketMode = new FakeSocketMode(() => this.origin, this.identity.appId);
    this.server.on('upgrade', (req, socket, head) => this.socketMode.upgrade(req, socket, head));
  }

  get url(): string {
    return `${this.origin}/api/`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      // Port 0: the kernel picks a free port, so parallel test files never collide.
      this.server.listen(0, '127.0.0.1', () => {
        this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.socketMode.close();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      // WebClient's fetch keeps connections alive; without this close() waits for them to idle out.
      this.server.closeAllConnections();
    });
  }

  callsTo(method: string): FakeSlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  waitFor(method: string, predicate: (call: FakeSlackCall) => boolean = () => true, timeoutMs = 5000): Promise<FakeSlackCall> {
    const matches = (c: FakeSlackCall) => c.method === method && !c.rateLimited && safely(predicate, c);
    const past = this.calls.find(matches);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const waiter = (c: FakeSlackCall) => {
        if (!matches(c)) return;
        stop();
        resolve(c);
      };
      const timer = setTimeout(() => {
        stop();
        const seen = this.calls.map((c) => c.method + (c.rateLimited ? '(429)' : '')).join(', ') || 'none';
        reject(new Error(`fake Slack: no matching ${method} call within ${timeoutMs} ms (calls so far: ${seen})`));
      }, timeoutMs);
      const stop = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  enforceTiers(tiers: Record<string, FakeSlackTier>): void {
    this.tiers = tiers;
    this.buckets.clear();
  }

  hold(method: string): () => void {
    let release!: () => void;
    this.holds.set(method, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.holds.delete(method);
      release();
    };
  }

  rateLimit(method: string, { count, retryAfterSeconds = 1 }: { count: number; retryAfterSeconds?: number }): void {
    this.rateLimits.set(method, { remaining: count, retryAfterSeconds });
  }

  responseUrl(user: string): string {
    return `${this.origin}/response/${user}/${++this.responseCount}`;
  }

  removeBotFrom(channel: string): void {
    this.notIn.add(channel);
  }

  limitBlocksBytes(bytes: number | undefined): void {
    this.blocksBytes = bytes;
  }

  addFile(input: FakeSlackFileInput): Body {
    const object = this.fileObject(input);
    this.files.set(input.id, { input, object });
    return object;
  }

  message(channel: string, ts: string): FakeSlackMessage | undefined {
    return this.messages.get(messageKey(channel, ts));
  }

  reset(): void {
    // Cleared in place so references a test already holds stay live.
    this.calls.length = 0;
    this.downloads.length = 0;
    this.views.clear();
    this.messages.clear();
    this.files.clear();
    this.uploads.clear();
    this.responses.length = 0;
    this.homes.clear();
    this.notIn.clear();
    this.tiers = {};
    this.buckets.clear();
    this.rateLimits.clear();
    this.blocksBytes = undefined;
  }

  // ---- HTTP routing ----

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const raw = await readBody(req);
    const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (api && (req.method === 'POST' || req.method === 'GET')) return this.apiCall(api[1], req, raw, url.searchParams, res);
    const file = /^\/files\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (file && req.method === 'GET') return this.download(decodeURIComponent(file[1]), req, res);
    const response = /^\/response\/(([^/]+)\/\d+)$/.exec(url.pathname);
    if (response && req.method === 'POST') return this.receiveResponse(response[1], response[2], raw, res);
    const upload = /^\/upload\/v1\/([^/]+)$/.exec(url.pathname);
    if (upload && req.method === 'POST') return this.receiveUpload(decodeURIComponent(upload[1]), req, raw, res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  private async apiCall(method: string, req: IncomingMessage, raw: Buffer, query: URLSearchParams, res: ServerResponse): Promise<void> {
    await this.holds.get(method);
    const parsed = parseApiBody(req.headers['content-type'], raw, query);
    const body = parsed.body;
    // Slack reads a token from a form field, never from a JSON body.
    const token = bearer(req) ?? (parsed.form && typeof body.token === 'string' ? body.token : undefined);
    const call: FakeSlackCall = { method, body, at: Date.now(), ...(token ? { token } : {}), response: {} };

    const denied = parsed.error ? fail(parsed.error) : this.checkAuth(method, token);
    const limit = denied ? undefined : (this.takeRateLimit(method) ?? this.takeTier(method, body));
    if (limit) {
      call.rateLimited = true;
      call.response = fail('ratelimited');
      this.record(call);
      res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(limit) });
      res.end(JSON.stringify(call.response));
      return;
    }
    call.response = denied ?? this.dispatch(method, body);
    this.record(call);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-oauth-scopes': [...this.scopes].join(',') });
    res.end(JSON.stringify(call.response));
  }

  private checkAuth(method: string, token: string | undefined): Body | undefined {
    if (!token) return fail('not_authed');
    // Only an app-level token opens a Socket Mode connection, and it can do nothing else.
    if ((method === 'apps.connections.open') !== (token === this.appToken)) return token === this.appToken || token === this.botToken ? fail('not_allowed_token_type') : fail('invalid_auth');
    if (token !== this.botToken && token !== this.appToken) return fail('invalid_auth');
    const needed = REQUIRED_SCOPE[method];
    if (needed && !this.scopes.has(needed)) return { ...fail('missing_scope'), needed, provided: [...this.scopes].join(',') };
    return undefined;
  }

  /** Seconds to ask the client to wait, when this call is to be rate limited. */
  private takeRateLimit(method: string): number | undefined {
    const rule = this.rateLimits.get(method);
    if (!rule || rule.remaining <= 0) return undefined;
    rule.remaining -= 1;
    return rule.retryAfterSeconds;
  }

  /** Seconds to wait when `method` is over its tier (a token bucket per channel or workspace). */
  private takeTier(method: string, body: Body): number | undefined {
    const tier = this.tiers[method];
    if (!tier) return undefined;
    const key = tier.per === 'channel' ? `${method}:${body.channel ?? body.channel_id ?? ''}` : method;
    const now = Date.now();
    const perMs = tier.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: tier.burst, at: now };
    b.tokens = Math.min(tier.burst, b.tokens + (now - b.at) * perMs);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
  }

  private dispatch(method: string, body: Body): Body {
    const handler = this.handlers[method];
    return handler ? handler(body) : fail('unknown_method');
  }

  private record(call: FakeSlackCall): void {
    this.calls.push(call);
    for (const waiter of [...this.waiters]) waiter(call);
  }

  private download(fileId: string, req: IncomingMessage, res: ServerResponse): void {
    const entry = this.files.get(fileId);
    if (!entry) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('file not found');
      return;
    }
    const token = bearer(req);
    const served = token === this.botToken && this.scopes.has('files:read');
    this.downloads.push({ fileId, at: Date.now(), ...(token ? { token } : {}), served });
    if (!served) {
      // Real Slack does not say 401/403 here: it serves its sign-in page with 200.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(SIGN_IN_PAGE);
      return;
    }
    const { content, mimetype, name } = entry.input;
    res.writeHead(200, {
      'content-type': mimetype,
      'content-length': String(content.length),
      'content-disposition': `attachment; filename="${name.replace(/"/g, '')}"`,
    });
    res.end(content);
  }

  // ---- Web API methods ----

  private authTest(): Body {
    const id = this.identity;
    return {
      ok: true,
      url: `https://${id.teamDomain}.slack.com/`,
      team: id.teamName,
      user: id.botUserName,
      team_id: id.teamId,
      user_id: id.botUserId,
      bot_id: id.botId,
      is_enterprise_install: false,
    };
  }

  /** Bolt's respond() POSTs JSON to the response URL; Slack answers a bare "ok". */
  private receiveResponse(key: string, user: string, raw: Buffer, res: ServerResponse): void {
    const body = parseJsonOr(raw.toString('utf8')) as Body;
    this.responses.push({ key, user, body, at: Date.now() });
    for (const waiter of [...this.waiters]) waiter({ method: 'response_url', body, at: Date.now(), response: { ok: true } });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  }

  /** A bot posts to a user's ID in the app's DM with them (a D… channel); elsewhere it must be a member. */
  private channelFor(channel: string): { id: string } | { error: string } {
    if (/^[UW]/.test(channel)) return { id: `D${channel.slice(1)}` };
    if (this.notIn.has(channel)) return { error: 'not_in_channel' };
    return { id: channel };
  }

  private postMessage(body: Body): Body {
    if (!body.channel) return fail('channel_not_found');
    const target = this.channelFor(String(body.channel));
    if ('error' in target) return fail(target.error);
    body = { ...body, channel: target.id };
    if (!hasContent(body)) return fail('no_text');
    const problems = this.blockProblems(body);
    if (problems.length) return invalidBlocks(problems);
    const channel = String(body.channel);
    const msg: FakeSlackMessage = { channel, ts: this.ids.ts(), text: body.text, blocks: body.blocks, edits: 0, mentions: mentionsIn(body.text, body.blocks) };
    if (body.thread_ts !== undefined) msg.thread_ts = String(body.thread_ts);
    this.messages.set(messageKey(channel, msg.ts), msg);
    return { ok: true, channel, ts: msg.ts, message: this.messagePayload(msg) };
  }

  private updateMessage(body: Body): Body {
    if (!body.channel) return fail('channel_not_found');
    const msg = this.messages.get(messageKey(String(body.channel), String(body.ts)));
    if (!msg) return fail('message_not_found');
    if (!hasContent(body)) return fail('no_text');
    const problems = this.blockProblems(body);
    if (problems.length) return invalidBlocks(problems);
    // Slack keeps whichever of text / blocks the update leaves out.
    if (body.text !== undefined) msg.text = body.text;
    if (body.blocks !== undefined) msg.blocks = body.blocks;
    msg.edits += 1;
    msg.mentions = [...new Set([...msg.mentions, ...mentionsIn(body.text, body.blocks)])];
    return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text ?? '', message: this.messagePayload(msg) };
  }

  private blockProblems(body: Body): string[] {
    const problems = blockProblems(body.blocks, body.text);
    const size = body.blocks === undefined ? 0 : Buffer.byteLength(JSON.stringify(body.blocks));
    if (this.blocksBytes !== undefined && size > this.blocksBytes) problems.push(`[ERROR] blocks payload too large (${size} bytes) [json-pointer:/blocks]`);
    return problems;
  }

  private uploadUrl(body: Body): Body {
    const length = Number(body.length);
    if (!body.filename) return invalidArguments(['[ERROR] missing required field: filename']);
    if (!Number.isInteger(length) || length <= 0) return invalidArguments(['[ERROR] missing required field: length']);
    const id = this.ids.next('F');
    this.uploads.set(id, { id, filename: String(body.filename), content: Buffer.alloc(0) });
    return { ok: true, upload_url: `${this.origin}/upload/v1/${id}`, file_id: id };
  }

  /** The upload URL takes the bytes as a raw body or as a multipart form (WebClient sends a form). */
  private receiveUpload(id: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const entry = this.uploads.get(id);
    if (!entry) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('upload not found');
      return;
    }
    entry.content = multipartFile(req.headers['content-type'], raw) ?? raw;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${entry.content.length}`);
  }

  private completeUpload(body: Body): Body {
    const files = Array.isArray(body.files) ? (body.files as Array<{ id: string; title?: string }>) : undefined;
    if (!files?.length) return invalidArguments(['[ERROR] missing required field: files']);
    const done: Body[] = [];
    for (const f of files) {
      const entry = this.uploads.get(f.id);
      if (!entry || entry.content.length === 0) return fail('file_not_found');
      Object.assign(entry, { channel: body.channel_id, thread_ts: body.thread_ts, initial_comment: body.initial_comment, title: f.title ?? entry.filename });
      done.push({ id: entry.id, name: entry.filename, title: entry.title, size: entry.content.length });
    }
    // Shared in a channel: Slack posts a message carrying the files (and the comment) there.
    if (body.channel_id) {
      const channel = String(body.channel_id);
      const msg: FakeSlackMessage = { channel, ts: this.ids.ts(), text: body.initial_comment ?? '', edits: 0, mentions: mentionsIn(body.initial_comment, undefined) };
      if (body.thread_ts !== undefined) msg.thread_ts = String(body.thread_ts);
      this.messages.set(messageKey(channel, msg.ts), msg);
    }
    return { ok: true, files: done };
  }

  private postEphemeral(body: Body): Body {
    if (!body.channel) return fail('channel_not_found');
    // Ephemeral messages need the bot in the channel, and do not work in a DM with it.
    if (String(body.channel).startsWith('D')) return fail('channel_not_found');
    if (this.notIn.has(String(body.channel))) return fail('not_in_channel');
    if (!body.user) return fail('user_not_found');
    if (!hasContent(body)) return fail('no_text');
    return { ok: true, message_ts: this.ids.ts() };
  }

  private openView(body: Body): Body {
    if (!body.trigger_id && !body.interactivity_pointer) return invalidArguments([`[ERROR] missing required field: trigger_id`]);
    const problems = viewProblems(body.view);
    if (problems.length) return invalidArguments(problems);
    const id = this.ids.next('V');
    const view: Body = { ...this.viewDefaults(id), ...body.view, id, hash: this.ids.hash() };
    this.views.set(id, view);
    return { ok: true, view };
  }

  private updateView(body: Body): Body {
    const current = this.findView(body);
    if (!current) return fail('not_found');
    if (body.hash !== undefined && body.hash !== current.hash) return fail('hash_conflict');
    const problems = viewProblems(body.view);
    if (problems.length) return invalidArguments(problems);
    // An update replaces the view's content; Slack keeps its identity and lineage.
    const view: Body = {
      ...this.viewDefaults(current.id),
      ...body.view,
      id: current.id,
      root_view_id: current.root_view_id,
      previous_view_id: current.previous_view_id,
      external_id: body.view.external_id ?? current.external_id,
      hash: this.ids.hash(),
    };
    this.views.set(view.id, view);
    return { ok: true, view };
  }

  /** An App Home tab, per user: views.publish replaces it whole. */
  private publishView(body: Body): Body {
    if (!body.user_id) return invalidArguments(['[ERROR] missing required field: user_id']);
    const problems = viewProblems(body.view);
    if (!problems.length && body.view.type !== 'home') problems.push('[ERROR] must be home [json-pointer:/view/type]');
    if (problems.length) return invalidArguments(problems);
    const id = this.ids.next('V');
    const view: Body = { ...this.viewDefaults(id), ...body.view, id, hash: this.ids.hash() };
    this.homes.set(String(body.user_id), view);
    return { ok: true, view };
  }

  private findView(body: Body): Body | undefined {
    if (body.view_id) return this.views.get(String(body.view_id));
    if (body.external_id) return [...this.views.values()].find((v) => v.external_id === body.external_id);
    return undefined;
  }

  private fileInfo(body: Body): Body {
    const entry = this.files.get(String(body.file ?? ''));
    if (!entry) return fail('file_not_found');
    return { ok: true, file: entry.object, comments: [], response_metadata: { next_cursor: '' } };
  }

  // ---- payload shapes ----

  private messagePayload(msg: FakeSlackMessage): Body {
    const id = this.identity;
    return {
      type: 'message',
      user: id.botUserId,
      bot_id: id.botId,
      app_id: id.appId,
      team: id.teamId,
      text: msg.text ?? '',
      ts: msg.ts,
      ...(msg.blocks ? { blocks: msg.blocks } : {}),
      ...(msg.thread_ts ? { thread_ts: msg.thread_ts, parent_user_id: id.botUserId } : {}),
    };
  }

  private viewDefaults(id: string): Body {
    const me = this.identity;
    return {
      id,
      team_id: me.teamId,
      type: 'modal',
      blocks: [],
      private_metadata: '',
      callback_id: '',
      state: { values: {} },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
      previous_view_id: null,
      root_view_id: id,
      app_id: me.appId,
      external_id: '',
      app_installed_team_id: me.teamId,
      bot_id: me.botId,
    };
  }

  private fileObject(input: FakeSlackFileInput): Body {
    const created = Math.floor(Date.now() / 1000);
    const base = `${this.origin}/files/${encodeURIComponent(input.id)}/${encodeURIComponent(input.name)}`;
    const ext = input.name.includes('.') ? input.name.split('.').pop()!.toLowerCase() : 'binary';
    return {
      id: input.id,
      created,
      timestamp: created,
      name: input.name,
      title: input.title ?? input.name,
      mimetype: input.mimetype,
      filetype: ext,
      pretty_type: ext.toUpperCase(),
      user: input.user ?? 'U0TERNHUMAN',
      user_team: this.identity.teamId,
      editable: false,
      size: input.size ?? input.content.length,
      mode: 'hosted',
      is_external: false,
      external_type: '',
      is_public: false,
      public_url_shared: false,
      display_as_bot: false,
      url_private: base,
      url_private_download: base,
      permalink: `https://${this.identity.teamDomain}.slack.com/files/${input.user ?? 'U0TERNHUMAN'}/${input.id}/${input.name}`,
      channels: input.sharedIn ? [input.sharedIn.channel] : [],
      groups: [],
      ims: [],
      comments_count: 0,
      ...(input.sharedIn
        ? { shares: { public: { [input.sharedIn.channel]: [{ ts: input.sharedIn.ts, channel_name: 'mail-moves', team_id: this.identity.teamId, share_user_id: input.user ?? 'U0TERNHUMAN', reply_count: 0 }] } } }
        : {}),
    };
  }
}

/** Slack-looking ids, message timestamps and view hashes, unique and increasing within one fake. */
class IdMint {
  private counter = 0;
  private lastTs: [number, number] = [0, 0];

  next(prefix: string): string {
    this.counter += 1;
    return prefix + this.counter.toString(36).toUpperCase().padStart(10, '0');
  }

  /** '<unix seconds>.<6 digits>', strictly increasing even within one second, like Slack's ts. */
  ts(): string {
    const now = Math.floor(Date.now() / 1000);
    const [sec, seq] = this.lastTs;
    this.lastTs = now > sec ? [now, 100] : [sec, seq + 100];
    return `${this.lastTs[0]}.${String(this.lastTs[1]).padStart(6, '0')}`;
  }

  hash(): string {
    this.counter += 1;
    return `${Math.floor(Date.now() / 1000)}.${this.counter.toString(16).padStart(8, '0')}`;
  }
}

// ---- helpers ----

function fail(error: string): Body {
  return { ok: false, error };
}

/** Slack's answer to blocks over its limits: the details in response_metadata. */
function invalidBlocks(messages: string[]): Body {
  return { ok: false, error: 'invalid_blocks', response_metadata: { messages } };
}

/** Slack's answer to a malformed view: a generic error, the details in response_metadata. */
function invalidArguments(messages: string[]): Body {
  return { ok: false, error: 'invalid_arguments', response_metadata: { messages } };
}

function hasContent(body: Body): boolean {
  return Boolean(body.text) || Array.isArray(body.blocks) || Array.isArray(body.attachments);
}

function messageKey(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

function safely(predicate: (call: FakeSlackCall) => boolean, call: FakeSlackCall): boolean {
  try {
    return predicate(call);
  } catch {
    return false;
  }
}

/** The documented view limits, phrased like Slack's `[ERROR] … [json-pointer:…]` messages. */
function viewProblems(view: unknown): string[] {
  if (!view || typeof view !== 'object' || Array.isArray(view)) return ['[ERROR] missing required field: view'];
  const v = view as Body;
  const problems: string[] = [];
  const tooLong = (value: unknown, max: number, pointer: string) => {
    if (typeof value === 'string' && value.length > max) problems.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:/view${pointer}]`);
  };
  if (v.type !== 'modal' && v.type !== 'home') problems.push('[ERROR] must be one of modal, home [json-pointer:/view/type]');
  if (v.type === 'modal' && !v.title) problems.push('[ERROR] missing required field: title [json-pointer:/view]');
  tooLong(v.title?.text, LIMITS.viewTitle, '/title/text');
  tooLong(v.submit?.text, LIMITS.viewButton, '/submit/text');
  tooLong(v.close?.text, LIMITS.viewButton, '/close/text');
  tooLong(v.private_metadata, LIMITS.privateMetadata, '/private_metadata');
  tooLong(v.callback_id, LIMITS.callbackId, '/callback_id');
  if (!Array.isArray(v.blocks)) problems.push('[ERROR] missing required field: blocks [json-pointer:/view]');
  else if (v.blocks.length > LIMITS.viewBlocks) problems.push(`[ERROR] no more than ${LIMITS.viewBlocks} items allowed [json-pointer:/view/blocks]`);
  return problems;
}

/** The first file part of a multipart/form-data body. */
function multipartFile(contentType: string | undefined, raw: Buffer): Buffer | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  if (!boundary) return undefined;
  const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let at = raw.indexOf(marker);
  while (at >= 0) {
    const next = raw.indexOf(marker, at + marker.length);
    if (next < 0) break;
    const part = raw.subarray(at + marker.length, next);
    const split = part.indexOf('\r\n\r\n');
    if (split >= 0 && /filename=/.test(part.subarray(0, split).toString('latin1'))) return part.subarray(split + 4, part.length - 2);
    at = next;
  }
  return undefined;
}

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Arguments from the query string plus a form or JSON body, as Slack accepts them. `form` tells
 * whether a token field may count; `error` is Slack's answer to a body it cannot read.
 */
function parseApiBody(contentType: string | undefined, raw: Buffer, query: URLSearchParams): { body: Body; form: boolean; error?: string } {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const fromQuery = decodeForm(query);
  if (type === 'application/json') {
    try {
      const json: unknown = raw.length ? JSON.parse(raw.toString('utf8')) : {};
      return { body: { ...fromQuery, ...(json as Body) }, form: false };
    } catch {
      return { body: fromQuery, form: false, error: 'invalid_json' };
    }
  }
  const form = type === 'application/x-www-form-urlencoded' ? decodeForm(new URLSearchParams(raw.toString('utf8'))) : {};
  return { body: { ...fromQuery, ...form }, form: true };
}

/** Form fields as an object, with the JSON-stringified structured fields turned back into objects. */
function decodeForm(params: URLSearchParams): Body {
  const body: Body = {};
  for (const [key, value] of params) {
    body[key] = JSON_FORM_FIELDS.has(key) ? parseJsonOr(value) : value;
  }
  return body;
}

/** Malformed JSON is left as the string, so the method's own checks report it as Slack would. */
function parseJsonOr(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
