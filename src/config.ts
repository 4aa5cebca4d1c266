import path from 'node:path';
import * as z from 'zod/mini';
import dotenv from 'dotenv';
import { TernError } from './errors';
import type { OAuthConfig } from './auth/issuers';
import { configuredApps, type ConfiguredApp } from './auth/configured-apps';
import { parseS3Url, type S3Location } from './blobs/s3-url';
import type { AccountEndpoint } from './ports/account';
import { oauthOptions } from './accounts';

/**
 * Every setting Tern reads, validated once. This is the only module that reads process.env;
 * everything else gets a Config. zod's tree-shakable "mini" API: the classic one is ~750 KB that
 * every command compiled at start (~40 ms of `tern list`).
 */
const text = (pattern: RegExp, message: string) => z.string().check(z.regex(pattern, message));
const flag = (name: string) => z.enum(['0', '1', 'true', 'false'], { error: `${name} must be 1 or 0` });
const url = (name: string) => z.url({ error: `${name} must be a URL` });
const number = (message: string) => z.coerce.number({ error: message });
const whole = (message: string) => z.refine<number>(Number.isInteger, message);
const positiveInt = (name: string, fallback: number) =>
  z._default(number(`${name} must be a whole number`).check(whole(`${name} must be a whole number`), z.positive(`${name} must be greater than 0`)), fallback);
const positive = (name: string, unit: string, fallback: number) =>
  z._default(number(`${name} must be a number of ${unit}`).check(z.positive(`${name} must be greater than 0`)), fallback);
const cap = (name: string, fallback: number) =>
  z._default(number(`${name} must be a whole number`).check(whole(`${name} must be a whole number`), z.minimum(0, `${name} must be 0 (no cap) or more`)), fallback);
const optional = z.optional;

