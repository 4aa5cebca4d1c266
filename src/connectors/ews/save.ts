import { DeleteMode } from 'ews-javascript-api';
import type { Item } from 'ews-javascript-api';
import type { EwsContext } from './session';

/**
 * Saves a new item (CreateItem, then whatever the library sends after it: attachments it could
 * not put inside CreateItem) and returns its ItemId. If any part fails, the half-saved item is
 * removed, so a retry finds no stray copy (without a stamp match, it would become a duplicate).
 */
export async function saveNew(ctx: EwsContext, item: Item, what: string, save: () => Promise<unknown>): Promise<string> {
  try {
    await ctx.call(what, save);
  } catch (err) {
    await removeHalfCreated(ctx, item);
    throw err;
  }
  return item.Id.UniqueId;
}

/** Hard-deletes an item that was created but is not complete; quietly, since the caller reports the real failure. */
export async function removeHalfCreated(ctx: EwsContext, item: Item): Promise<void> {
  let id: string | undefined;
  try {
    id = item.Id?.UniqueId;
  } catch {
    id = undefined; // never created: the library throws when an item has no id yet
  }
  if (!id) return;
  await ctx.call('removing a half-saved item', () => item.Delete(DeleteMode.HardDelete)).catch(() => {});
}
