import {
  BasePropertySet,
  CalendarFolder,
  ContactsFolder,
  DeleteMode,
  ExtendedPropertyDefinition,
  Folder,
  FolderId,
  FolderSchema,
  FolderTraversal,
  FolderView,
  MapiPropertyType,
  PropertySet,
  TasksFolder,
  WellKnownFolderName,
} from 'ews-javascript-api';
import type { EwsContext } from './session';
import type { EwsFolder, WellKnownFolder } from './types';
import { extendedValue } from './stamp';
import { ewsCode, responseCodeError } from './errors';
import { childText, findNodes, soapCall } from './soap';

/** FindFolder page size; Exchange caps a page at 1000 (EWSFindCountLimit) and may send fewer. */
const FOLDER_PAGE = 500;

/** PidTagAttributeHidden: system folders under the root (Conversation Action Settings, …) carry it. */
const HIDDEN = new ExtendedPropertyDefinition(0x10f4, MapiPropertyType.Boolean);

/** Distinguished folder ids every Exchange 2010 SP2 server knows; "archive" is asked for apart. */
const WELL_KNOWN: WellKnownFolder[] = ['inbox', 'sentitems', 'drafts', 'deleteditems', 'junkemail', 'outbox', 'contacts', 'calendar', 'tasks', 'notes', 'journal'];

/** The message root's id; binding it is also how opening a session checks the login. */
export async function rootId(ctx: EwsContext): Promise<string> {
  if (!ctx.cache.rootId) {
    const root = await ctx.call('opening the mailbox', () => Folder.Bind(ctx.service, WellKnownFolderName.MsgFolderRoot, PropertySet.IdOnly));
    ctx.cache.rootId = root.Id.UniqueId;
  }
  return ctx.cache.rootId;
}

/**
 * The ids of the distinguished folders, once per session, in one GetFolder (Tern's own SOAP: the
 * library binds one folder per request). "archive" goes in a request of its own, as servers
 * before Exchange Online refuse the whole request for it (ErrorSchemaValidation); without it an
 * "Archive" folder directly under the root is taken instead (see listFolders()).
 */
async function wellKnownIds(ctx: EwsContext): Promise<Map<string, WellKnownFolder>> {
  if (ctx.cache.wellKnown) return ctx.cache.wellKnown;
  const map = new Map<string, WellKnownFolder>();
  const ask = async (names: WellKnownFolder[]) => {
    const ids = names.map((n) => `<t:DistinguishedFolderId Id="${n}"/>`).join('');
    const body = `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds>${ids}</m:FolderIds></m:GetFolder>`;
    const response = await soapCall(ctx, 'looking up the well-known folders', body, 'GetFolderResponse');
    // One answer per id, in order; a folder the mailbox lacks (Notes, Journal) answers ErrorFolderNotFound.
    findNodes(response.children, 'GetFolderResponseMessage').forEach((answer, i) => {
      if (answer.attrs.ResponseClass === 'Error') {
        const code = childText(answer, 'ResponseCode') ?? 'ErrorUnknown';
        if (code === 'ErrorFolderNotFound' || code === 'ErrorItemNotFound') return;
        throw responseCodeError(ctx.account, code, childText(answer, 'MessageText'), 'looking up the well-known folders');
      }
      const id = findNodes(answer.children, 'FolderId')[0]?.attrs.Id;
      if (id && names[i]) map.set(id, names[i]);
    });
  };
  await ask(WELL_KNOWN);
  try {
    await ask(['archive']);
  } catch (err) {
    // An older server that does not know "archive"; throttling or a lost connection is a failure.
    const code = ewsCode(err);
    if (code !== 'ErrorSchemaValidation' && code !== 'ErrorInvalidRequest' && code !== 'ErrorFolderNotFound') throw err;
  }
  ctx.cache.wellKnown = map;
  return map;
}

