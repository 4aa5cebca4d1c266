import type { DestinationFolder, FolderRemoval } from '../../ports/mail';
import type { ExchangeFolders } from './folder-index';
import type { EwsSession } from './types';

/** Hard-deletes a folder that holds no item and no folder; a folder already gone counts as removed. */
export async function removeFolderIfEmpty(ews: EwsSession, index: ExchangeFolders, folder: DestinationFolder): Promise<FolderRemoval> {
  const current = await ews.folders();
  if (!current.some((f) => f.id === folder.id)) return { removed: true };
  const left = await ews.countItems(folder.id);
  if (left > 0) return { removed: false, holds: `${left} item(s)` };
  if (current.some((f) => f.parentId === folder.id)) return { removed: false, holds: 'folders' };
  await ews.deleteFolder(folder.id);
  index.forget(folder.id);
  return { removed: true };
}
