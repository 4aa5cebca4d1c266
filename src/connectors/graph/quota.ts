import type { GraphHttp } from './http';
import { expandOf, valueOf, type ExtendedProperty } from './extended';
import { mapiQuota, QUOTA_PROPERTIES } from '../exchange-mail';

const idOf = (p: { tag: number; type: string }) => `${p.type} 0x${p.tag.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The mailbox's size and receive quota, read as MAPI properties of its root folder (one GET,
 * nothing written); undefined when Microsoft 365 does not give both.
 */
export async function readQuota(http: GraphHttp): Promise<{ usedBytes: number; limitBytes: number } | undefined> {
  const ids = [idOf(QUOTA_PROPERTIES.usedBytes), idOf(QUOTA_PROPERTIES.limitKb)];
  const res = await http.call('GET', `${http.userPath}/mailFolders/msgfolderroot?$select=id&$expand=${expandOf(ids)}`);
  const props = res.json?.singleValueExtendedProperties as ExtendedProperty[] | undefined;
  return mapiQuota(valueOf(props, ids[0]), valueOf(props, ids[1]));
}