export function safeName(displayName: string): string {
  return displayName.replace(/\//g, '_');
}

export async function listFolders(ctx: EwsContext): Promise<EwsFolder[]> {
  const root = await rootId(ctx);
  const wellKnown = await wellKnownIds(ctx);
  const props = new PropertySet(BasePropertySet.IdOnly, [FolderSchema.DisplayName, FolderSchema.FolderClass, FolderSchema.ParentFolderId, FolderSchema.TotalCount, HIDDEN]);
  const raw: Array<{ id: string; parent: string; name: string; folderClass: string; total: number }> = [];
  for (let offset = 0; ; ) {
    const view = new FolderView(FOLDER_PAGE, offset);
    view.Traversal = FolderTraversal.Deep;
    view.PropertySet = props;
    const page = await ctx.call('listing folders', () => ctx.service.FindFolders(WellKnownFolderName.MsgFolderRoot, view));
    for (const f of page.Folders) {
      if (extendedValue(f.ExtendedProperties, HIDDEN) === 'true') continue;
      raw.push({
        id: f.Id.UniqueId,
        parent: f.ParentFolderId?.UniqueId ?? root,
        name: f.DisplayName ?? '',
        folderClass: f.FolderClass || 'IPF.Note',
        total: f.TotalCount ?? 0,
      });
    }
    if (!page.MoreAvailable || page.Folders.length === 0) break;
    // The library never sets NextPageOffset for folders: count instead when it is missing.
    const next = page.NextPageOffset;
    offset = typeof next === 'number' && next > offset ? next : offset + page.Folders.length;
  }
  const byId = new Map(raw.map((f) => [f.id, f]));
  const paths = new Map<string, string>();
  const pathOf = (id: string, depth = 0): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const f = byId.get(id);
    if (!f) return '';
    // Below a hidden folder (left out above) or a loop: start the path at this folder.
    const parentPath = f.parent === root || depth > 64 ? '' : pathOf(f.parent, depth + 1);
    const path = parentPath ? `${parentPath}/${safeName(f.name)}` : safeName(f.name);
    paths.set(id, path);
    return path;
  };
  const hasArchive = [...wellKnown.values()].includes('archive');
  const folders = raw
    .filter((f) => f.parent === root || byId.has(f.parent))
    .map((f): EwsFolder => {
      const folder: EwsFolder = {
        id: f.id,
        path: pathOf(f.id),
        displayName: f.name,
        folderClass: f.folderClass,
        totalCount: f.total,
      };
      if (f.parent !== root) folder.parentId = f.parent;
      const known = wellKnown.get(f.id) ?? (!hasArchive && f.parent === root && f.name === 'Archive' && f.folderClass.startsWith('IPF.Note') ? 'archive' : undefined);
      if (known) folder.wellKnown = known;
      return folder;
    });
  ctx.cache.folders = folders;
  return folders;
}

/** The folder object of the class that makes Exchange create the right kind of folder. */
function newFolder(ctx: EwsContext, folderClass: string): Folder {
  if (folderClass.startsWith('IPF.Contact')) return new ContactsFolder(ctx.service);
  if (folderClass.startsWith('IPF.Appointment')) return new CalendarFolder(ctx.service);
  if (folderClass.startsWith('IPF.Task')) return new TasksFolder(ctx.service);
  return new Folder(ctx.service);
}

export async function createFolder(ctx: EwsContext, parentId: string | undefined, displayName: string, folderClass: string): Promise<EwsFolder> {
  const known = await knownFolders(ctx);
  const parentPath = parentId ? known.find((f) => f.id === parentId)?.path : undefined;
  const folder = newFolder(ctx, folderClass);
  folder.DisplayName = displayName;
  folder.FolderClass = folderClass;
  const parent = parentId ? new FolderId(parentId) : new FolderId(WellKnownFolderName.MsgFolderRoot);
  try {
    await ctx.call(`creating folder "${displayName}"`, () => folder.Save(parent));
  } catch (err) {
    // Already there (a resumed task, or created meanwhile): that folder is the answer.
    if (ewsCode(err) === 'ErrorFolderExists') {
      const existing = (await listFolders(ctx)).find((f) => f.parentId === parentId && f.displayName === displayName);
      if (existing) return { ...existing, existed: true };
    }
    throw err;
  }
  const created: EwsFolder = {
    id: folder.Id.UniqueId,
    path: parentPath ? `${parentPath}/${safeName(displayName)}` : safeName(displayName),
    displayName,
    folderClass,
    totalCount: 0,
  };
  if (parentId) created.parentId = parentId;
  ctx.cache.folders?.push(created);
  return created;
}

export async function deleteFolder(ctx: EwsContext, id: string): Promise<void> {
  try {
    const folder = await ctx.call('finding a folder to delete', () => Folder.Bind(ctx.service, new FolderId(id), PropertySet.IdOnly));
    await ctx.call('deleting a folder', () => folder.Delete(DeleteMode.HardDelete));
  } catch (err) {
    if (GONE.has(ewsCode(err) ?? '')) return;
    throw err;
  }
  if (ctx.cache.folders) ctx.cache.folders = ctx.cache.folders.filter((f) => f.id !== id && f.parentId !== id);
}

const GONE = new Set(['ErrorItemNotFound', 'ErrorFolderNotFound', 'ErrorInvalidIdNotAnItemAttachmentId', 'ErrorInvalidIdMalformed']);

export async function countItems(ctx: EwsContext, folderId: string): Promise<number> {
  const folder = await ctx.call('counting items', () =>
    Folder.Bind(ctx.service, new FolderId(folderId), new PropertySet(BasePropertySet.IdOnly, [FolderSchema.TotalCount])),
  );
  return folder.TotalCount ?? 0;
}

/** The folders, from this session's listing when there is one (rules map many references). */
export async function knownFolders(ctx: EwsContext): Promise<EwsFolder[]> {
  return ctx.cache.folders ?? listFolders(ctx);
}
