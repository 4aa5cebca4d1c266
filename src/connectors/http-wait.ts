/** Waits a busy HTTP server asks for (429/503 Retry-After, Exchange's BackOffMilliseconds), shared by the HTTP connectors. */

/** A busy server's wait is clipped to this (Exchange Online asks for up to about five minutes). */
const MAX_WAIT_MS = 5 * 60_000;
/** When a busy server names no wait: 2 s, doubling. */
const DEFAULT_WAIT_MS = 2_000;

/** A Retry-After header (seconds or an HTTP date), as 429 and 503 answers carry it. */
export function retryAfterMs(header: unknown): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The wait before retry `attempt` (0-based): the server's figure when it gave one. */
export function busyWait(attempt: number, serverMs: number | undefined): number {
  const ms = serverMs ?? DEFAULT_WAIT_MS * 2 ** attempt;
  return Math.min(Math.max(ms, 0), MAX_WAIT_MS);
}
