/**
 * The one error model: a stable machine `code` plus a `userMessage` that can be shown as it is
 * (which account, which server, what to do). Anything that is not a TernError is a bug: it is
 * logged with its stack and never shown raw to a user.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'BAD_ACCOUNT_URL'
  | 'BAD_PASSWORD_FILE'
  | 'BAD_ITEMS'
  /** A migration option (date range, folders, size cap) that cannot be used as given. */
  | 'BAD_OPTION'
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
  /** The PostgreSQL store (DATABASE_URL) cannot be reached or migrated. */
  | 'STORE_UNAVAILABLE'
  | 'NOT_AVAILABLE'
  | 'BAD_UPLOAD'
  | 'BAD_NOTIFY'
  | 'INTERRUPTED'
  /** The destination refused one item (its content, not the connection): that item fails, the step goes on. */
  | 'ITEM_REFUSED'
  /** The destination already holds that item (a DAV object with its UID): counted as already present. */
  | 'ITEM_PRESENT'
  /** The destination refused to create a folder (its name, its place): that folder fails, the others go on. */
  | 'FOLDER_REFUSED'
  /** The destination mailbox is over its quota: the copy stops. */
  | 'DESTINATION_FULL'
  /** An OAuth2 account has no usable sign-in (none yet, revoked or expired): someone must sign in (again). */
  | 'SIGN_IN_NEEDED'
  /** An OAuth2 sign-in did not complete: denied, expired code, unknown issuer, wrong client. */
  | 'SIGN_IN_FAILED'
  /** A run stopped because another run holds its task now: nothing to report on the task. */
  | 'RUN_STOPPED'
  /** A stored upload is gone from the blob store (deleted, or the worker cannot reach where it is). */
  | 'BLOB_MISSING'
  /** The blob store (S3_URL) refused or failed a request. */
  | 'BLOB_STORE'
  /** A batch CSV has rows that cannot be queued (each said by line and column). */
  | 'BAD_BATCH'
  | 'BATCH_NOT_FOUND';

export interface ErrorDetails {
  /** Which input field the error is about, for forms (e.g. "source", "destination", "items"). */
  field?: string;
  cause?: unknown;
  /** Whether another try may succeed; by default only for an unreachable server and a timeout. */
  retryable?: boolean;
  /** The server's own code for it (an IMAP response code, an EWS ResponseCode, a POP3 [CODE]). */
  serverCode?: string;
  /** The HTTP status behind it, for HTTP protocols. */
  httpStatus?: number;
  /** Which account of a migration it is about. */
  side?: 'source' | 'destination';
}

/** What is worth another try when nothing else is said: the server may be back, or faster, soon. */
const RETRYABLE_CODES: readonly ErrorCode[] = ['UNREACHABLE', 'TIMEOUT'];

export class TernError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  readonly field?: string;
  /** Worth another try of the task (a busy or restarting server, a dropped connection); never for what was sent or refused. */
  readonly retryable: boolean;
  readonly serverCode?: string;
  readonly httpStatus?: number;
  readonly side?: 'source' | 'destination';

  constructor(code: ErrorCode, userMessage: string, options: ErrorDetails = {}) {
    super(userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TernError';
    this.code = code;
    this.userMessage = userMessage;
    this.field = options.field;
    this.retryable = options.retryable ?? RETRYABLE_CODES.includes(code);
    if (options.serverCode !== undefined) this.serverCode = options.serverCode;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
    if (options.side !== undefined) this.side = options.side;
  }

  /** The same error with another message (a side's name in front, a secret taken out), its details kept. */
  withMessage(userMessage: string, field = this.field, side = this.side): TernError {
    return new TernError(this.code, userMessage, { field, cause: this, retryable: this.retryable, serverCode: this.serverCode, httpStatus: this.httpStatus, side });
  }
}

/** Worth retrying: only a TernError that says so. */
export function isRetryable(err: unknown): boolean {
  return err instanceof TernError && err.retryable;
}
