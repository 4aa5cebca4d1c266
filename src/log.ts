import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Logs: JSON when not on a terminal, pretty on one. Secrets are redacted by path wherever they
 * could sit in a logged object, as a second line of defence: code never logs credentials.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'pass',
  '*.pass',
  'secret',
  '*.secret',
  'secretKey',
  '*.secretKey',
  'token',
  '*.token',
  'auth',
  '*.auth',
  'authorization',
  '*.authorization',
  'headers.authorization',
  // Config objects, should one ever be logged: tokens and URLs that carry passwords.
  ...['botToken', 'appToken', 'signingSecret', 'token', 'passwords', 'accessTokens'].flatMap((k) => [`*.${k}`, `*.*.${k}`]),
  'passwords',
  'accessTokens',
  'smtp',
  '*.smtp',
  'redisUrl',
  '*.redisUrl',
  'databaseUrl',
  '*.databaseUrl',
];

export type { Logger };

/** `destination`: a file descriptor (default 2, stderr), or a writer (a test that collects the CLI's output). */
export function createLogger(level: string, options: { pretty?: boolean; destination?: number | DestinationStream } = {}): Logger {
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  const base = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined };
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true } } });
  }
  if (typeof options.destination === 'object') return pino(base, options.destination);
  // Synchronous writes: a line logged just before a crash or process.exit is never lost (log volume is small).
  return pino(base, pino.destination({ dest: options.destination ?? 2, sync: true }));
}
