import { createHmac } from 'node:crypto';
import http from 'node:http';

/**
 * Requests to a Bolt HTTP receiver built the way Slack builds them
 * (https://api.slack.com/authentication/verifying-requests-from-slack): the exact raw body is
 * signed, so helpers serialise first and sign those bytes. Bolt's HTTPReceiver takes everything
 * (commands, interactions, events) on one path, `/slack/events` by default.
 */

export interface SlackSignatureHeaders {
  'X-Slack-Signature': string;
  'X-Slack-Request-Timestamp': string;
}

export interface SlackHttpResult {
  status: number;
  /** Parsed when the receiver answered JSON, else the raw text ('' for a bare ack). */
  // Whatever the app acked with.
  body: any;
  headers: Record<string, string>;
}

export interface SlashCommandFields {
  command: string;
  text: string;
  user_id: string;
  user_name: string;
  channel_id: string;
  channel_name: string;
  trigger_id: string;
  team_id: string;
  team_domain: string;
  api_app_id: string;
  response_url: string;
}

/**
 * `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret. Bolt rejects
 * timestamps over five minutes old, so the default is now (pass one to test staleness).
 */
export function signSlackRequest(signingSecret: string, body: string, timestamp: number = Math.floor(Date.now() / 1000)): SlackSignatureHeaders {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'X-Slack-Signature': `v0=${digest}`, 'X-Slack-Request-Timestamp': String(timestamp) };
}

/**
 * POSTs a raw body signed with `secret` (use a wrong secret or old timestamp to test rejection).
 * Content types must be exactly Slack's: Bolt compares the header to
 * 'application/x-www-form-urlencoded' verbatim, so no charset may be appended.
 */
export async function postSigned(
  url: string,
  secret: string,
  rawBody: string,
  contentType: 'application/x-www-form-urlencoded' | 'application/json',
  extraHeaders: Record<string, string> = {},
  timestamp?: number,
): Promise<SlackHttpResult> {
  const res = await postFresh(url, { 'Content-Type': contentType, ...signSlackRequest(secret, rawBody, timestamp), ...extraHeaders }, rawBody);
  return readResult(res);
}

/**
 * One POST on a connection of its own, as Slack's deliveries come. (fetch reuses keep-alive
 * sockets; one the receiver closes at that moment fails the request with ECONNRESET under load.)
 */
function postFresh(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        const noBody = status === 204 || status === 304;
        resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A slash command as Slack delivers it: form-encoded fields. Unset fields get plausible values. */
export function postSlashCommand(url: string, secret: string, fields: Partial<SlashCommandFields> & { text: string }): Promise<SlackHttpResult> {
  const all: SlashCommandFields = {
    command: '/migrate',
    user_id: 'U0TERNHUMAN',
    user_name: 'ada',
    channel_id: 'C0TERNCHAN',
    channel_name: 'mail-moves',
    trigger_id: randomTriggerId(),
    team_id: 'T0TERNTEST',
    team_domain: 'tern-test',
    api_app_id: 'A0TERNAPP',
    response_url: 'https://hooks.slack.com/commands/T0TERNTEST/1/unused',
    ...fields,
  };
  return postSigned(url, secret, new URLSearchParams(all as unknown as Record<string, string>).toString(), 'application/x-www-form-urlencoded');
}

/** A block action, view submission, shortcut…: form-encoded with the JSON in one `payload` field. */
export function postInteraction(url: string, secret: string, payload: object): Promise<SlackHttpResult> {
  const raw = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(url, secret, raw, 'application/x-www-form-urlencoded');
}

/**
 * An Events API envelope (`{ type: 'event_callback', event, … }` or a url_verification) as JSON.
 * Slack marks redeliveries with X-Slack-Retry-Num / X-Slack-Retry-Reason.
 */
export function postEvent(
  url: string,
  secret: string,
  envelope: object,
  opts: { retryNum?: number; retryReason?: string } = {},
): Promise<SlackHttpResult> {
  const retry: Record<string, string> =
    opts.retryNum === undefined ? {} : { 'X-Slack-Retry-Num': String(opts.retryNum), 'X-Slack-Retry-Reason': opts.retryReason ?? 'http_timeout' };
  return postSigned(url, secret, JSON.stringify(envelope), 'application/json', retry);
}

/** Slack trigger ids look like '<digits>.<digits>.<hex>'; each interaction gets a fresh one. */
export function randomTriggerId(): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${Date.now()}.${Math.floor(Math.random() * 1e12)}.${hex}`;
}

async function readResult(res: Response): Promise<SlackHttpResult> {
  const text = await res.text();
  const headers = Object.fromEntries(res.headers.entries());
  const isJson = (headers['content-type'] ?? '').includes('application/json');
  return { status: res.status, body: isJson && text ? JSON.parse(text) : text, headers };
}
