/**
 * The one error model: a stable machine `code` plus a `userMessage` that can be shown as it is
 * (which account, which server, what to do). Anything that is not a TernError is a bug: it is
 * logged with its stack and never shown raw to a user.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'BAD_ACCOUNT_URL'
  | 'BAD_ITEMS'
  | 'UNSUPPORTED_ITEMS'
  | 'AUTH_FAILED'
  | 'UNREACHABLE'
  | 'TLS_FAILED'
  | 'TIMEOUT'
  | 'PROTOCOL_ERROR'
  | 'TASK_NOT_FOUND'
  | 'FORBIDDEN'
  | 'INVALID_STATE'
  | 'ROLLBACK_EXPIRED'
  | 'REDIS_UNAVAILABLE'
  | 'NOT_AVAILABLE'
  | 'BAD_UPLOAD'
  | 'BAD_NOTIFY'
  | 'INTERRUPTED'
  /** The destination refused one item (its content, not the connection): that item fails, the step goes on. */
  | 'ITEM_REFUSED';

export class TernError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  /** Which input field the error is about, for forms (e.g. "source", "destination", "items"). */
  readonly field?: string;

  constructor(code: ErrorCode, userMessage: string, options: { field?: string; cause?: unknown } = {}) {
    super(userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TernError';
    this.code = code;
    this.userMessage = userMessage;
    this.field = options.field;
  }
}

export function isTernError(err: unknown): err is TernError {
  return err instanceof TernError;
}

/** A failure worth another try (server unreachable, connection dropped, timeout). */
export function isTransient(err: unknown): boolean {
  return err instanceof TernError && ['UNREACHABLE', 'TIMEOUT', 'PROTOCOL_ERROR'].includes(err.code);
}
