// GetFolder, FindFolder, CreateFolder, DeleteFolder.
import { readExtended } from '../extended';
import type { ExtProp, StoredFolder } from '../model';
import { folderView, parseShape, renderFolder } from '../render';
import { EwsError, message, responseRoot } from '../soap';
import { NS, attr, child, childText, elements } from '../xml';
import type { OpContext } from './context';
import { page } from './paging';
import { restrict } from './restriction';

const m = (parent: Element | undefined, name: string) => child(parent, name, NS.m);

export function getFolder(ctx: OpContext): string {
  const shape = parseShape(m(ctx.body, 'FolderShape'));
  const msgs = elements(m(ctx.body, 'FolderIds')).map((el) =>
    message('GetFolderResponseMessage', () => `<m:Folders>${renderFolder(ctx.mailbox, ctx.mailbox.resolveFolder(el), shape)}</m:Folders>`),
  );
  return responseRoot('GetFolderResponse', `<m:ResponseMessages>${msgs.join('')}</m:ResponseMessages>`);
}

export function findFolder(ctx: OpContext): string {
  const mb = ctx.mailbox;
  const shape = parseShape(m(ctx.body, 'FolderShape'));
  const traversal = attr(ctx.body, 'Traversal') ?? 'Shallow';
  const view = m(ctx.body, 'IndexedPageFolderView') ?? m(ctx.body, 'FractionalPageFolderView');
  const restriction = m(ctx.body, 'Restriction');
  const msgs = elements(m(ctx.body, 'ParentFolderIds')).map((el) =>
    message('FindFolderResponseMessage', () => {
      const parent = mb.resolveFolder(el);
      const found = traversal === 'Deep' ? mb.descendants(parent.n) : traversal === 'Shallow' ? mb.childFolders(parent.n) : [];
      const candidates = restrict(found.map((f) => ({ f, view: folderView(mb, f) })), restriction);
      const p = page(candidates, view, ctx.pageLimit);
      return `<m:RootFolder${p.attrs}><t:Folders>${p.slice.map((c) => renderFolder(mb, c.f, shape)).join('')}</t:Folders></m:RootFolder>`;
    }),
  );
  return responseRoot('FindFolderResponse', `<m:ResponseMessages>${msgs.join('')}</m:ResponseMessages>`);
}

const CLASS_OF_ELEMENT: Record<string, string> = { Folder: 'IPF.Note', CalendarFolder: 'IPF.Appointment', ContactsFolder: 'IPF.Contact', TasksFolder: 'IPF.Task' };

export function createFolder(ctx: OpContext): string {
  const mb = ctx.mailbox;
  let parent: StoredFolder | undefined;
  let parentError: EwsError | undefined;
  try {
    parent = mb.resolveFolderIn(m(ctx.body, 'ParentFolderId'), 'ErrorParentFolderNotFound');
  } catch (e) {
    if (!(e instanceof EwsError)) throw e;
    parentError = e;
  }
  const msgs = elements(m(ctx.body, 'Folders')).map((el) =>
    message('CreateFolderResponseMessage', () => {
      if (parentError) throw parentError;
      const name = el.localName!;
      if (!CLASS_OF_ELEMENT[name]) throw new EwsError('ErrorInvalidFolderTypeForOperation', `The fake cannot create a t:${name}.`);
      const displayName = childText(el, 'DisplayName');
      if (!displayName) throw new EwsError('ErrorObjectValidationFailed', 'A folder needs a DisplayName.');
      const ext = new Map<string, ExtProp>();
      for (const x of elements(el, 'ExtendedProperty')) {
        const p = readExtended(x);
        ext.set(p.key, p);
      }
      const f = mb.createFolder(parent!, displayName, childText(el, 'FolderClass') ?? CLASS_OF_ELEMENT[name], ext);
      return `<m:Folders><t:${name}>${mb.folderIdXml(f)}</t:${name}></m:Folders>`;
    }),
  );
  return responseRoot('CreateFolderResponse', `<m:ResponseMessages>${msgs.join('')}</m:ResponseMessages>`);
}

export function deleteFolder(ctx: OpContext): string {
  const mb = ctx.mailbox;
  const type = attr(ctx.body, 'DeleteType') ?? 'HardDelete';
  const msgs = elements(m(ctx.body, 'FolderIds')).map((el) =>
    message('DeleteFolderResponseMessage', () => {
      const f = mb.resolveFolder(el);
      if (f.distinguishedId) throw new EwsError('ErrorDeleteDistinguishedFolder');
      const bin = [...mb.folderMap.values()].find((x) => x.distinguishedId === 'deleteditems')!;
      if (type === 'MoveToDeletedItems' && f.parent !== bin.n) {
        const parent = mb.folderMap.get(f.parent!)!;
        f.parent = bin.n;
        mb.folderVersionBump(parent);
        mb.folderVersionBump(bin);
      } else {
        mb.removeFolder(f);
      }
      return '';
    }),
  );
  return responseRoot('DeleteFolderResponse', `<m:ResponseMessages>${msgs.join('')}</m:ResponseMessages>`);
}
