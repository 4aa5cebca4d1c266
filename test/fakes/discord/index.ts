// A stand-in for Discord on 127.0.0.1: the REST API under /api/v10 (the routes Tern uses, every
// call recorded, 429s on demand) and a gateway WebSocket speaking the real protocol (HELLO,
// IDENTIFY, READY, GUILD_CREATE, heartbeats and their ACKs, dispatches). The real discord.js Client
// logs in against it with `rest.api` pointed here; it finds the gateway through GET /gateway/bot.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { messageProblems, notified } from './limits';
import { GatewayDispatchEvents, GatewayOpcodes, InteractionType, ApplicationCommandType, ComponentType, ChannelType, type APIInteraction } from 'discord-api-types/v10';

export interface DiscordCall {
  method: string;
  /** Path below /api/v10, e.g. "/channels/1/messages". */
  path: string;
  body: any;
  authorization?: string;
  at: number;
  rateLimited?: true;
  response: any;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: any[];
  components: any[];
  edits: number;
  thread?: string;
  /** Who the message notified, under its allowed_mentions ("user:<id>", "role:<id>", "@everyone"). */
  notified: string[];
  /** Files attached (multipart `files[n]` parts). */
  files: Array<{ name: string; content: string }>;
}

export const GUILD = '900000000000000001';
export const CHANNEL = '900000000000000002';
export const APP_ID = '900000000000000003';
export const BOT_ID = '900000000000000004';
export const ADMIN_ROLE = '900000000000000005';
/** The DM channel between the test's users and the bot (Discord gives each pair one; one is enough here). */
export const DM_CHANNEL = '900000000000000006';
/** Every permission but the bot's posting ones: Send Messages, Embed Links, threads (View Channel only). */
export const VIEW_ONLY_PERMISSIONS = String(1n << 10n);

let snowflake = BigInt(Date.now() - 1420070400000) << 22n;
export const nextId = () => String(++snowflake);

export class FakeDiscord {
  readonly calls: DiscordCall[] = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly token: string;
  origin = '';
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private seq = 0;
  private readonly limits = new Map<string, { count: number; retryAfter: number }>();
  private readonly waiters = new Set<() => void>();
  /** Every IDENTIFY payload received (the intents a client asked for). */
  readonly identifies: any[] = [];
  /** Channels the bot may not post in: POSTs there answer 403 Missing Access (50001). */
  readonly denied = new Set<string>();
  /** Files served at /cdn/<name> (attachments). */
  readonly files = new Map<string, Buffer>();

  constructor(token = 'fake-discord-token.Tern.Test') {
    this.token = token;
    this.server = createServer((req, res) => void this.route(req, res));
    this.wss = new WebSocketServer({ server: this.server, path: '/gateway' });
    this.wss.on('connection', (ws) => this.onSocket(ws));
  }

