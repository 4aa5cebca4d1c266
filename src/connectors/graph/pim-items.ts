import type { StoredPimItem } from '../../ports/pim';
import type { PimItem, PimKind } from '../../ports/pim-items';
import { TernError } from '../../errors';
import type { GraphHttp } from './http';
import { enc } from './folders';
import { CONTACT_PROPERTIES, fromGraphContact, toGraphContact, type GraphContact } from './contact-map';
import { EVENT_PROPERTIES, fromGraphEvent, toGraphEvent, type GraphEvent } from './event-map';
import { fromGraphTask, toGraphTask, type GraphTask } from './todo-map';
import { expandOf } from './extended';
import { noGroups, type PimPlace } from './pim-folders';
import { writeOccurrences } from './occurrences';
import { HAS_PICTURE_PROPERTY, readContent, writeContent } from './pim-attachments';

/**
 * Contacts, events and To Do tasks of one place, read as neutral items (with Tern's stamp when the
 * item carries one) and created from them. Item ids name the kind, so a rollback given only ids
 * knows where each one is: "contact:ID", "event:ID", "task:LIST:ID".
 */
const PAGE: Record<PimKind, number> = { contact: 100, group: 100, event: 50, task: 100 };

function query(kind: PimKind): string {
  if (kind === 'contact') return `$top=${PAGE.contact}&$expand=${expandOf([...CONTACT_PROPERTIES, HAS_PICTURE_PROPERTY])}`;
  if (kind === 'event') return `$top=${PAGE.event}&$expand=${expandOf(EVENT_PROPERTIES)},exceptionOccurrences`;
  return `$top=${PAGE.task}&$expand=linkedResources`;
}

const idOf = (kind: PimKind, place: PimPlace, graphId: string) => (kind === 'task' ? `task:${place.id}:${graphId}` : `${kind}:${graphId}`);

/** Where one item of the place is. */
const pathIn = (http: GraphHttp, kind: PimKind, place: PimPlace, graphId: string) => (kind === 'event' ? `${http.userPath}/events/${enc(graphId)}` : `${place.items}/${enc(graphId)}`);

/**
 * The place's items of the kind, page by page. With `content`, each carries its photo or file
 * attachments (a migration's read); without, not (dedupe scans and counts).
 */
export async function* readPlace(http: GraphHttp, kind: PimKind, place: PimPlace, options: { content?: boolean } = {}): AsyncGenerator<StoredPimItem[]> {
  if (kind === 'group') return;
  for (let next: string | undefined = `${place.items}?${query(kind)}`; next; ) {
    const res = await http.call('GET', next);
    const value = (res.json?.value as Array<Record<string, unknown>>) ?? [];
    const items = value.map((g) => {
      const item = kind === 'contact' ? fromGraphContact(g as GraphContact, place.path) : kind === 'event' ? fromGraphEvent(g as GraphEvent, place.path) : fromGraphTask(g as GraphTask, place.path);
      return { ...item, id: idOf(kind, place, String(g.id)) } as StoredPimItem;
    });
    // At most 4 go at once: the mailbox's limiter holds the rest.
    if (options.content) await Promise.all(items.map((item, i) => readContent(http, item, value[i], pathIn(http, kind, place, String(value[i].id)))));
    yield items;
    next = res.json?.['@odata.nextLink'] as string | undefined;
  }
}

export async function createItem(http: GraphHttp, place: PimPlace, item: PimItem, stamp: string): Promise<string> {
  const label = ((item.kind === 'contact' || item.kind === 'group' ? item.displayName : item.subject) ?? item.sourceId).slice(0, 80);
  const refused = (err: unknown): never => {
    // Graph refused this item (400, 413…): it fails alone; sign-in, throttling and outages fail or retry the task.
    if (err instanceof TernError && !err.retryable && err.code === 'PROTOCOL_ERROR') throw new TernError('ITEM_REFUSED', `"${label}": ${err.userMessage}`, { serverCode: err.serverCode, httpStatus: err.httpStatus });
    throw err;
  };
  let body: object;
  try {
    body = item.kind === 'contact' ? toGraphContact(item, stamp) : item.kind === 'event' ? toGraphEvent(item, stamp) : item.kind === 'task' ? toGraphTask(item, stamp) : refused(noGroups(http.mailbox));
  } catch (err) {
    if (err instanceof RangeError) throw new TernError('ITEM_REFUSED', `"${label}" cannot be written to Microsoft 365: ${err.message}.`);
    throw err;
  }
  const res = await http.call('POST', place.items, { body }).catch(refused);
  const graphId = String(res.json?.id);
  const at = pathIn(http, item.kind, place, graphId);
  // The item is made; its photo or attachments, then a series' exceptions, go onto it. An item left half-made is taken away again.
  const finish = async () => {
    await writeContent(http, item, at);
    if (item.kind === 'event' && (item.modifiedOccurrences.length || item.deletedOccurrences.length)) await writeOccurrences(http, graphId, item);
  };
  await finish().catch(async (err: unknown) => {
    await http.call('DELETE', at, { accept: [404] }).catch(() => {});
    return refused(err);
  });
  return idOf(item.kind, place, graphId);
}

/** The Graph path of an item id made by idOf. */
export function itemPath(http: GraphHttp, id: string): string {
  const [kind, a, b] = id.split(':');
  if (kind === 'task') return `${http.userPath}/todo/lists/${enc(a)}/tasks/${enc(b)}`;
  if (kind === 'event') return `${http.userPath}/events/${enc(a)}`;
  if (kind === 'contact') return `${http.userPath}/contacts/${enc(a)}`;
  throw new TernError('INVALID_STATE', `"${id}" is not an item id of the Microsoft 365 connector.`);
}

/** Deletes items by id, in $batch; what is already gone is not an error. */
export async function removeItems(http: GraphHttp, ids: string[]): Promise<void> {
  const answers = await http.batch(ids.map((id) => ({ method: 'DELETE', url: itemPath(http, id) })));
  answers.forEach((a, i) => {
    if (a.status >= 300 && a.status !== 404) throw http.refusal(a, 'DELETE', itemPath(http, ids[i]));
  });
}
