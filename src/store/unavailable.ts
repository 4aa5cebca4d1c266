// The store (PostgreSQL restarting or failing over, its network gone) or the queue's Redis out of
// reach for a while. A run that meets this cannot even mark its task failed, and failing it would be
// wrong: the copy is journaled, so the run waits and resumes once they answer again.
import { TernError } from '../errors';

/** SQLSTATEs of a server going away or not yet accepting: admin/crash shutdown, starting up, connection failures. */
const SERVER_GONE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
/** Node's network errors. Accounts' servers never raise these bare: connectors turn them into TernErrors naming the side. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

export function isStoreUnavailable(err: unknown): boolean {
  // drizzle wraps a failed query (DrizzleQueryError), the pool a failed connect: look along the causes.
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof TernError) return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (SERVER_GONE.has(code) || NETWORK.has(code))) return true;
    // node-postgres ends a query whose connection dropped with this message and no code.
    if (e instanceof Error && /^Connection terminated/.test(e.message)) return true;
  }
  return false;
}

/** What went wrong, without the query and parameters drizzle puts in its own message. */
export function rootCauseText(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && (e as { cause?: unknown })?.cause; depth++) e = (e as { cause?: unknown }).cause;
  const code = (e as { code?: unknown })?.code;
  return `${e instanceof Error ? e.message : String(e)}${typeof code === 'string' ? ` (${code})` : ''}`;
}