  get api(): string {
    return `${this.origin}/api`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** When a gateway connection last closed. */
  gatewayClosedAt: number | undefined;
  /** Gateway connections open now (a bot that stopped cleanly has none). */
  get gatewayConnections(): number {
    return this.sockets.size;
  }

  /** The next `count` calls whose "METHOD path" matches answer 429 with retry_after seconds. */
  rateLimit(pattern: RegExp, count: number, retryAfter = 0.3): void {
    this.limits.set(pattern.source, { count, retryAfter });
  }

  callsTo(method: string, path: RegExp): DiscordCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path) && !c.rateLimited);
  }

  async waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`fake Discord: timed out waiting for ${what}; calls: ${this.calls.map((c) => `${c.method} ${c.path}${c.rateLimited ? '(429)' : ''}`).join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.add(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Messages people posted (postUserMessage), as Discord gives them to GET. */
  private readonly userMessages = new Map<string, any>();

  /** A person's message in the channel, dispatched as MESSAGE_CREATE (as Discord sends it) and readable afterwards with GET. */
  postUserMessage(userId: string, content: string, attachments: Array<{ filename: string; size: number; url: string; content_type?: string }>, opts: { mentionBot?: boolean } = {}): any {
    const user = userPayload(userId).member.user;
    const message = {
      id: nextId(),
      channel_id: CHANNEL,
      guild_id: GUILD,
      author: user,
      member: { ...userPayload(userId).member, user: undefined },
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: opts.mentionBot === false ? [] : [{ id: BOT_ID, username: 'tern', discriminator: '0', global_name: null, avatar: null, bot: true }],
      mention_roles: [],
      attachments: attachments.map((a) => ({ id: nextId(), filename: a.filename, size: a.size, url: a.url, proxy_url: a.url, ...(a.content_type ? { content_type: a.content_type } : {}) })),
      embeds: [],
      pinned: false,
      type: 0,
      flags: 0,
    };
    this.userMessages.set(message.id, message);
    this.dispatch(GatewayDispatchEvents.MessageCreate, message);
    return message;
  }

  /** Interactions must be answered within this long of their dispatch, or Discord forgets them (10062). */
  interactionWindowMs = 3_000;
  private readonly dispatched = new Map<string, number>();

  /** Sends an INTERACTION_CREATE dispatch to every connected client. */
  dispatchInteraction(interaction: APIInteraction): void {
    this.dispatched.set(interaction.id, Date.now());
    this.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
  }

  dispatch(t: string, d: unknown): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, s: ++this.seq, t, d }));
  }

  get connected(): number {
    return this.sockets.size;
  }

  // ---- gateway ----

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.gatewayClosedAt = Date.now();
    });
    ws.send(JSON.stringify({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: 30_000 } }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { op: number; d: any };
      if (msg.op === GatewayOpcodes.Heartbeat) ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
      if (msg.op === GatewayOpcodes.Identify) {
        this.identifies.push(msg.d);
        if (msg.d.token !== this.token) return ws.close(4004, 'Authentication failed.');
        const user = { id: BOT_ID, username: 'tern', discriminator: '0', global_name: null, avatar: null, bot: true };
        const ready = { v: 10, user, guilds: [{ id: GUILD, unavailable: true }], session_id: randomBytes(8).toString('hex'), resume_gateway_url: `${this.origin.replace('http', 'ws')}/gateway`, shard: [0, 1], application: { id: APP_ID, flags: 0 } };
        ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, s: ++this.seq, t: GatewayDispatchEvents.Ready, d: ready }));
        ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, s: ++this.seq, t: GatewayDispatchEvents.GuildCreate, d: guild() }));
      }
    });
  }

  // ---- REST ----

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', this.origin);
    if (url.pathname.startsWith('/cdn/')) {
      const file = this.files.get(decodeURIComponent(url.pathname.slice(5)));
      res.writeHead(file ? 200 : 404, { 'content-type': 'application/octet-stream', ...(file ? { 'content-length': String(file.length) } : {}) });
      return void res.end(file ?? '');
    }
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const method = req.method ?? 'GET';
    const text = Buffer.concat(chunks).toString('utf8');
    const contentType = String(req.headers['content-type'] ?? '');
    const body = text && contentType.includes('json') ? JSON.parse(text) : multipartBody(text, contentType);
    const call: DiscordCall = { method, path, body, authorization: req.headers.authorization, at: Date.now(), response: undefined };
    this.calls.push(call);
    const limit = [...this.limits].find(([source]) => new RegExp(source).test(`${method} ${path}`));
    if (limit && limit[1].count > 0) {
      limit[1].count--;
      call.rateLimited = true;
      call.response = { message: 'You are being rate limited.', retry_after: limit[1].retryAfter, global: false };
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(Math.ceil(limit[1].retryAfter)), 'x-ratelimit-scope': 'user', 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': String(limit[1].retryAfter), 'x-ratelimit-bucket': 'fake' });
      return void res.end(JSON.stringify(call.response));
    }
    const isInteraction = path.startsWith('/interactions/') || path.startsWith('/webhooks/');
    if (!isInteraction && path !== '/gateway/bot' && req.headers.authorization !== `Bot ${this.token}`) {
      call.response = { message: '401: Unauthorized', code: 0 };
      res.writeHead(401, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(call.response));
    }
    const problems = (method === 'POST' || method === 'PATCH') && !path.endsWith('/callback') ? messageProblems(body) : [];
    const [status, response] = problems.length ? [400, { message: 'Invalid Form Body', code: 50035, errors: problems }] : this.handle(method, path, body);
    call.response = response;
    // A 204 has no body, and so no content type (Discord sends none; clients would parse "").
    res.writeHead(status, status === 204 ? {} : { 'content-type': 'application/json' });
    res.end(status === 204 ? undefined : JSON.stringify(response));
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  private handle(method: string, path: string, body: any): [number, any] {
    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      return [200, { url: `${this.origin.replace('http', 'ws')}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } }];
    }
    if (method === 'PUT' && (m = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/))) {
      return [200, (body as any[]).map((c) => ({ ...c, id: nextId(), application_id: m![1], version: nextId(), ...(m![2] ? { guild_id: m![2] } : {}) }))];
    }
    if (method === 'POST' && (m = path.match(/^\/interactions\/(\d+)\/[^/]+\/callback$/))) {
      const at = this.dispatched.get(m[1]);
      if (at !== undefined && Date.now() - at > this.interactionWindowMs) return [404, { message: 'Unknown interaction', code: 10062 }];
      return [204, undefined];
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/))) {
      if (method === 'GET' || method === 'PATCH' || method === 'POST') return [200, this.message(CHANNEL, body ?? {}, m[3] ? `${m[2]}:${m[3]}` : undefined)];
      if (method === 'DELETE') return [204, undefined];
    }
    if ((m = path.match(/^\/channels\/(\d+)\//)) && this.denied.has(m[1]) && method !== 'GET') return [403, { message: 'Missing Access', code: 50001 }];
    if (method === 'GET' && (m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/))) {
      const msg = this.userMessages.get(m[2]) ?? (this.messages.has(m[2]) ? this.payload(this.messages.get(m[2])!) : undefined);
      return msg ? [200, msg] : [404, { message: 'Unknown Message', code: 10008 }];
    }
    if (method === 'POST' && (m = path.match(/^\/channels\/(\d+)\/messages$/))) return [200, this.message(m[1], body)];
    if (method === 'PATCH' && (m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/))) {
      const msg = this.messages.get(m[2]);
      if (!msg) return [404, { message: 'Unknown Message', code: 10008 }];
      Object.assign(msg, pick(body));
      msg.edits++;
      msg.notified = [...new Set([...msg.notified, ...notified(body.content, body.allowed_mentions)])];
      return [200, this.payload(msg)];
    }
    if (method === 'POST' && (m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)\/threads$/))) {
      if (m[1] === DM_CHANNEL) return [400, { message: 'Cannot execute action on this channel type', code: 50024 }];
      const msg = this.messages.get(m[2]);
      if (!msg) return [404, { message: 'Unknown Message', code: 10008 }];
      msg.thread = m[2]; // Discord gives a thread started from a message the message's ID
      return [201, { id: m[2], type: ChannelType.PublicThread, guild_id: GUILD, parent_id: m[1], name: body.name, owner_id: BOT_ID, thread_metadata: { archived: false, auto_archive_duration: body.auto_archive_duration ?? 1440, archive_timestamp: new Date().toISOString(), locked: false }, message_count: 0, member_count: 1 }];
    }
    return [404, { message: `fake Discord has no route ${method} ${path}`, code: 0 }];
  }

  private message(channel: string, body: any, key?: string): any {
    const existing = key ? [...this.messages.values()].find((x) => (x as FakeMessage & { key?: string }).key === key) : undefined;
    if (existing) {
      Object.assign(existing, pick(body));
      existing.edits++;
      existing.notified = [...new Set([...existing.notified, ...notified(body?.content, body?.allowed_mentions)])];
      return this.payload(existing);
    }
    const msg: FakeMessage & { key?: string } = { id: nextId(), channel_id: channel, content: '', embeds: [], components: [], edits: 0, key, notified: notified(body?.content, body?.allowed_mentions), files: body?.files ?? [], ...pick(body) };
    this.messages.set(msg.id, msg);
    return this.payload(msg);
  }

  payload(msg: Omit<FakeMessage, 'notified' | 'files'>): any {
    return {
      id: msg.id,
      channel_id: msg.channel_id,
      author: { id: BOT_ID, username: 'tern', discriminator: '0', global_name: null, avatar: null, bot: true },
      content: msg.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: msg.edits ? new Date().toISOString() : null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: msg.embeds,
      components: msg.components,
      pinned: false,
      type: 0,
      flags: 0,
      application_id: APP_ID,
    };
  }
}

