// Reaching a test account's contacts, calendars and tasks directly, by its URL: an EWS session
// for seeding and reading Exchange, and every PIM item of a kind as a connector's source reads it.
import { openEws } from '../../src/connectors/ews';
import type { EwsSession } from '../../src/connectors/ews/types';
import { loadConnector } from '../../src/connectors/registry';
import type { PimItem } from '../../src/ports/pim-items';
import { parseAccountUrl } from '../../src/accounts';

/** Runs `fn` with an EWS session of the account at `url`, closed afterwards. */
export async function withEws<T>(url: string, fn: (s: EwsSession) => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const s = await openEws(parseAccountUrl(url, 'source'), { timeoutMs });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Every item of the kind in every folder of the account at `url`, as its PIM source gives them. */
export async function readPim(url: string, kind: PimItem['kind'], timeoutMs = 20_000): Promise<PimItem[]> {
  const account = parseAccountUrl(url, 'source');
  const source = await (await loadConnector(account.protocol)).pimSource!(account, { timeoutMs });
  const out: PimItem[] = [];
  try {
    for (const folder of await source.folders(kind)) for await (const batch of source.read(kind, folder)) out.push(...batch);
  } finally {
    await source.close();
  }
  return out;
}
