// The mailbox import/export API (app-only, MailboxItem.ImportExport.All): a user's mailbox id from
// `users/{id}/settings/exchange` (primaryMailboxId); `admin/exchange/mailboxes/{id}/folders`
// (mailboxFolder, childFolders, items as mailboxItem); `exportItems` with up to 20 ItemIds answers
// each item's opaque data (the fake's own blob: its MIME and the properties Graph lets a client
// set); `createImportSession` answers an importUrl to which each item is POSTed as
// { FolderId, Mode: "create", Data }, answered { ItemId, ChangeKey }.
import { GraphFault, notFound, type GraphAnswer, type GraphRequest, type Handler } from './http';
import { newId, type FakeGraphMailbox, type FakeGraphMessage } from './store';

const MAX_EXPORT = 20;

/** A mailbox's id as Exchange Online shows it ("MBX:guid@tenant"). */
export const mailboxIdOf = (box: FakeGraphMailbox) => `MBX:${Buffer.from(box.user.toLowerCase()).toString('hex').slice(0, 16)}@fake`;

interface Blob {
  mime: string;
  categories: string[];
  flagStatus: FakeGraphMessage['flagStatus'];
  extended: Array<[string, string]>;
}

export class ImportSessions {
  private readonly sessions = new Map<string, { mailbox: FakeGraphMailbox; expires: number }>();

  constructor(private readonly baseUrl: () => string) {}

  create(mailbox: FakeGraphMailbox): GraphAnswer {
    const token = newId('eyJ');
    const expires = Date.now() + 60 * 60 * 1000;
    this.sessions.set(token, { mailbox, expires });
    return { status: 200, json: { importUrl: `${this.baseUrl()}/import/importItem?authtoken=${encodeURIComponent(token)}`, expirationDateTime: new Date(expires).toISOString() }, type: 'microsoft.graph.mailboxItemImportSession' };
  }

  /** One item POSTed to an importUrl. */
  importItem(url: URL, headers: Record<string, string>, body: Buffer): GraphAnswer {
    const s = this.sessions.get(url.searchParams.get('authtoken') ?? '');
    if (!s || s.expires < Date.now()) throw new GraphFault(401, 'InvalidAuthenticationToken', 'The import session is unknown or has expired.');
    if (headers.authorization) throw new GraphFault(401, 'InvalidAuthenticationToken', 'Do not send an Authorization header with a pre-authenticated import URL.');
    let j: { FolderId?: unknown; Mode?: unknown; Data?: unknown };
    try {
      j = JSON.parse(body.toString('utf8')) as typeof j;
    } catch {
      throw new GraphFault(400, 'BadRequest', 'Unable to read JSON request payload.');
    }
    const unknown = Object.keys(j).filter((k) => !['FolderId', 'Mode', 'Data'].includes(k));
    if (unknown.length) throw new GraphFault(400, 'BadRequest', `Unknown properties: ${unknown.join(', ')}.`);
    if (j.Mode !== 'create') throw new GraphFault(400, 'BadRequest', `Mode must be "create" for a new item, not ${JSON.stringify(j.Mode)}.`);
    const folder = typeof j.FolderId === 'string' ? s.mailbox.folder(j.FolderId) : undefined;
    if (!folder) throw new GraphFault(404, 'ErrorFolderNotFound', 'The folder to import into was not found.');
    const blob = parseBlob(j.Data);
    const m = s.mailbox.storeMessage(folder.id, Buffer.from(blob.mime, 'base64'), 0);
    for (const [k, v] of blob.extended) m.extended.set(k, v);
    m.categories = blob.categories;
    m.flagStatus = blob.flagStatus;
    s.mailbox.touch(m);
    return { status: 200, json: { ItemId: m.id, ChangeKey: String(m.seq) } };
  }
}

function parseBlob(data: unknown): Blob {
  try {
    const blob = JSON.parse(Buffer.from(String(data), 'base64').toString('utf8')) as Blob;
    if (typeof blob.mime === 'string') return blob;
  } catch {
    // refused below
  }
  throw new GraphFault(400, 'ErrorInvalidImportData', 'The item data is not the data of an exported item.');
}

export function exportItem(m: FakeGraphMessage): string {
  const blob: Blob = { mime: m.mime.toString('base64'), categories: m.categories, flagStatus: m.flagStatus, extended: [...m.extended] };
  return Buffer.from(JSON.stringify(blob)).toString('base64');
}

export function importExportRoutes(sessions: ImportSessions): Array<[string, string, Handler]> {
  const folderOf = (req: GraphRequest) => {
    const f = req.mailbox.folder(req.path.keys[1]);
    if (!f) throw notFound();
    return f;
  };
  const folderJson = (req: GraphRequest, id: string) => {
    const f = req.mailbox.folder(id)!;
    return { id: f.id, displayName: f.displayName, parentFolderId: f.parentFolderId, childFolderCount: req.mailbox.children(f.id).length, totalItemCount: req.mailbox.messagesIn(f.id).length, type: 'IPF.Note' };
  };
  const list = (value: unknown[], type: string): GraphAnswer => ({ status: 200, json: { value }, type, collection: true });
  return [
    ['GET', 'users/{}/settings/exchange', (req) => ({ status: 200, json: { id: newId('ex'), primaryMailboxId: mailboxIdOf(req.mailbox) }, type: 'microsoft.graph.exchangeSettings' })],
    ['GET', 'admin/exchange/mailboxes/{}/folders', (req) => list(req.mailbox.children(req.mailbox.root.id).map((f) => folderJson(req, f.id)), 'microsoft.graph.mailboxFolder')],
    ['GET', 'admin/exchange/mailboxes/{}/folders/{}/childFolders', (req) => list(req.mailbox.children(folderOf(req).id).map((f) => folderJson(req, f.id)), 'microsoft.graph.mailboxFolder')],
    ['GET', 'admin/exchange/mailboxes/{}/folders/{}/items', (req) =>
      list(req.mailbox.messagesIn(folderOf(req).id).map((m) => ({ id: m.id, size: m.mime.length, type: 'IPM.Note', createdDateTime: m.createdDateTime, lastModifiedDateTime: m.lastModifiedDateTime, changeKey: String(m.seq), categories: m.categories })), 'microsoft.graph.mailboxItem')],
    ['POST', 'admin/exchange/mailboxes/{}/exportItems', (req) => {
      const ids = req.json?.ItemIds as string[];
      if (ids.length > MAX_EXPORT) throw new GraphFault(400, 'BadRequest', `At most ${MAX_EXPORT} items can be exported in one request.`);
      const value = ids.map((itemId) => {
        const m = req.mailbox.messages.get(itemId);
        return m ? { itemId, changeKey: String(m.seq), data: exportItem(m) } : { itemId, error: { code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' } };
      });
      return list(value, 'microsoft.graph.exportItemResponse');
    }],
    ['POST', 'admin/exchange/mailboxes/{}/createImportSession', (req) => sessions.create(req.mailbox)],
  ];
}
