import {
  AffectedTaskOccurrence,
  DeleteMode,
  ItemId,
  ItemSchema,
  PropertySet,
  SendCancellationsMode,
} from 'ews-javascript-api';
import type { Item, PropertyDefinitionBase } from 'ews-javascript-api';
import { TernError } from '../../errors';
import type { PimItem, PimKind } from '../../ports/pim-items';
import type { EwsContext } from './session';
import { BATCH, chunks } from './session';
import { bindAll } from './item-base';
import type { EwsFolder, ReadOptions, StoredItem } from './types';
import { findAll, prop } from './messages';
import { readStamp } from './stamp';
import { retryBusyItems } from './throttle';
import { isBusy, isGone, isSuccess } from './responses';
import { answerError } from './messages';
import { contactProperties, createContact, readContact } from './contacts';
import { createGroup, groupProperties, readGroup } from './groups';
import { createEvent, eventProperties, readEvent, zonesOf } from './calendar';
import { createTask, readTask, taskProperties } from './tasks';

/** Item IDs of a folder (for calendars FindItem gives masters and single events, not occurrences). */
export async function listItemIds(ctx: EwsContext, folderId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of findAll(ctx, folderId, PropertySet.IdOnly, 'listing items')) ids.push(item.Id.UniqueId);
  return ids;
}

/** Item classes of each kind: a contact folder holds contacts and groups, a tasks folder task requests too. */
const ITEM_CLASS: Record<PimKind, RegExp> = {
  contact: /^IPM\.Contact(\.|$)/i,
  group: /^IPM\.DistList(\.|$)/i,
  event: /^IPM\.Appointment(\.|$)/i,
  task: /^IPM\.Task(\.|$)/i,
};

/** Only the items of `kind` among `ids`: the others are left out, whatever the folder mixes. */
async function bindKind(ctx: EwsContext, kind: PimKind, ids: string[], props: PropertyDefinitionBase[], what: string, responses?: string[]): Promise<Item[]> {
  const items = await bindAll(ctx, ids, [...props, ItemSchema.ItemClass], what, responses);
  return items.filter((item) => ITEM_CLASS[kind].test(prop<string>(item, ItemSchema.ItemClass) ?? ''));
}

/** The folder's items of `kind` (a contact folder mixes contacts and groups), in neutral shapes. */
export async function readItems(ctx: EwsContext, kind: PimKind, folder: EwsFolder, ids: string[], options: ReadOptions = {}): Promise<StoredItem[]> {
  const attachments = options.attachments !== false;
  switch (kind) {
    case 'contact': {
      const items = await bindKind(ctx, kind, ids, contactProperties(), 'reading contacts');
      return Promise.all(items.map((item) => stored(readContact(ctx, item, folder, { photo: true, attachments }), item)));
    }
    case 'group': {
      const items = await bindKind(ctx, kind, ids, groupProperties(), 'reading contact groups');
      return Promise.all(items.map((item) => stored(readGroup(item, folder), item)));
    }
    case 'event': {
      const xml: string[] = [];
      const items = await bindKind(ctx, kind, ids, eventProperties(), 'reading calendar events', xml);
      const zones = zonesOf(xml);
      const out: StoredItem[] = [];
      // One at a time: each recurring master reads its modified occurrences too.
      for (const item of items) out.push(await stored(readEvent(ctx, item, folder, zones.get(item.Id.UniqueId), { attachments }), item));
      return out;
    }
    case 'task': {
      const items = await bindKind(ctx, kind, ids, taskProperties(), 'reading tasks');
      return Promise.all(items.map((item) => stored(readTask(ctx, item, folder, { attachments }), item)));
    }
  }
}

async function stored(data: PimItem | Promise<PimItem>, item: Item): Promise<StoredItem> {
  const out: StoredItem = { ...(await data), id: item.Id.UniqueId };
  const stamp = readStamp(item);
  if (stamp !== undefined) out.stamp = stamp;
  return out;
}

export async function createItem(ctx: EwsContext, folderId: string, item: PimItem, options: { stamp: string; contactIds?: ReadonlyMap<string, string> }): Promise<string> {
  switch (item.kind) {
    case 'contact':
      return createContact(ctx, folderId, item, options.stamp);
    case 'group':
      return createGroup(ctx, folderId, item, options.stamp, options.contactIds ?? new Map());
    case 'event':
      return createEvent(ctx, folderId, item, options.stamp);
    case 'task':
      return createTask(ctx, folderId, item, options.stamp);
  }
}

/** Hard delete in batches; items already gone are not an error, nobody is sent a cancellation. */
export async function deleteItems(ctx: EwsContext, ids: string[]): Promise<void> {
  for (const batch of chunks(ids, BATCH)) {
    const answers = await retryBusyItems(
      batch,
      async (some) =>
        (
          await ctx.call('deleting items', () =>
            ctx.service.DeleteItems(
              some.map((id) => new ItemId(id)),
              DeleteMode.HardDelete,
              SendCancellationsMode.SendToNone,
              AffectedTaskOccurrence.AllOccurrences,
            ),
          )
        ).Responses,
      isBusy,
    );
    const failed = answers.find((a) => !isSuccess(a) && !isGone(a));
    if (failed) throw new TernError('PROTOCOL_ERROR', `Exchange server ${ctx.account.host} refused to delete an item (${answerError(failed)}).`);
  }
}
