import {
  BasePropertySet,
  DateTime,
  DefaultExtendedPropertySet,
  EmailMessage,
  EmailMessageSchema,
  ExtendedPropertyDefinition,
  FolderId,
  ItemId,
  ItemSchema,
  ItemView,
  MapiPropertyType,
  MessageDisposition,
  MimeContent,
  PropertySet,
  SortDirection,
  StringList,
} from 'ews-javascript-api';
import type { EmailAddress, Item, PropertyDefinitionBase, ServiceResponse } from 'ews-javascript-api';
import type { EwsContext } from './session';
import { BATCH, chunks } from './session';
import type { CreateResult, EwsMessageSummary, NewMessage } from './types';
import { extendedValue } from './stamp';
import { errorName, requestRefused } from './errors';
import { TernError } from '../../errors';
import { retryBusyItems } from './throttle';
import { isBusy, isSuccess } from './responses';

/** FindItem page size; Exchange caps pages at 1000 by default and may return fewer (IncludesLastItemInRange). */
export const ITEM_PAGE = 1000;
/** GetItem with MIME: the answers carry whole messages, so fewer per request. */
const MIME_BATCH = 20;

/** PidTagMessageFlags: bit 1 is "read"; without bit 8 ("unsent") the message is not a draft. */
const MESSAGE_FLAGS = new ExtendedPropertyDefinition(0x0e07, MapiPropertyType.Integer);
/** PidTagMessageDeliveryTime: the received date Exchange shows. */
const DELIVERY_TIME = new ExtendedPropertyDefinition(0x0e06, MapiPropertyType.SystemTime);
/** PidTagFlagStatus (2 = flagged): EWS's Flag element needs Exchange 2013, this works from 2010. */
const FLAG_STATUS = new ExtendedPropertyDefinition(0x1090, MapiPropertyType.Integer);
/** PidTagFollowupIcon (6 = red flag), which Outlook shows next to the flag. */
const FOLLOWUP_ICON = new ExtendedPropertyDefinition(0x1095, MapiPropertyType.Integer);

const MSGFLAG_READ = 0x1;

/**
 * Tern's mark on a message it writes (a named property, invisible to users; the MIME stays as it
 * was): a write whose answer was lost is recognised by it, never by content alone.
 */
const WRITE_MARK = new ExtendedPropertyDefinition(DefaultExtendedPropertySet.PublicStrings, 'TernWriteMark', MapiPropertyType.String);

/** A property of an item as loaded, or undefined (the library throws on some unset properties). */
export function prop<T>(item: Item, def: PropertyDefinitionBase): T | undefined {
  const out = { outValue: null as T | null };
  try {
    return item.TryGetProperty<T | null>(def, out) && out.outValue !== null ? out.outValue : undefined;
  } catch {
    return undefined;
  }
}

export function iso(dt: DateTime | undefined | null): string | undefined {
  if (!dt || typeof dt.TotalMilliSeconds !== 'number' || Number.isNaN(dt.TotalMilliSeconds)) return undefined;
  return new Date(dt.TotalMilliSeconds).toISOString();
}

export function stringsOf(list: StringList | undefined | null): string[] {
  return list ? [...list.GetEnumerator()] : [];
}

/** All messages of a mail folder, oldest first, with what dedupe and copying need; no bodies. */
export async function scanMessages(ctx: EwsContext, folderId: string): Promise<EwsMessageSummary[]> {
  const props = new PropertySet(BasePropertySet.IdOnly, [
    ItemSchema.Size,
    EmailMessageSchema.IsRead,
    ItemSchema.Categories,
    EmailMessageSchema.InternetMessageId,
    ItemSchema.Subject,
    EmailMessageSchema.From,
    ItemSchema.DateTimeSent,
    ItemSchema.DateTimeReceived,
    FLAG_STATUS,
    WRITE_MARK,
  ]);
  const out: EwsMessageSummary[] = [];
  for await (const item of findAll(ctx, folderId, props, 'reading the message list')) {
    const from = prop<EmailAddress>(item, EmailMessageSchema.From);
    const summary: EwsMessageSummary = {
      id: item.Id.UniqueId,
      size: prop<number>(item, ItemSchema.Size) ?? 0,
      isRead: prop<boolean>(item, EmailMessageSchema.IsRead) ?? true,
      flagged: extendedValue(item.ExtendedProperties, FLAG_STATUS) === '2',
      categories: stringsOf(prop<StringList>(item, ItemSchema.Categories)),
    };
    const messageId = prop<string>(item, EmailMessageSchema.InternetMessageId);
    if (messageId) summary.internetMessageId = messageId;
    const subject = prop<string>(item, ItemSchema.Subject);
    if (subject) summary.subject = subject;
    const address = from?.Address || from?.Name;
    if (address) summary.from = address;
    const sentAt = iso(prop<DateTime>(item, ItemSchema.DateTimeSent));
    if (sentAt) summary.sentAt = sentAt;
    const receivedAt = iso(prop<DateTime>(item, ItemSchema.DateTimeReceived));
    if (receivedAt) summary.receivedAt = receivedAt;
    const mark = extendedValue(item.ExtendedProperties, WRITE_MARK);
    if (mark) summary.mark = mark;
    out.push(summary);
  }
  return out;
}

