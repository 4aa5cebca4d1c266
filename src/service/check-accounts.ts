import type { AccountCredentials } from '../connectors/types';
import type { Side } from '../accounts';
import { TernError } from '../errors';

/**
 * Logs in to an account and out again; a failure names the side, the server and what to do. Only
 * the account's own connector is loaded (ews-javascript-api is heavy).
 */
export async function checkAccount(account: AccountCredentials, side: Side, timeoutMs: number): Promise<void> {
  try {
    if (account.protocol === 'pop3') {
      const { openPop3 } = await import('../connectors/pop3');
      await (await openPop3(account, { timeoutMs })).close();
    } else if (account.protocol === 'ews') {
      const { openEws } = await import('../connectors/ews');
      await (await openEws(account, { timeoutMs })).close();
    } else {
      const { closeImap, openImap } = await import('../connectors/imap/session');
      await closeImap(await openImap(account, { timeoutMs }));
    }
  } catch (err) {
    if (!(err instanceof TernError)) throw err;
    const label = side === 'source' ? 'Source' : 'Destination';
    throw new TernError(err.code, `${label} account: ${err.userMessage}`, { field: side, cause: err });
  }
}

/** Both sides at once; when both fail, both are reported. */
export async function checkAccounts(source: AccountCredentials, destination: AccountCredentials, timeoutMs: number): Promise<void> {
  const results = await Promise.allSettled([checkAccount(source, 'source', timeoutMs), checkAccount(destination, 'destination', timeoutMs)]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length === 2) {
    const [a, b] = failures as TernError[];
    if (!(a instanceof TernError) || !(b instanceof TernError)) throw a instanceof TernError ? b : a;
    throw new TernError(a.code, `${a.userMessage}\n${b.userMessage}`, { cause: a });
  }
}
