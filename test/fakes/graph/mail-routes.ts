// Mail folders and messages: listing (paged, $select, $expand of extended properties), delta,
// MIME read ($value), MIME and JSON create, PATCH of read state, flag, categories and extended
// properties, delete. Folder ids may be well-known names (inbox, sentitems…).
import { GraphFault, notFound, type GraphAnswer, type GraphRequest, type Handler } from './http';
import { page, type PageOptions } from './paging';
import { extendedKey, renderFolder, renderMessage, select } from './render';
import { MSGFLAG_READ, MSGFLAG_UNSENT, type FakeGraphFolder, type FakeGraphMessage } from './store';

const FOLDER = 'microsoft.graph.mailFolder';
const MESSAGE = 'microsoft.graph.message';

function folderOf(req: GraphRequest, key: string): FakeGraphFolder {
  const f = req.mailbox.folder(key);
  if (!f) throw notFound();
  return f;
}

function messageOf(req: GraphRequest, key: string, folderKey?: string): FakeGraphMessage {
  const m = req.mailbox.messages.get(key);
  if (!m || (folderKey !== undefined && m.folderId !== folderOf(req, folderKey).id)) throw notFound();
  return m;
}

function removableFolder(req: GraphRequest): FakeGraphFolder {
  const f = folderOf(req, req.path.keys[1]);
  if (f.wellKnownName) throw new GraphFault(403, 'ErrorDeleteDistinguishedFolder', 'Distinguished folders cannot be deleted.');
  return f;
}

const selected = (req: GraphRequest) => req.query.get('$select')?.split(',').map((s) => s.trim());

/** The ids of `$expand=singleValueExtendedProperties($filter=id eq '…' or id eq '…')`. */
function expandedIds(req: GraphRequest, type = MESSAGE): string[] | undefined {
  const expand = req.query.get('$expand');
  if (!expand) return undefined;
  const m = /^singleValueExtendedProperties\(\$filter=(.*)\)$/.exec(expand.trim());
  if (!m) throw new GraphFault(400, 'BadRequest', `Parsing OData Select and Expand failed: could not find a property named '${expand.split('(')[0]}' on type '${type}'.`);
  const ids = [...m[1].matchAll(/id eq '([^']+)'/g)].map((x) => x[1]);
  if (ids.length === 0) throw new GraphFault(400, 'BadRequest', 'Invalid filter clause: only id eq comparisons are supported on extended properties.');
  return ids;
}

const messageJson = (req: GraphRequest, m: FakeGraphMessage) => select(renderMessage(req.mailbox, m, expandedIds(req)), selected(req));

function listFolders(req: GraphRequest, parentId: string, options: PageOptions): GraphAnswer {
  const folders = req.mailbox.children(parentId).map((f) => select(renderFolder(req.mailbox, f), selected(req)));
  return page(req, folders, FOLDER, options);
}