export async function startFakeDiscord(): Promise<FakeDiscord> {
  const fake = new FakeDiscord();
  await fake.listen();
  return fake;
}

function pick(body: any): Partial<FakeMessage> {
  const out: Partial<FakeMessage> = {};
  if (!body) return out;
  if ('content' in body) out.content = body.content ?? '';
  if ('embeds' in body) out.embeds = body.embeds ?? [];
  if ('components' in body) out.components = body.components ?? [];
  return out;
}

/** discord.js sends JSON, or multipart with a payload_json part and `files[n]` parts when files are attached. */
function multipartBody(text: string, contentType: string): any {
  if (!contentType.includes('multipart')) return text ? { raw: text } : undefined;
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return undefined;
  let body: any = {};
  const files: Array<{ name: string; content: string }> = [];
  for (const part of text.split(`--${boundary[1] ?? boundary[2]}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    const content = part.slice(split + 4).replace(/\r\n$/, '');
    const name = /name="([^"]+)"/.exec(head)?.[1];
    if (name === 'payload_json') body = JSON.parse(content);
    else if (name?.startsWith('files[')) files.push({ name: /filename="([^"]+)"/.exec(head)?.[1] ?? name, content });
  }
  return { ...body, files };
}

function guild(): any {
  return {
    id: GUILD,
    name: 'Tern test',
    icon: null,
    owner_id: '900000000000000099',
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [
      { id: GUILD, name: '@everyone', permissions: '0', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
      { id: ADMIN_ROLE, name: 'mail-admins', permissions: '0', position: 1, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
    ],
    emojis: [],
    features: [],
    mfa_level: 0,
    system_channel_flags: 0,
    premium_tier: 0,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    stickers: [],
    premium_progress_bar_enabled: false,
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: 3,
    voice_states: [],
    members: [],
    channels: [{ id: CHANNEL, type: ChannelType.GuildText, guild_id: GUILD, name: 'mail-moves', position: 0, permission_overwrites: [], nsfw: false, parent_id: null }],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** Interaction payloads as Discord sends them. */
export function userPayload(id: string, roles: string[] = []) {
  return {
    member: { user: { id, username: `user${id.slice(-4)}`, discriminator: '0', global_name: null, avatar: null }, roles, permissions: '2248473465835073', joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, pending: false, nick: null, avatar: null, premium_since: null },
  };
}

const base = (userId: string, roles: string[]) => ({
  id: nextId(),
  application_id: APP_ID,
  token: `itoken-${randomBytes(12).toString('hex')}`,
  version: 1,
  guild_id: GUILD,
  channel_id: CHANNEL,
  channel: { id: CHANNEL, type: ChannelType.GuildText, guild_id: GUILD, name: 'mail-moves', position: 0, permission_overwrites: [], nsfw: false, parent_id: null },
  app_permissions: '2248473465835073',
  locale: 'en-US',
  guild_locale: 'en-US',
  entitlements: [],
  authorizing_integration_owners: { '0': GUILD },
  context: 0,
  attachment_size_limit: 10 * 1024 * 1024,
  ...userPayload(userId, roles),
});

/** Where an interaction comes from: a guild channel (with the bot's permissions there) or the DM with the bot. */
export interface InteractionPlace {
  dm?: boolean;
  /** The bot's permissions in the channel (`app_permissions`); default: all it needs. */
  appPermissions?: string;
  channel?: string;
}

/** The fields a DM interaction has instead of guild ones: `user`, no member, no guild. */
function placed(i: any, place: InteractionPlace): any {
  if (place.dm) {
    const { member, guild_id: _g, guild_locale: _l, ...rest } = i;
    return { ...rest, user: member.user, channel_id: DM_CHANNEL, channel: { id: DM_CHANNEL, type: ChannelType.DM, recipients: [member.user], last_message_id: null, flags: 0 }, authorizing_integration_owners: { '1': member.user.id }, context: 1 };
  }
  const channel = place.channel ?? CHANNEL;
  return { ...i, channel_id: channel, channel: { ...i.channel, id: channel }, ...(place.appPermissions ? { app_permissions: place.appPermissions } : {}) };
}

export function slashInteraction(userId: string, sub: string, options: Array<{ name: string; type: number; value: string }> = [], opts: { roles?: string[]; resolved?: any } & InteractionPlace = {}): APIInteraction {
  return placed({
    ...base(userId, opts.roles ?? []),
    type: InteractionType.ApplicationCommand,
    data: { id: nextId(), name: 'migrate', type: ApplicationCommandType.ChatInput, options: [{ type: 1, name: sub, options }], ...(opts.resolved ? { resolved: opts.resolved } : {}) },
  }, opts) as unknown as APIInteraction;
}

export function buttonInteraction(userId: string, customId: string, message: any, roles: string[] = [], place: InteractionPlace = {}): APIInteraction {
  return placed({ ...base(userId, roles), type: InteractionType.MessageComponent, data: { custom_id: customId, component_type: ComponentType.Button }, message }, place) as unknown as APIInteraction;
}

/** A modal submission: text values by custom ID, and select values (arrays). */
export function modalInteraction(userId: string, customId: string, values: Record<string, string | string[]>, roles: string[] = [], message?: any, place: InteractionPlace = {}): APIInteraction {
  const components = Object.entries(values).map(([id, v]) => ({
    type: ComponentType.Label,
    id: 1,
    component: Array.isArray(v) ? { type: ComponentType.StringSelect, id: 2, custom_id: id, values: v } : { type: ComponentType.TextInput, id: 2, custom_id: id, value: v },
  }));
  return placed({ ...base(userId, roles), type: InteractionType.ModalSubmit, data: { custom_id: customId, components }, ...(message ? { message } : {}) }, place) as unknown as APIInteraction;
}
