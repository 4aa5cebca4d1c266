import type { AccountCredentials } from '../ports/account';
import type { Side } from '../accounts';
import { loadConnector } from '../connectors/registry';
import { TernError } from '../errors';

/**
 * Logs in to an account and out again; a failure names the side, the server and what to do. Only
 * the account's own connector is loaded (the registry imports it on first use).
 */
export async function checkAccount(account: AccountCredentials, side: Side | 'account', timeoutMs: number): Promise<void> {
  try {
    await (await loadConnector(account.protocol)).check(account, { timeoutMs });
  } catch (err) {
    if (!(err instanceof TernError)) throw err;
    if (side === 'account') throw err;
    const label = side === 'source' ? 'Source' : 'Destination';
    throw err.withMessage(`${label} account: ${err.userMessage}`, side);
  }
}

/** Both sides at once (with the CalDAV/CardDAV account each may have next to it); when both fail, both are reported. */
export async function checkAccounts(source: AccountCredentials, destination: AccountCredentials, timeoutMs: number): Promise<void> {
  const sides = (a: AccountCredentials, side: Side) => [checkAccount({ ...a, pim: undefined }, side, timeoutMs), ...(a.pim ? [checkAccount(a.pim, side, timeoutMs)] : [])];
  const results = await Promise.allSettled([...sides(source, 'source'), ...sides(destination, 'destination')]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length >= 2) {
    const [a, b] = failures as TernError[];
    if (!(a instanceof TernError) || !(b instanceof TernError)) throw a instanceof TernError ? b : a;
    throw new TernError(a.code, `${a.userMessage}\n${b.userMessage}`, { cause: a, retryable: a.retryable && b.retryable });
  }
}
