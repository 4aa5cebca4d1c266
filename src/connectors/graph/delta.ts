import { enc } from './folders';
import type { GraphHttp } from './http';
import { SCAN_FIELDS, summaryOf, type GraphMessageSummary, type ListedMessage } from './messages';

/** One delta round of a folder's messages: what is there (or changed), what went, and where the next round starts. */
export interface DeltaRound {
  messages: GraphMessageSummary[];
  removed: string[];
  deltaLink: string;
}

/** Messages a delta page holds: Graph sizes delta pages by this header, not by $top. */
const PAGE = 'odata.maxpagesize=250';

/**
 * A delta round of a folder's messages (`messages/delta`): from the start (every message, as a
 * scan lists them) or from a deltaLink (only those created or changed since, and those removed),
 * following @odata.nextLink to the @odata.deltaLink. Undefined when Graph no longer knows the
 * deltaLink's sync state (410): the caller starts over.
 */
export async function readDelta(http: GraphHttp, folderId: string, deltaLink?: string): Promise<DeltaRound | undefined> {
  const messages: GraphMessageSummary[] = [];
  const removed: string[] = [];
  let next: string | undefined = deltaLink ?? `${http.userPath}/mailFolders/${enc(folderId)}/messages/delta?${new URLSearchParams(SCAN_FIELDS)}`;
  while (next) {
    const res = await http.call('GET', next, { headers: { prefer: PAGE }, accept: [410] });
    if (res.status === 410) return undefined;
    for (const m of (res.json?.value as Array<ListedMessage & { '@removed'?: unknown }>) ?? []) {
      if (m['@removed']) removed.push(m.id);
      else messages.push(summaryOf(m));
    }
    const done = res.json?.['@odata.deltaLink'];
    if (typeof done === 'string') return { messages, removed, deltaLink: done };
    next = res.json?.['@odata.nextLink'] as string | undefined;
  }
  throw http.refusal({ status: 200, body: { error: { message: 'a delta page had neither @odata.nextLink nor @odata.deltaLink' } } }, 'GET', `${http.userPath}/mailFolders/${folderId}/messages/delta`);
}