const schema = z.object({
  TERN_DATA_DIR: z._default(z.string(), './data'),
  REDIS_URL: optional(text(/^(redis|rediss):\/\//, 'REDIS_URL must start with redis:// or rediss://')),
  DATABASE_URL: optional(text(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql:// (unset: SQLite in TERN_DATA_DIR)')),
  TERN_REDIS_PREFIX: z._default(text(/^[A-Za-z0-9_.:-]+$/, 'TERN_REDIS_PREFIX may hold letters, digits and _.:- only'), 'tern'),
  TERN_SECRET_KEY: optional(z.string()),
  TERN_ROLLBACK_WINDOW_HOURS: positive('TERN_ROLLBACK_WINDOW_HOURS', 'hours', 48),
  TERN_WORKER_CONCURRENCY: positiveInt('TERN_WORKER_CONCURRENCY', 2),
  TERN_CONNECTIONS_PER_ACCOUNT: positiveInt('TERN_CONNECTIONS_PER_ACCOUNT', 4),
  TERN_JOB_LOCK_MS: positiveInt('TERN_JOB_LOCK_MS', 30_000),
  TERN_CONNECT_TIMEOUT_MS: positiveInt('TERN_CONNECT_TIMEOUT_MS', 20_000),
  TERN_RETRY_MINUTES: positive('TERN_RETRY_MINUTES', 'minutes', 15),
  TERN_MAX_UPLOAD_BYTES: positiveInt('TERN_MAX_UPLOAD_BYTES', 50 * 1024 ** 3),
  S3_URL: optional(z.string().check(z.refine((v) => typeof parseS3Url(v) !== 'string', { error: (i) => String(parseS3Url(String(i.input))) }))),
  SLACK_BOT_TOKEN: optional(text(/^xoxb-/, 'SLACK_BOT_TOKEN must be a bot token (xoxb-…)')),
  SLACK_APP_TOKEN: optional(text(/^xapp-/, 'SLACK_APP_TOKEN must be an app-level token (xapp-…) for Socket Mode')),
  SLACK_SIGNING_SECRET: optional(z.string()),
  SLACK_API_URL: optional(url('SLACK_API_URL')),
  SLACK_ADMIN_USERS: optional(z.string()),
  PORT: positiveInt('PORT', 3000),
  DISCORD_TOKEN: optional(z.string()),
  DISCORD_APPLICATION_ID: optional(text(/^\d{15,21}$/, 'DISCORD_APPLICATION_ID must be the application ID (a number, from the Developer Portal)')),
  DISCORD_ADMIN_ROLES: optional(z.string()),
  DISCORD_API_URL: optional(url('DISCORD_API_URL')),
  DISCORD_READ_MESSAGES: optional(flag('DISCORD_READ_MESSAGES')),
  SMTP_URL: optional(text(/^smtps?:\/\/[^/]+/, 'SMTP_URL must look like smtp://user:password@host:587 or smtps://…:465')),
  SMTP_FROM: optional(z.string()),
  TERN_IMAP_PIPELINING: z._default(flag('TERN_IMAP_PIPELINING'), '1'),
  TERN_DNS_SERVERS: optional(text(/^\s*[0-9a-fA-F.:\[\]]+(\s*,\s*[0-9a-fA-F.:\[\]]+)*\s*$/, 'TERN_DNS_SERVERS must be comma-separated IP addresses, each with an optional :port')),
  TERN_MAX_RUNNING_TASKS: cap('TERN_MAX_RUNNING_TASKS', 0),
  TERN_MAX_TASKS_PER_SOURCE_HOST: cap('TERN_MAX_TASKS_PER_SOURCE_HOST', 10),
  TERN_MAX_TASKS_PER_DESTINATION_HOST: cap('TERN_MAX_TASKS_PER_DESTINATION_HOST', 10),
  TERN_METRICS_PORT: optional(
    number('TERN_METRICS_PORT must be a port number').check(
      whole('TERN_METRICS_PORT must be a port number'),
      z.minimum(1, 'TERN_METRICS_PORT must be from 1 to 65535'),
      z.maximum(65535, 'TERN_METRICS_PORT must be from 1 to 65535'),
    ),
  ),
  TERN_METRICS_HOST: z._default(z.string(), '127.0.0.1'),
  TERN_FROM_PASSWORD: optional(z.string()),
  TERN_TO_PASSWORD: optional(z.string()),
  TERN_FROM_ACCESS_TOKEN: optional(z.string()),
  TERN_TO_ACCESS_TOKEN: optional(z.string()),
  TERN_MICROSOFT_CLIENT_ID: optional(z.string()),
  TERN_MICROSOFT_TENANT: z._default(text(/^[A-Za-z0-9.-]+$/, 'TERN_MICROSOFT_TENANT must be a tenant id or domain (or organizations, common)'), 'organizations'),
  TERN_MICROSOFT_LOGIN_URL: optional(text(/^https?:\/\/[^/?#]+\/?$/, 'TERN_MICROSOFT_LOGIN_URL must be the sign-in host as a URL, e.g. https://login.microsoftonline.us')),
  TERN_GOOGLE_CLIENT_ID: optional(z.string()),
  TERN_GOOGLE_CLIENT_SECRET: optional(z.string()),
  LOG_LEVEL: z._default(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent' }), 'info'),
});

export interface SlackConfig {
  botToken: string;
  /** Socket Mode when set; otherwise the HTTP receiver on `port`, checked with signingSecret. */
  appToken?: string;
  signingSecret?: string;
  port: number;
  apiUrl?: string;
  adminUsers: string[];
}

export interface Config {
  dataDir: string;
  /** PostgreSQL store (postgres://…); unset: SQLite at dataDir/tern.db. Holds a password: never logged. */
  databaseUrl?: string;
  redisUrl?: string;
  redisPrefix: string;
  secretKey?: string;
  rollbackWindowHours: number;
  workerConcurrency: number;
  connectionsPerAccount: number;
  jobLockMs: number;
  connectTimeoutMs: number;
  /** How long a task waits out an unreachable or busy server (from its last progress) before it fails. */
  retryMinutes: number;
  /** Pipelined APPENDs (LITERAL+) to IMAP destinations that offer it. */
  imapPipelining: boolean;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  maxUploadBytes: number;
  /** Uploaded files go to this S3-compatible bucket (every worker reaches it); unset: the data folder. */
  s3?: S3Location;
  /** Batch CSV password references (`env:TERN_PW_…`): the TERN_PW_* variables, by name. */
  batchSecrets: Record<string, string>;
  slack?: SlackConfig;
  /** Where task notifications are sent from; unset: a notification address is refused. */
  smtp?: SmtpConfig;
  discord?: DiscordConfig;
  /** DNS servers for autodetection; unset: the system's. */
  dnsServers?: string[];
  /** CLI fallbacks when an account URL carries no password. */
  passwords: { from?: string; to?: string };
  /** Caps on running tasks (0 = none), shared by all workers: overall, per source server, per destination server. */
  limits: { all: number; perSourceHost: number; perDestinationHost: number };
  /** `tern start` / `tern worker` serve /healthz and /metrics here when a port is set. */
  metrics?: { host: string; port: number };
  /** CLI: access tokens for ?auth=oauth2 accounts, from scripts that hold one. */
  accessTokens: { from?: string; to?: string };
  /** The built-in OAuth2 issuers' client registrations. */
  oauth: OAuthConfig;
  /** App-only access configured in the environment (TERN_APP_*), one per mail domain; it wins over `tern app add`'s. Holds secrets: never logged. */
  oauthApps: ConfiguredApp[];
}

/** Reads `.env` (when present) and the environment; throws CONFIG_INVALID naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { dotenv?: boolean } = {}): Config {
  const merged = { ...env };
  if (options.dotenv !== false && env === process.env) {
    const parsed = dotenv.config({ quiet: true, processEnv: {} }).parsed ?? {};
    for (const [key, value] of Object.entries(parsed)) if (merged[key] === undefined) merged[key] = value;
  }
  // Treat empty strings as unset, as shells and .env files often leave them.
  for (const key of Object.keys(merged)) if (merged[key] === '') delete merged[key];
  const result = schema.safeParse(merged);
  // App-only access configured in the environment: its files are read now, its problems said with the rest.
  const apps = configuredApps(merged);
  if (!result.success || apps.issues.length) {
    const lines = [...(result.error?.issues.map((i) => `${String(i.path[0] ?? 'environment')}: ${i.message}`) ?? []), ...apps.issues];
    throw new TernError('CONFIG_INVALID', `Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const c = result.data;
  return {
    dataDir: path.resolve(c.TERN_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    redisUrl: c.REDIS_URL,
    redisPrefix: c.TERN_REDIS_PREFIX,
    secretKey: c.TERN_SECRET_KEY,
    rollbackWindowHours: c.TERN_ROLLBACK_WINDOW_HOURS,
    workerConcurrency: c.TERN_WORKER_CONCURRENCY,
    connectionsPerAccount: c.TERN_CONNECTIONS_PER_ACCOUNT,
    jobLockMs: c.TERN_JOB_LOCK_MS,
    connectTimeoutMs: c.TERN_CONNECT_TIMEOUT_MS,
    retryMinutes: c.TERN_RETRY_MINUTES,
    imapPipelining: c.TERN_IMAP_PIPELINING === '1' || c.TERN_IMAP_PIPELINING === 'true',
    logLevel: c.LOG_LEVEL,
    maxUploadBytes: c.TERN_MAX_UPLOAD_BYTES,
    s3: c.S3_URL ? (parseS3Url(c.S3_URL) as S3Location) : undefined,
    batchSecrets: Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => /^TERN_PW_\w+$/.test(e[0]) && typeof e[1] === 'string')),
    slack: slackConfig(c),
    smtp: smtpConfig(c),
    discord: discordConfig(c),
    dnsServers: c.TERN_DNS_SERVERS?.split(',').map((s) => s.trim()),
    passwords: { from: c.TERN_FROM_PASSWORD, to: c.TERN_TO_PASSWORD },
    limits: { all: c.TERN_MAX_RUNNING_TASKS, perSourceHost: c.TERN_MAX_TASKS_PER_SOURCE_HOST, perDestinationHost: c.TERN_MAX_TASKS_PER_DESTINATION_HOST },
    metrics: c.TERN_METRICS_PORT ? { host: c.TERN_METRICS_HOST, port: c.TERN_METRICS_PORT } : undefined,
    accessTokens: { from: c.TERN_FROM_ACCESS_TOKEN, to: c.TERN_TO_ACCESS_TOKEN },
    oauth: {
      microsoft: c.TERN_MICROSOFT_CLIENT_ID ? { clientId: c.TERN_MICROSOFT_CLIENT_ID, tenant: c.TERN_MICROSOFT_TENANT } : undefined,
      microsoftLogin: c.TERN_MICROSOFT_LOGIN_URL,
      google: c.TERN_GOOGLE_CLIENT_ID ? { clientId: c.TERN_GOOGLE_CLIENT_ID, clientSecret: c.TERN_GOOGLE_CLIENT_SECRET } : undefined,
    },
    oauthApps: apps.apps,
  };
}

function slackConfig(c: z.infer<typeof schema>): SlackConfig | undefined {
  if (!c.SLACK_BOT_TOKEN) return undefined;
  if (!c.SLACK_APP_TOKEN && !c.SLACK_SIGNING_SECRET) {
    throw new TernError('CONFIG_INVALID', 'Invalid configuration:\n  SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is.');
  }
  return {
    botToken: c.SLACK_BOT_TOKEN,
    appToken: c.SLACK_APP_TOKEN,
    signingSecret: c.SLACK_SIGNING_SECRET,
    port: c.PORT,
    apiUrl: c.SLACK_API_URL,
    adminUsers: (c.SLACK_ADMIN_USERS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  };
}

export interface SmtpConfig {
  /** smtp[s]://user:password@host:port: it holds a password, so it is never logged. */
  url: string;
  from: string;
  /** With ?auth=oauth2: the sender's account, whose token (its sign-in, or its domain's app) logs in by XOAUTH2. */
  oauth?: AccountEndpoint;
}

function smtpConfig(c: z.infer<typeof schema>): SmtpConfig | undefined {
  if (!c.SMTP_URL) return undefined;
  const user = decodeURIComponent(new URL(c.SMTP_URL).username);
  const from = c.SMTP_FROM ?? (user.includes('@') ? `Tern <${user}>` : undefined);
  if (!from) {
    throw new TernError('CONFIG_INVALID', "Invalid configuration:\n  SMTP_FROM: set the sender address of notifications (e.g. Tern <tern@example.com>); SMTP_URL's user is not an e-mail address.");
  }
  if (!/^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+>?$/.test(from.trim())) {
    throw new TernError('CONFIG_INVALID', `Invalid configuration:\n  SMTP_FROM: "${from}" is not an e-mail address (e.g. Tern <tern@example.com>).`);
  }
  const url = new URL(c.SMTP_URL);
  const fail = (why: string) => new TernError('CONFIG_INVALID', `Invalid configuration:\n  SMTP_URL: ${why}.`);
  const oauth = oauthOptions(url, 'smtp', fail);
  if (!oauth) return { url: c.SMTP_URL, from: from.trim() };
  if (url.password) throw fail('it has a password and ?auth=oauth2: the sender signs in with a token (tern login, or tern app add for its domain); remove the password');
  if (!user) throw fail('?auth=oauth2 needs the sender account as the user (smtp://tern%40example.com@host:587?auth=oauth2)');
  const secure = url.protocol === 'smtps:';
  const account: AccountEndpoint = { protocol: 'imap', host: url.hostname, port: url.port ? Number(url.port) : secure ? 465 : 587, secure, insecure: false, user, ...oauth };
  return { url: `${url.protocol}//${url.host}`, from: from.trim(), oauth: account };
}

export interface DiscordConfig {
  token: string;
  applicationId: string;
  /** Role IDs whose members may cancel and roll back anyone's task. */
  adminRoles: string[];
  /** REST base URL (…/api); the gateway address then comes from its /gateway/bot. */
  apiUrl?: string;
  /** Also offer imports for .pst files attached to messages that mention the bot (needs the MessageContent intent). */
  readMessages: boolean;
}

function discordConfig(c: z.infer<typeof schema>): DiscordConfig | undefined {
  if (!c.DISCORD_TOKEN) return undefined;
  if (!c.DISCORD_APPLICATION_ID) throw new TernError('CONFIG_INVALID', 'Invalid configuration:\n  DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is not (Developer Portal → your application → General Information).');
  return {
    token: c.DISCORD_TOKEN,
    applicationId: c.DISCORD_APPLICATION_ID,
    adminRoles: (c.DISCORD_ADMIN_ROLES ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    apiUrl: c.DISCORD_API_URL,
    readMessages: c.DISCORD_READ_MESSAGES === '1' || c.DISCORD_READ_MESSAGES === 'true',
  };
}
