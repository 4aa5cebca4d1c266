import { TernError } from '../../errors';
import { connectionError } from '../errors';
import { busyWait, retryAfterMs } from '../http-wait';
import type { ItemExport, ItemImport, OutgoingMessage, WriteLane, WriteOutcome } from '../../ports/mail';
import { enc } from './folders';
import { BUSY, graphCode, graphMessage, MAX_BUSY_RETRIES, type GraphHttp } from './http';

/** Items exported by one Exchange Online mailbox import into another: the format both sides name. */
const FORMAT = 'exchange-online';
/** exportItems takes at most this many ItemIds in one request. */
const EXPORT_LIMIT = 20;
/** An import session is made again this long before it expires. */
const SESSION_MARGIN_MS = 5 * 60 * 1000;

/**
 * The mailbox import/export API of Exchange Online (application permission
 * MailboxItem.ImportExport.All): the mailbox's id from its Exchange settings, proven by listing its
 * folders there. A delegated sign-in, a missing permission or a mailbox the API does not know gives
 * the reason instead, and the other write paths apply.
 */
async function mailboxApi(http: GraphHttp): Promise<{ path: string } | { unavailable: string }> {
  const settings = await http.call('GET', `${http.userPath}/settings/exchange`, { accept: [400, 403, 404, 501] });
  const id = settings.json?.primaryMailboxId;
  if (settings.status >= 400 || typeof id !== 'string') return { unavailable: `the mailbox import/export API did not answer for ${http.mailbox} (${graphMessage(settings)})` };
  const path = `/admin/exchange/mailboxes/${enc(id)}`;
  const probe = await http.call('GET', `${path}/folders?$top=1`, { accept: [400, 401, 403, 404, 501] });
  if (probe.status === 401 || probe.status === 403) return { unavailable: `the mailbox import/export API needs an app-only sign-in with MailboxItem.ImportExport.All, which ${http.mailbox}'s is not` };
  if (probe.status >= 400) return { unavailable: `the mailbox import/export API did not answer for ${http.mailbox} (${graphMessage(probe)})` };
  return { path };
}

/** A Graph mail source's items exported whole, 20 to a request. Refs are Graph message ids (the API takes them as ItemIds). */
export async function openItemExport(http: GraphHttp): Promise<ItemExport | { unavailable: string }> {
  const api = await mailboxApi(http);
  if ('unavailable' in api) return api;
  return {
    format: FORMAT,
    read: async function* (_folder, refs) {
      for (let i = 0; i < refs.length; i += EXPORT_LIMIT) {
        const res = await http.call('POST', `${api.path}/exportItems`, { body: { ItemIds: refs.slice(i, i + EXPORT_LIMIT) } });
        const items = (res.json?.value as Array<{ itemId: string; data?: string; error?: unknown }>) ?? [];
        // An item gone since it was listed answers an error of its own: left out, the step reports it.
        for (const item of items) if (typeof item.data === 'string') yield { ref: item.itemId, raw: Buffer.from(item.data, 'base64') };
      }
    },
  };
}

/** A Graph mail destination importing exported items through an import session. Ids are Graph ids, as for writes by Graph. */
export async function openItemImport(http: GraphHttp): Promise<ItemImport | { unavailable: string }> {
  const api = await mailboxApi(http);
  if ('unavailable' in api) return api;
  return { format: FORMAT, writePath: 'by mailbox import (the Microsoft 365 export/import API)', openLane: async () => importLane(http, api.path) };
}

function importLane(http: GraphHttp, mailboxPath: string): WriteLane {
  let session: { url: string; expires: number } | undefined;
  const importUrl = async () => {
    if (!session || session.expires - SESSION_MARGIN_MS < Date.now()) {
      const res = await http.call('POST', `${mailboxPath}/createImportSession`, { body: {} });
      session = { url: String(res.json?.importUrl), expires: Date.parse(String(res.json?.expirationDateTime)) || Date.now() + SESSION_MARGIN_MS * 2 };
    }
    return session.url;
  };
  return {
    write: async (folder, messages, answered) => {
      for (let i = 0; i < messages.length; i++) answered(i, await importOne(http, await importUrl(), folder.id, messages[i]));
    },
    close: async () => {},
  };
}

/** One item POSTed to the pre-authenticated import URL (no Authorization header): its new id, or why it was refused. */
async function importOne(http: GraphHttp, url: string, folderId: string, m: OutgoingMessage): Promise<WriteOutcome> {
  const body = JSON.stringify({ FolderId: folderId, Mode: 'create', Data: m.raw.toString('base64') });
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(http.timeoutMs) });
    } catch (err) {
      const at = new URL(url);
      throw connectionError((err as { cause?: unknown }).cause ?? err, 'Microsoft 365 mailbox import', { protocol: 'graph', host: at.hostname, port: Number(at.port) || 443, secure: at.protocol === 'https:', insecure: false, user: http.mailbox });
    }
    const json = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (res.ok && typeof json?.ItemId === 'string') return { id: json.ItemId };
    const answer = { status: res.status, json };
    if (BUSY.has(res.status) && attempt < MAX_BUSY_RETRIES) {
      await new Promise((r) => setTimeout(r, busyWait(attempt, retryAfterMs(res.headers.get('retry-after')))));
      continue;
    }
    if (res.status === 401 || res.status >= 500) {
      throw new TernError('PROTOCOL_ERROR', `The Microsoft 365 mailbox import into ${http.mailbox} failed: ${graphMessage(answer)}.`, { serverCode: graphCode(answer), httpStatus: res.status, retryable: true });
    }
    return { refused: graphMessage(answer), code: graphCode(answer) };
  }
}
