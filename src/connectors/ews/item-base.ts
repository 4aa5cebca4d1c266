import { BasePropertySet, BodyType, Importance, ItemId, ItemSchema, MessageBody, PropertySet, Sensitivity, StringList } from 'ews-javascript-api';
import type { Item, PropertyDefinitionBase } from 'ews-javascript-api';
import { TernError } from '../../errors';
import type { PimBase } from '../../ports/pim-items';
import type { EwsContext } from './session';
import { BATCH, chunks } from './session';
import type { EwsFolder } from './types';
import { answerError, prop, stringsOf } from './messages';
import { STAMP, setStamp } from './stamp';
import { retryBusyItems } from './throttle';
import { isBusy, isGone, isSuccess } from './responses';

/** What every item kind shares: the common properties, read and written alike, and batched GetItem. */

/** The PimBase properties every kind reads. */
export const BASE_PROPERTIES: PropertyDefinitionBase[] = [ItemSchema.Subject, ItemSchema.Body, ItemSchema.Categories, ItemSchema.Importance, ItemSchema.Sensitivity, STAMP];

export function readBase(item: Item, folder: EwsFolder): Omit<PimBase, 'kind'> {
  const base: Omit<PimBase, 'kind'> = { sourceId: item.Id.UniqueId, folder: folder.path, categories: stringsOf(prop<StringList>(item, ItemSchema.Categories)) };
  const subject = prop<string>(item, ItemSchema.Subject);
  if (subject) base.subject = subject;
  const body = prop<MessageBody>(item, ItemSchema.Body);
  if (body?.Text) base.body = { type: body.BodyType === BodyType.Text ? 'text' : 'html', content: body.Text };
  const importance = prop<Importance>(item, ItemSchema.Importance);
  if (importance !== undefined && Importance[importance]) base.importance = Importance[importance] as PimBase['importance'];
  const sensitivity = prop<Sensitivity>(item, ItemSchema.Sensitivity);
  if (sensitivity !== undefined && Sensitivity[sensitivity]) base.sensitivity = Sensitivity[sensitivity] as PimBase['sensitivity'];
  return base;
}

export function writeBase(item: Item, data: PimBase, stamp: string): void {
  if (data.subject !== undefined) item.Subject = data.subject;
  if (data.body) item.Body = new MessageBody(data.body.type === 'text' ? BodyType.Text : BodyType.HTML, data.body.content);
  if (data.categories.length) item.Categories = new StringList(data.categories);
  if (data.importance) item.Importance = Importance[data.importance];
  if (data.sensitivity) item.Sensitivity = Sensitivity[data.sensitivity];
  setStamp(item, stamp);
}

/**
 * GetItem of many items with one property set, ≤ 50 a call; items gone are left out. With
 * `responses`, the answers' XML is collected there too.
 */
export async function bindAll(ctx: EwsContext, ids: string[], props: PropertyDefinitionBase[], what: string, responses?: string[]): Promise<Item[]> {
  const set = new PropertySet(BasePropertySet.IdOnly, props);
  const out: Item[] = [];
  const get = async (some: string[]) => {
    const { value, responses: xml } = await ctx.callCapturing(what, () => ctx.service.BindToItems(some.map((id) => new ItemId(id)), set));
    responses?.push(...xml);
    return value.Responses;
  };
  for (const batch of chunks(ids, BATCH)) {
    const answers = await retryBusyItems(batch, get, isBusy);
    for (const answer of answers) {
      if (isSuccess(answer) && answer.Item) out.push(answer.Item);
      else if (!isGone(answer)) throw new TernError('PROTOCOL_ERROR', `Exchange server ${ctx.account.host} could not give an item while ${what} (${answerError(answer)}).`);
    }
  }
  return out;
}