function createFolder(req: GraphRequest, parentId: string): GraphAnswer {
  const name = req.json?.displayName;
  if (typeof name !== 'string' || name.trim() === '') throw new GraphFault(400, 'ErrorInvalidParameter', 'The folder name must not be empty.');
  if (req.mailbox.children(parentId).some((f) => f.displayName.toLowerCase() === name.toLowerCase())) {
    throw new GraphFault(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
  }
  const f = req.mailbox.addFolderUnder(parentId, name);
  return { status: 201, json: renderFolder(req.mailbox, f), type: FOLDER };
}

function createMessage(req: GraphRequest, folderId: string): GraphAnswer {
  const box = req.mailbox;
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  let m: FakeGraphMessage;
  if (type === 'text/plain') {
    // MIME create: the body is the RFC 822 source in base64; the message is saved as a draft.
    const text = req.body.toString('latin1').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length === 0) throw new GraphFault(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
    const mime = Buffer.from(text, 'base64');
    if (!/^[\x21-\x39\x3b-\x7e]+:/m.test(mime.subarray(0, 1000).toString('latin1'))) throw new GraphFault(400, 'ErrorMimeContentInvalid', 'The MIME content is not valid.');
    m = box.storeMessage(folderId, mime, MSGFLAG_UNSENT);
  } else if (type === 'application/json') {
    const j = req.json ?? {};
    const body = (j.body as { content?: string } | undefined)?.content ?? '';
    const mime = Buffer.from(`Subject: ${String(j.subject ?? '')}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`);
    m = box.storeMessage(folderId, mime, MSGFLAG_UNSENT);
    applyPatch(req, m, j);
  } else {
    throw new GraphFault(415, 'UnsupportedMediaType', `Content-Type '${type}' is not supported: send application/json or text/plain (MIME in base64).`);
  }
  return { status: 201, json: renderMessage(box, m), type: MESSAGE };
}

/** What a PATCH (or a JSON create) may change: read state, flag, categories, extended properties. */
function applyPatch(req: GraphRequest, m: FakeGraphMessage, j: Record<string, unknown>): void {
  const box = req.mailbox;
  for (const p of (j.singleValueExtendedProperties as Array<{ id: string; value: string }> | undefined) ?? []) {
    const key = extendedKey(p.id);
    if (key === 'integer 0x0e08') throw new GraphFault(400, 'ErrorInvalidPropertySet', 'PR_MESSAGE_SIZE is computed by the server and cannot be set.');
    if (key.startsWith('systemtime') && Number.isNaN(Date.parse(p.value))) throw new GraphFault(400, 'ErrorInvalidExtendedPropertyValue', `The value '${p.value}' of ${p.id} is not a date.`);
    if (key.startsWith('integer') && !/^-?\d+$/.test(p.value)) throw new GraphFault(400, 'ErrorInvalidExtendedPropertyValue', `The value '${p.value}' of ${p.id} is not an integer.`);
    m.extended.set(key, p.value);
  }
  if (typeof j.isRead === 'boolean') {
    const flags = box.flagsOf(m);
    m.extended.set('integer 0x0e07', String(j.isRead ? flags | MSGFLAG_READ : flags & ~MSGFLAG_READ));
  }
  if (Array.isArray(j.categories)) m.categories = j.categories as string[];
  const flag = j.flag as { flagStatus?: FakeGraphMessage['flagStatus'] } | undefined;
  if (flag?.flagStatus) m.flagStatus = flag.flagStatus;
  box.touch(m);
}

function delta(req: GraphRequest, folder: FakeGraphFolder, options: PageOptions): GraphAnswer {
  const box = req.mailbox;
  const since = req.query.get('$deltatoken');
  const from = since === null ? 0 : Number(since);
  if (!Number.isInteger(from) || from < 0 || from > box.currentSeq) throw new GraphFault(410, 'SyncStateNotFound', 'The sync state generation is not found: restart the sync without a delta token.');
  const changed = box.messagesIn(folder.id).filter((m) => m.seq > from).sort((a, b) => a.seq - b.seq).map((m) => messageJson(req, m));
  const removed = since === null ? [] : box.tombstones.filter((t) => t.set === 'messages' && t.parentId === folder.id && t.seq > from).map((t) => ({ id: t.id, '@removed': { reason: 'deleted' } }));
  return page(req, [...changed, ...removed], MESSAGE, options, { seq: box.currentSeq });
}

export function mailRoutes(options: PageOptions): Array<[string, string, Handler]> {
  const root = (req: GraphRequest) => req.mailbox.root.id;
  return [
    ['GET', 'users/{}/mailFolders', (req) => listFolders(req, root(req), options)],
    ['POST', 'users/{}/mailFolders', (req) => createFolder(req, root(req))],
    ['GET', 'users/{}/mailFolders/{}', (req) => ({ status: 200, json: select(renderFolder(req.mailbox, folderOf(req, req.path.keys[1]), expandedIds(req, FOLDER)), selected(req)), type: FOLDER })],
    ['PATCH', 'users/{}/mailFolders/{}', (req) => {
      const f = folderOf(req, req.path.keys[1]);
      if (typeof req.json?.displayName === 'string') f.displayName = req.json.displayName;
      return { status: 200, json: renderFolder(req.mailbox, f), type: FOLDER };
    }],
    // DELETE moves to Deleted Items (as Graph does); permanentDelete removes for good.
    ['DELETE', 'users/{}/mailFolders/{}', (req) => {
      const f = removableFolder(req);
      const trash = req.mailbox.folder('deleteditems')!;
      if (f.parentFolderId === trash.id) req.mailbox.deleteFolder(f.id);
      else f.parentFolderId = trash.id;
      req.mailbox.touch(f);
      return { status: 204 };
    }],
    ['POST', 'users/{}/mailFolders/{}/permanentDelete', (req) => {
      req.mailbox.deleteFolder(removableFolder(req).id);
      return { status: 204 };
    }],
    ['GET', 'users/{}/mailFolders/{}/childFolders', (req) => listFolders(req, folderOf(req, req.path.keys[1]).id, options)],
    ['POST', 'users/{}/mailFolders/{}/childFolders', (req) => createFolder(req, folderOf(req, req.path.keys[1]).id)],
    ['GET', 'users/{}/mailFolders/{}/messages', (req) => {
      const f = folderOf(req, req.path.keys[1]);
      return page(req, req.mailbox.messagesIn(f.id).map((m) => messageJson(req, m)), MESSAGE, options);
    }],
    ['GET', 'users/{}/mailFolders/{}/messages/$count', (req) => ({ status: 200, raw: Buffer.from(String(req.mailbox.messagesIn(folderOf(req, req.path.keys[1]).id).length)), headers: { 'content-type': 'text/plain' } })],
    ['GET', 'users/{}/mailFolders/{}/messages/delta', (req) => delta(req, folderOf(req, req.path.keys[1]), options)],
    ['POST', 'users/{}/mailFolders/{}/messages', (req) => createMessage(req, folderOf(req, req.path.keys[1]).id)],
    ['GET', 'users/{}/messages/{}', (req) => ({ status: 200, json: messageJson(req, messageOf(req, req.path.keys[1])), type: MESSAGE })],
    ['GET', 'users/{}/mailFolders/{}/messages/{}', (req) => ({ status: 200, json: messageJson(req, messageOf(req, req.path.keys[2], req.path.keys[1])), type: MESSAGE })],
    ['GET', 'users/{}/messages/{}/$value', (req) => ({ status: 200, raw: messageOf(req, req.path.keys[1]).mime, headers: { 'content-type': 'text/plain' } })],
    ['GET', 'users/{}/mailFolders/{}/messages/{}/$value', (req) => ({ status: 200, raw: messageOf(req, req.path.keys[2], req.path.keys[1]).mime, headers: { 'content-type': 'text/plain' } })],
    ['PATCH', 'users/{}/messages/{}', (req) => {
      const m = messageOf(req, req.path.keys[1]);
      applyPatch(req, m, req.json ?? {});
      return { status: 200, json: renderMessage(req.mailbox, m), type: MESSAGE };
    }],
    ['DELETE', 'users/{}/messages/{}', (req) => {
      const m = messageOf(req, req.path.keys[1]);
      const trash = req.mailbox.folder('deleteditems')!;
      if (m.folderId === trash.id) req.mailbox.deleteMessage(m.id);
      else {
        req.mailbox.tombstones.push({ id: m.id, parentId: m.folderId, set: 'messages', seq: req.mailbox.nextSeq() });
        m.folderId = trash.id;
        req.mailbox.touch(m);
      }
      return { status: 204 };
    }],
    ['POST', 'users/{}/messages/{}/permanentDelete', (req) => {
      if (!req.mailbox.deleteMessage(req.path.keys[1])) throw notFound();
      return { status: 204 };
    }],
  ];
}
