// Contacts and contact folders, calendars and events, To Do lists and tasks, inbox rules and
// automatic replies. Entities are kept as the JSON a client wrote (already checked against the
// CSDL by the server) plus what Graph adds (id, dates, change key, parent); extended properties
// and linked resources are answered only when $expand asks for them, as Graph does.
import { GraphFault, notFound, type GraphAnswer, type GraphRequest, type Handler } from './http';
import { page, type PageOptions } from './paging';
import { extendedKey } from './render';
import type { FakeGraphEntity, FakeGraphMailbox } from './store';
import { occurrenceDates, occurrenceId, occurrenceOf, parseOccurrenceId } from './occurrences';

const T = (name: string) => `microsoft.graph.${name}`;
/** PidLidHasPicture: Exchange sets it on a contact with a photo. */
const HAS_PICTURE = 'Boolean {00062004-0000-0000-C000-000000000046} Id 0x8015';

/** The sets holding PIM entities, with their CSDL type and the parent property Graph reports. */
const SETS: Record<string, { type: string; parentProperty?: string; outlookItem?: boolean }> = {
  contactFolders: { type: T('contactFolder'), parentProperty: 'parentFolderId' },
  contacts: { type: T('contact'), parentProperty: 'parentFolderId', outlookItem: true },
  calendars: { type: T('calendar') },
  events: { type: T('event'), outlookItem: true },
  todoLists: { type: T('todoTaskList') },
  todoTasks: { type: T('todoTask') },
  messageRules: { type: T('messageRule') },
};

