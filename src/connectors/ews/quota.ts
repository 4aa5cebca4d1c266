import type { EwsContext } from './session';
import { childText, findNodes, soapCall } from './soap';
import { mapiQuota, QUOTA_PROPERTIES } from '../exchange-mail';

const hex = (tag: number) => `0x${tag.toString(16).toUpperCase().padStart(4, '0')}`;
const uri = (p: { tag: number; type: string }) => `<t:ExtendedFieldURI PropertyTag="${hex(p.tag)}" PropertyType="${p.type}"/>`;

/**
 * The mailbox's size and receive quota, read as MAPI properties of its root folder (one GetFolder,
 * nothing written); undefined when the server does not give both.
 */
export async function readQuota(ctx: EwsContext): Promise<{ usedBytes: number; limitBytes: number } | undefined> {
  const props = `${uri(QUOTA_PROPERTIES.usedBytes)}${uri(QUOTA_PROPERTIES.limitKb)}`;
  const body =
    `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>${props}</t:AdditionalProperties></m:FolderShape>` +
    `<m:FolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:FolderIds></m:GetFolder>`;
  const response = await soapCall(ctx, 'reading the mailbox quota', body, 'GetFolderResponse');
  const values = new Map<number, string | undefined>();
  for (const p of findNodes(response.children, 'ExtendedProperty')) {
    const tag = findNodes(p.children, 'ExtendedFieldURI')[0]?.attrs.PropertyTag;
    if (tag) values.set(Number(tag), childText(p, 'Value'));
  }
  return mapiQuota(values.get(QUOTA_PROPERTIES.usedBytes.tag), values.get(QUOTA_PROPERTIES.limitKb.tag));
}
