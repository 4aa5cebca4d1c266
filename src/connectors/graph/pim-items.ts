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

/**
 * Contacts, events and To Do tasks of one place, read as neutral items (with Tern's stamp when the
 * item carries one) and created from them. Item ids name the kind, so a rollback given only ids
 * knows where each one is: "contact:ID", "event:ID", "task:LIST:ID".
 */
const PAGE: Record<PimKind, number> = { contact: 100, group: 100, event: 50, task: 100 };

function query(kind: PimKind): string {
  if (kind === 'contact') return `$top=${PAGE.contact}&$expand=${expandOf(CONTACT_PROPERTIES)}`;
  if (kind === 'event') return `$top=${PAGE.event}&$expand=${expandOf(EVENT_PROPERTIES)},exceptionOccurrences`;
  return `$top=${PAGE.task}&$expand=linkedResources`;
}

const idOf = (kind: PimKind, place: PimPlace, graphId: string) => (kind === 'task' ? `task:${place.id}:${graphId}` : `${kind}:${graphId}`);

/** The place's items of the kind, page by page. */
export async function* readPlace(http: GraphHttp, kind: PimKind, place: PimPlace): AsyncGenerator<StoredPimItem[]> {
  if (kind === 'group') return;
  for (let next: string | undefined = `${place.items}?${query(kind)}`; next; ) {
    const res = await http.call('GET', next);
    const value = (res.json?.value as Array<Record<string, unknown>>) ?? [];
    yield value.map((g) => {
      const item = kind === 'contact' ? fromGraphContact(g as GraphContact, place.path) : kind === 'event' ? fromGraphEvent(g as GraphEvent, place.path) : fromGraphTask(g as GraphTask, place.path);
      return { ...item, id: idOf(kind, place, String(g.id)) } as StoredPimItem;
    });
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
  if (item.kind === 'event' && (item.modifiedOccurrences.length || item.deletedOccurrences.length)) {
    // The series is made; its exceptions go onto its occurrences. A series left half-made is taken away again.
    await writeOccurrences(http, graphId, item).catch(async (err: unknown) => {
      await http.call('DELETE', `${http.userPath}/events/${enc(graphId)}`, { accept: [404] }).catch(() => {});
      return refused(err);
    });
  }
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