/** The ids of `$expand=singleValueExtendedProperties($filter=id eq '…')`, and whether linkedResources are expanded. */
function expansions(req: GraphRequest): { extended?: string[]; linked: boolean; exceptions: boolean } {
  const expand = req.query.get('$expand');
  if (!expand) return { linked: false, exceptions: false };
  const ext = /singleValueExtendedProperties\(\$filter=(.*?)\)(,|$)/.exec(expand);
  const linked = /(^|,)\s*linkedResources\s*(,|$)/.test(expand);
  const exceptions = /(^|,)\s*exceptionOccurrences\s*(,|$)/.test(expand);
  if (!ext && !linked && !exceptions) throw new GraphFault(400, 'BadRequest', `Parsing OData Select and Expand failed: could not find a property named '${expand.split('(')[0]}'.`);
  return { extended: ext ? [...ext[1].matchAll(/id eq '([^']+)'/g)].map((x) => x[1]) : undefined, linked, exceptions };
}

/** What Graph adds to an event: its zones as created, its type, and a series' cancelled occurrences. */
function eventExtras(box: FakeGraphMailbox, e: FakeGraphEntity): Record<string, unknown> {
  const extras: Record<string, unknown> = {
    originalStartTimeZone: (e.json.start as { timeZone?: string } | undefined)?.timeZone,
    originalEndTimeZone: (e.json.end as { timeZone?: string } | undefined)?.timeZone,
    isOrganizer: true,
    type: e.json.recurrence ? 'seriesMaster' : 'singleInstance',
  };
  if (e.json.recurrence) extras.cancelledOccurrences = [...(box.cancelled.get(e.id) ?? [])].map((d) => `OID.${e.id}.${d}`);
  return extras;
}

export function renderEntity(req: GraphRequest, entity: FakeGraphEntity): Record<string, unknown> {
  const def = SETS[entity.set];
  const occ = entity.set === 'events' ? parseOccurrenceId(entity.id) : undefined;
  const master = occ && req.mailbox.entities.get(occ.masterId);
  // An exception is its series' occurrence with the fields it changed.
  const e = master ? { ...entity, json: occurrenceOf(req.mailbox, master, occ.date) } : entity;
  const { singleValueExtendedProperties, linkedResources, ...rest } = e.json as Record<string, unknown> & { singleValueExtendedProperties?: Array<{ id: string; value: string }>; linkedResources?: unknown[] };
  const out: Record<string, unknown> = { ...rest, id: e.id };
  if (def.outlookItem) Object.assign(out, { changeKey: String(e.seq), createdDateTime: e.created, lastModifiedDateTime: e.modified, categories: rest.categories ?? [] });
  if (e.set === 'todoTasks') Object.assign(out, { createdDateTime: e.created, lastModifiedDateTime: e.modified, status: rest.status ?? 'notStarted', importance: rest.importance ?? 'normal' });
  if (def.parentProperty && e.parentId) out[def.parentProperty] = e.parentId;
  if (e.set === 'events' && !master) Object.assign(out, eventExtras(req.mailbox, e));
  const { extended, linked, exceptions } = expansions(req);
  if (exceptions && e.set === 'events') out.exceptionOccurrences = req.mailbox.exceptionsOf(e.id).map((x) => renderEntity(req, x));
  // Server-set: whether an event or task has attachments, whether a contact has a photo.
  if (e.set === 'events' || e.set === 'todoTasks') out.hasAttachments = (e.attachments?.length ?? 0) > 0;
  const computed = e.photo ? [{ id: HAS_PICTURE, value: 'true' }] : [];
  if (extended) {
    const asked = new Set(extended.map(extendedKey));
    out.singleValueExtendedProperties = [...(singleValueExtendedProperties ?? []), ...computed].filter((p) => asked.has(extendedKey(p.id)));
  }
  if (linked) out.linkedResources = linkedResources ?? [];
  return out;
}

export function entityOf(req: GraphRequest, set: string, id: string, parentId?: string): FakeGraphEntity {
  const e = req.mailbox.entities.get(id);
  if (!e || e.set !== set || (parentId !== undefined && e.parentId !== parentId)) throw notFound();
  return e;
}

/** An event by id; an occurrence of a series (made into an exception when `edit`). */
function eventOf(req: GraphRequest, id: string, edit = false): FakeGraphEntity {
  const found = req.mailbox.entities.get(id);
  if (found?.set === 'events') return found;
  const occ = parseOccurrenceId(id);
  const master = occ && req.mailbox.entities.get(occ.masterId);
  if (!occ || !master || !occurrenceDates(master, `${occ.date}T23:59:59Z`).includes(occ.date) || req.mailbox.cancelled.get(master.id)?.has(occ.date)) throw notFound();
  const virtual: FakeGraphEntity = { id: occurrenceId(master.id, occ.date), set: 'events', parentId: master.id, json: {}, seq: master.seq, created: master.created, modified: master.modified };
  return edit ? req.mailbox.addEntity('events', master.id, {}, virtual.id) : virtual;
}

function list(req: GraphRequest, set: string, parentId: string, options: PageOptions, keep: (e: FakeGraphEntity) => boolean = () => true): GraphAnswer {
  return page(req, req.mailbox.entitiesIn(set, parentId).filter(keep).map((e) => renderEntity(req, e)), SETS[set].type, options);
}

function create(req: GraphRequest, set: string, parentId: string, check?: (json: Record<string, unknown>) => void): GraphAnswer {
  const json = { ...(req.json ?? {}) };
  check?.(json);
  if (Array.isArray(json.linkedResources)) json.linkedResources = json.linkedResources.map((r) => ({ ...(r as object), id: crypto.randomUUID() }));
  const e = req.mailbox.addEntity(set, parentId, json);
  return { status: 201, json: renderEntity(req, e), type: SETS[set].type };
}

function update(req: GraphRequest, e: FakeGraphEntity): GraphAnswer {
  Object.assign(e.json, req.json ?? {});
  req.mailbox.touch(e);
  return { status: 200, json: renderEntity(req, e), type: SETS[e.set].type };
}

function remove(req: GraphRequest, e: FakeGraphEntity, refuseDefault?: string): GraphAnswer {
  if (refuseDefault && req.mailbox.isDefault(e)) throw new GraphFault(403, 'ErrorDeleteDistinguishedFolder', refuseDefault);
  req.mailbox.deleteEntity(e.id);
  return { status: 204 };
}

/** Names must be unique among siblings, as Exchange wants for folders, calendars and lists. */
const unique = (box: FakeGraphMailbox, set: string, parentId: string, key: string) => (json: Record<string, unknown>) => {
  const name = json[key];
  if (typeof name !== 'string' || !name.trim()) throw new GraphFault(400, 'ErrorInvalidParameter', `${key} must not be empty.`);
  if (box.entitiesIn(set, parentId).some((e) => String(e.json[key]).toLowerCase() === name.toLowerCase())) throw new GraphFault(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
};

/** An event must say when it is; Graph refuses one without start and end. */
function checkEvent(json: Record<string, unknown>): void {
  for (const k of ['start', 'end'] as const) {
    const v = json[k] as { dateTime?: string; timeZone?: string } | undefined;
    if (!v?.dateTime || !v.timeZone) throw new GraphFault(400, 'ErrorInvalidRequest', `Your request can't be completed. ${k} is required (dateTime and timeZone).`);
    if (Number.isNaN(Date.parse(v.dateTime.slice(0, 19) + 'Z'))) throw new GraphFault(400, 'ErrorInvalidRequest', `The value '${v.dateTime}' of ${k}.dateTime is not a date.`);
  }
}

export function pimRoutes(options: PageOptions): Array<[string, string, Handler]> {
  const def = (req: GraphRequest, set: string) => req.mailbox.defaultOf(set).id;
  const k = (req: GraphRequest, i: number) => req.path.keys[i];
  return [
    // Contact folders: /contactFolders lists the folders in the default Contacts folder; /contacts is that folder's contacts.
    ['GET', 'users/{}/contactFolders', (req) => list(req, 'contactFolders', def(req, 'contactFolders'), options)],
    ['POST', 'users/{}/contactFolders', (req) => create(req, 'contactFolders', def(req, 'contactFolders'), unique(req.mailbox, 'contactFolders', def(req, 'contactFolders'), 'displayName'))],
    ['GET', 'users/{}/contactFolders/{}', (req) => ({ status: 200, json: renderEntity(req, entityOf(req, 'contactFolders', k(req, 1))), type: SETS.contactFolders.type })],
    ['DELETE', 'users/{}/contactFolders/{}', (req) => remove(req, entityOf(req, 'contactFolders', k(req, 1)), 'The default Contacts folder cannot be deleted.')],
    ['GET', 'users/{}/contactFolders/{}/childFolders', (req) => list(req, 'contactFolders', entityOf(req, 'contactFolders', k(req, 1)).id, options)],
    ['POST', 'users/{}/contactFolders/{}/childFolders', (req) => create(req, 'contactFolders', entityOf(req, 'contactFolders', k(req, 1)).id, unique(req.mailbox, 'contactFolders', k(req, 1), 'displayName'))],
    ['GET', 'users/{}/contactFolders/{}/contacts', (req) => list(req, 'contacts', entityOf(req, 'contactFolders', k(req, 1)).id, options)],
    ['POST', 'users/{}/contactFolders/{}/contacts', (req) => create(req, 'contacts', entityOf(req, 'contactFolders', k(req, 1)).id)],
    ['GET', 'users/{}/contacts', (req) => list(req, 'contacts', def(req, 'contactFolders'), options)],
    ['POST', 'users/{}/contacts', (req) => create(req, 'contacts', def(req, 'contactFolders'))],
    ['GET', 'users/{}/contacts/{}', (req) => ({ status: 200, json: renderEntity(req, entityOf(req, 'contacts', k(req, 1))), type: SETS.contacts.type })],
    ['PATCH', 'users/{}/contacts/{}', (req) => update(req, entityOf(req, 'contacts', k(req, 1)))],
    ['DELETE', 'users/{}/contacts/{}', (req) => remove(req, entityOf(req, 'contacts', k(req, 1)))],

    // Calendars: flat; /calendar is the default one.
    ['GET', 'users/{}/calendar', (req) => ({ status: 200, json: renderEntity(req, req.mailbox.defaultOf('calendars')), type: SETS.calendars.type })],
    ['GET', 'users/{}/calendars', (req) => list(req, 'calendars', '', options)],
    ['POST', 'users/{}/calendars', (req) => create(req, 'calendars', '', unique(req.mailbox, 'calendars', '', 'name'))],
    ['GET', 'users/{}/calendars/{}', (req) => ({ status: 200, json: renderEntity(req, entityOf(req, 'calendars', k(req, 1))), type: SETS.calendars.type })],
    ['DELETE', 'users/{}/calendars/{}', (req) => remove(req, entityOf(req, 'calendars', k(req, 1)), 'The default calendar cannot be deleted.')],
    ['GET', 'users/{}/calendars/{}/events', (req) => list(req, 'events', entityOf(req, 'calendars', k(req, 1)).id, options)],
    ['POST', 'users/{}/calendars/{}/events', (req) => create(req, 'events', entityOf(req, 'calendars', k(req, 1)).id, checkEvent)],
    ['GET', 'users/{}/calendar/events', (req) => list(req, 'events', def(req, 'calendars'), options)],
    ['POST', 'users/{}/calendar/events', (req) => create(req, 'events', def(req, 'calendars'), checkEvent)],
    ['GET', 'users/{}/events/{}', (req) => ({ status: 200, json: renderEntity(req, eventOf(req, k(req, 1))), type: SETS.events.type })],
    ['PATCH', 'users/{}/events/{}', (req) => update(req, eventOf(req, k(req, 1), true))],
    ['DELETE', 'users/{}/events/{}', (req) => {
      const occ = parseOccurrenceId(k(req, 1));
      if (!occ) return remove(req, entityOf(req, 'events', k(req, 1)));
      // Deleting an occurrence cancels it in its series.
      eventOf(req, k(req, 1));
      const set = req.mailbox.cancelled.get(occ.masterId) ?? new Set<string>();
      req.mailbox.cancelled.set(occ.masterId, set.add(occ.date));
      req.mailbox.deleteEntity(k(req, 1));
      req.mailbox.touch(entityOf(req, 'events', occ.masterId));
      return { status: 204 };
    }],
    ['GET', 'users/{}/events/{}/instances', (req) => {
      const master = entityOf(req, 'events', k(req, 1));
      const from = req.query.get('startDateTime');
      const to = req.query.get('endDateTime');
      if (!from || !to) throw new GraphFault(400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
      const cancelled = req.mailbox.cancelled.get(master.id) ?? new Set();
      const inWindow = occurrenceDates(master, to)
        .filter((d) => !cancelled.has(d))
        .map((d) => occurrenceOf(req.mailbox, master, d))
        .filter((o) => Date.parse(String(o.originalStart)) < Date.parse(to) && Date.parse(String(o.originalStart)) >= Date.parse(from) - 86_400_000);
      return page(req, inWindow.map((o) => Object.fromEntries(Object.entries(o).filter(([key]) => key !== 'singleValueExtendedProperties'))), SETS.events.type, options);
    }],

    // Microsoft To Do: flat lists, the default one's wellknownListName is defaultList.
    ['GET', 'users/{}/todo/lists', (req) => list(req, 'todoLists', '', options)],
    ['POST', 'users/{}/todo/lists', (req) => create(req, 'todoLists', '', unique(req.mailbox, 'todoLists', '', 'displayName'))],
    ['GET', 'users/{}/todo/lists/{}', (req) => ({ status: 200, json: renderEntity(req, entityOf(req, 'todoLists', k(req, 1))), type: SETS.todoLists.type })],
    ['DELETE', 'users/{}/todo/lists/{}', (req) => remove(req, entityOf(req, 'todoLists', k(req, 1)), 'The default task list cannot be deleted.')],
    ['GET', 'users/{}/todo/lists/{}/tasks', (req) => list(req, 'todoTasks', entityOf(req, 'todoLists', k(req, 1)).id, options)],
    ['POST', 'users/{}/todo/lists/{}/tasks', (req) => create(req, 'todoTasks', entityOf(req, 'todoLists', k(req, 1)).id)],
    ['GET', 'users/{}/todo/lists/{}/tasks/{}', (req) => ({ status: 200, json: renderEntity(req, entityOf(req, 'todoTasks', k(req, 2), k(req, 1))), type: SETS.todoTasks.type })],
    ['DELETE', 'users/{}/todo/lists/{}/tasks/{}', (req) => remove(req, entityOf(req, 'todoTasks', k(req, 2), k(req, 1)))],

    // Inbox rules: on the Inbox only.
    ['GET', 'users/{}/mailFolders/{}/messageRules', (req) => list(req, 'messageRules', inbox(req), options)],
    ['POST', 'users/{}/mailFolders/{}/messageRules', (req) => create(req, 'messageRules', inbox(req), (json) => {
      if (typeof json.sequence !== 'number') throw new GraphFault(400, 'ErrorInvalidRequest', 'sequence is required.');
      if (typeof json.displayName !== 'string') throw new GraphFault(400, 'ErrorInvalidRequest', 'displayName is required.');
      for (const f of ['moveToFolder', 'copyToFolder']) {
        const id = (json.actions as Record<string, unknown> | undefined)?.[f];
        if (typeof id === 'string' && !req.mailbox.folder(id)) throw new GraphFault(400, 'ErrorInvalidRequest', `The folder of ${f} (${id}) does not exist.`);
      }
    })],
    ['DELETE', 'users/{}/mailFolders/{}/messageRules/{}', (req) => remove(req, entityOf(req, 'messageRules', k(req, 2), inbox(req)))],

    // Automatic replies live in mailboxSettings.
    ['GET', 'users/{}/mailboxSettings', (req) => ({ status: 200, json: req.mailbox.mailboxSettings, type: T('mailboxSettings') })],
    ['PATCH', 'users/{}/mailboxSettings', (req) => {
      for (const [key, value] of Object.entries(req.json ?? {})) {
        const was = req.mailbox.mailboxSettings[key];
        req.mailbox.mailboxSettings[key] = value && typeof value === 'object' && was && typeof was === 'object' ? { ...was, ...value } : value;
      }
      return { status: 200, json: req.mailbox.mailboxSettings, type: T('mailboxSettings') };
    }],
  ];
}

function inbox(req: GraphRequest): string {
  const f = req.mailbox.folder(req.path.keys[1]);
  if (!f) throw notFound();
  if (f.wellKnownName !== 'inbox') throw new GraphFault(400, 'ErrorInvalidRequest', 'Message rules exist on the Inbox only.');
  return f.id;
}