/**
 * Every item of a folder, a FindItem page at a time, oldest first so offsets stay put while
 * Tern adds items at the end. Pages follow the server's answer (NextPageOffset), not the size
 * asked for: Exchange may send fewer than asked.
 */
export async function* findAll(ctx: EwsContext, folderId: string, props: PropertySet, what: string): AsyncGenerator<Item> {
  for (let offset = 0; ; ) {
    const view = new ItemView(ITEM_PAGE, offset);
    view.PropertySet = props;
    view.OrderBy.Add(ItemSchema.DateTimeReceived, SortDirection.Ascending);
    const page = await ctx.call(what, () => ctx.service.FindItems(new FolderId(folderId), view));
    yield* page.Items;
    if (!page.MoreAvailable || page.Items.length === 0) return;
    const next = page.NextPageOffset;
    offset = typeof next === 'number' && next > offset ? next : offset + page.Items.length;
  }
}

/** MIME sources by ItemId; items gone (or that the server cannot give) are left out. */
export async function fetchMime(ctx: EwsContext, ids: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const props = new PropertySet(BasePropertySet.IdOnly, [ItemSchema.MimeContent]);
  for (const batch of chunks(ids, MIME_BATCH)) {
    const answers = await retryBusyItems(
      batch,
      async (some) => (await ctx.call('reading messages', () => ctx.service.BindToItems(some.map((id) => new ItemId(id)), props))).Responses,
      isBusy,
    );
    answers.forEach((answer, i) => {
      const content = isSuccess(answer) ? answer.Item?.MimeContent?.Content : undefined;
      if (content) out.set(batch[i], Buffer.from(content, 'base64'));
    });
  }
  return out;
}

function newEmail(ctx: EwsContext, m: NewMessage): EmailMessage {
  const msg = new EmailMessage(ctx.service);
  msg.MimeContent = new MimeContent('UTF-8', m.mime.toString('base64'));
  msg.IsRead = m.isRead;
  if (m.categories.length) msg.Categories = new StringList(m.categories);
  msg.SetExtendedProperty(MESSAGE_FLAGS, m.isRead ? MSGFLAG_READ : 0);
  if (m.receivedAt) msg.SetExtendedProperty(DELIVERY_TIME, new DateTime(Date.parse(m.receivedAt)));
  if (m.mark) msg.SetExtendedProperty(WRITE_MARK, m.mark);
  if (m.flagged) {
    msg.SetExtendedProperty(FLAG_STATUS, 2);
    msg.SetExtendedProperty(FOLLOWUP_ICON, 6);
  }
  return msg;
}

/**
 * CreateItem (SaveOnly) with MimeContent, many per request; one answer per message, in order.
 * When the server refuses a whole request for what it carries (a message too big for it), the
 * messages are sent again one at a time, so only the culprit fails.
 */
export async function createMessages(ctx: EwsContext, folderId: string, messages: NewMessage[]): Promise<CreateResult[]> {
  const results: CreateResult[] = [];
  for (const batch of chunks(messages, BATCH)) {
    try {
      results.push(...(await createBatch(ctx, folderId, batch)));
    } catch (err) {
      if (!requestRefused(err)) throw err;
      for (const one of batch) {
        try {
          results.push(...(await createBatch(ctx, folderId, [one])));
        } catch (e) {
          if (!requestRefused(e)) throw e;
          results.push({ error: e instanceof TernError ? e.userMessage : String(e) });
        }
      }
    }
  }
  return results;
}

async function createBatch(ctx: EwsContext, folderId: string, batch: NewMessage[]): Promise<CreateResult[]> {
  const created: Array<{ answer: ServiceResponse; item: EmailMessage }> = await retryBusyItems(
    batch,
    async (some) => {
      const items = some.map((m) => newEmail(ctx, m));
      const answers = await ctx.call('saving messages', () => ctx.service.CreateItems(items, new FolderId(folderId), MessageDisposition.SaveOnly, null as never));
      return answers.Responses.map((answer, i) => ({ answer, item: items[i] }));
    },
    (r) => isBusy(r.answer),
  );
  return created.map(({ answer, item }) => {
    const id = isSuccess(answer) ? item.Id?.UniqueId : undefined;
    return id ? { id } : { error: answerError(answer) };
  });
}

export function answerError(answer: ServiceResponse): string {
  const message = answer.ErrorMessage ? `: ${answer.ErrorMessage}` : '';
  return `${errorName(answer.ErrorCode)}${message}`;
}
