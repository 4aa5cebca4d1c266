import { TernError } from './errors';
import type { ItemKind } from './items';

/**
 * Why an item failed, in the six categories a report groups by (issue 17). Items fail one by one
 * for the first three; the last three stop a whole task (past its retry window, or until someone
 * signs in), and the items it had not copied then are reported under them.
 */
export type FailureCategory = 'too_large' | 'refused' | 'malformed' | 'throttled' | 'sign_in' | 'network';

/** In the order a report shows them, with what a person reads. */
export const FAILURE_CATEGORIES: ReadonlyArray<{ category: FailureCategory; label: string; hint: string }> = [
  { category: 'too_large', label: 'Too large', hint: 'larger than the destination takes' },
  { category: 'refused', label: 'Refused by the server', hint: 'the destination said no' },
  { category: 'malformed', label: 'Malformed at the source', hint: 'could not be read or parsed at the source' },
  { category: 'throttled', label: 'Throttled past retries', hint: 'the server stayed busy longer than Tern waits' },
  { category: 'sign_in', label: 'Sign-in expired', hint: 'an account must sign in again' },
  { category: 'network', label: 'Network', hint: 'a server stayed unreachable' },
];

export const categoryLabel = (c: FailureCategory) => FAILURE_CATEGORIES.find((x) => x.category === c)?.label ?? c;

/** Server codes that mean "too big" (RFC 5530 TOOBIG, Dovecot's LIMIT on size, EWS, Graph). */
const TOO_LARGE_CODES = new Set(['TOOBIG', 'ErrorMessageSizeExceeded', 'ErrorMimeContentInvalid_TooLarge', 'RequestEntityTooLarge']);
const THROTTLE_CODES = new Set(['ErrorServerBusy', 'ErrorTooManyObjectsOpened', 'ApplicationThrottled', 'TooManyRequests', 'THROTTLED']);
const SIGN_IN_CODES = new Set(['AUTHENTICATIONFAILED', 'AUTHORIZATIONFAILED', 'EXPIRED', 'InvalidAuthenticationToken', 'ErrorInvalidLogonType']);

/** What is known of a failure: a TernError's code, the server's code and HTTP status, and the words. */
export interface FailureFacts {
  code?: string;
  serverCode?: string;
  httpStatus?: number;
  text: string;
  /** The source could not give the item (gone, damaged, unparsable). */
  atSource?: boolean;
}

export function factsOf(err: unknown): FailureFacts {
  if (err instanceof TernError) return { code: err.code, serverCode: err.serverCode, httpStatus: err.httpStatus, text: err.userMessage };
  return { text: err instanceof Error ? err.message : String(err) };
}

/** The category of one failure, from codes first and the server's words last. */
export function categorize(f: FailureFacts): FailureCategory {
  const server = f.serverCode ?? '';
  if (f.code === 'SIGN_IN_NEEDED' || f.code === 'AUTH_FAILED' || SIGN_IN_CODES.has(server) || f.httpStatus === 401) return 'sign_in';
  if (THROTTLE_CODES.has(server) || f.httpStatus === 429 || /throttl|too many (requests|connections)|server (is )?busy/i.test(f.text)) return 'throttled';
  if (f.code === 'UNREACHABLE' || f.code === 'TIMEOUT' || f.code === 'TLS_FAILED' || f.code === 'INTERRUPTED') return 'network';
  if (TOO_LARGE_CODES.has(server) || f.httpStatus === 413 || /too (large|big)|APPENDLIMIT|size exceed|exceeds the (maximum )?size|larger than the/i.test(f.text)) return 'too_large';
  if (f.atSource || /^source\b/i.test(f.text) || /malformed|unparsable|could not be (read|parsed)|damaged|corrupt/i.test(f.text)) return 'malformed';
  return 'refused';
}

/** Longest server text kept per item: enough for any server's sentence, not for a whole response. */
export const REASON_MAX = 300;
const SUBJECT_MAX = 200;

/**
 * The server's words as a report keeps them: control characters out, every secret of the task
 * replaced (a server may echo what it was sent), and bounded.
 */
export function boundedWords(text: string, secrets: ReadonlyArray<string | undefined> = [], max = REASON_MAX): string {
  let out = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

export const boundedSubject = (subject: string) => boundedWords(subject, [], SUBJECT_MAX);

/** One failed item (or, with count > 1, items never tried one by one) as the report shows it. */
export interface FailedItem {
  kind: ItemKind;
  category: FailureCategory;
  /** The server's own words, bounded, without secrets. */
  reason: string;
  folder: string;
  /** The item's date (a message's received date), ISO. */
  date?: string;
  subject?: string;
  /** The source's id of the item. */
  id?: string;
  count: number;
}

/** Per category: how many items failed so (their counts added up). */
export type FailureCounts = Partial<Record<FailureCategory, number>>;

