// The PIM destinations (contacts, groups, events, tasks) the contract runs against: the fake
// Exchange for now; a CardDAV/CalDAV or Graph destination is one more entry. Server state is read
// and seeded without the port under test.
import { loadConnector } from '../../../src/connectors/registry';
import type { AccountCredentials, Protocol } from '../../../src/ports/account';
import type { DestinationFolder } from '../../../src/ports/mail';
import type { PimDestination } from '../../../src/ports/pim';
import type { PimItem, PimKind } from '../../../src/ports/pim-items';
import { fakeAt } from './at-server';
import { ewsAccount, fakeEws, fakeGraph, graphAccount, radicaleServer } from './servers';

export const KINDS: PimKind[] = ['contact', 'group', 'event', 'task'];

/** An item as the server holds it: its kind, the name people see, Tern's stamp when it has one. */
export interface ServerItem {
  id: string;
  kind: PimKind;
  label: string;
  stamp?: string;
}

export interface PimTarget {
  account(): Promise<AccountCredentials>;
  open(account: AccountCredentials): Promise<PimDestination>;
  /** The folder at the server: its path and whether it holds items of that kind; undefined when gone. */
  folderAt(account: AccountCredentials, id: string): Promise<{ path: string; holds: (kind: PimKind) => boolean } | undefined>;
  /** The folder the server itself has as the default one of the kind. */
  defaultAt(account: AccountCredentials, kind: PimKind): Promise<string>;
  items(account: AccountCredentials, folder: DestinationFolder): Promise<ServerItem[]>;
  /** Someone else's item (no stamp), put straight at the server. */
  seed(account: AccountCredentials, folder: DestinationFolder, kind: PimKind, label: string): Promise<void>;
}

export interface PimEntry {
  name: string;
  protocol: Protocol;
  /** The kinds it takes, when not all (Graph v1.0 has no contact groups). */
  kinds?: PimKind[];
  start(): Promise<PimTarget>;
}

/** A small item of the kind, named `label`. */
export function sample(kind: PimKind, label: string, sourceId = label): PimItem {
  const base = { sourceId, folder: 'Contract', categories: [] as string[] };
  switch (kind) {
    case 'contact':
      return { ...base, kind, displayName: label, givenName: label, surname: 'Contract', emails: [{ key: 'EmailAddress1', address: `${label.replace(/\W/g, '').toLowerCase()}@contract.test` }], phones: {}, addresses: {}, imAddresses: {} };
    case 'group':
      return { ...base, kind, displayName: label, members: [{ name: 'Member One', address: 'member.one@contract.test', routingType: 'SMTP' }] };
    case 'event':
      return { ...base, kind, subject: label, start: '2024-03-04T09:00:00.000Z', end: '2024-03-04T10:00:00.000Z', isAllDay: false, reminderSet: false, requiredAttendees: [], optionalAttendees: [], resources: [], isMeeting: false, modifiedOccurrences: [], deletedOccurrences: [] };
    case 'task':
      return { ...base, kind, subject: label, status: 'NotStarted', percentComplete: 0, reminderSet: false, companies: [] };
  }
}

/** The name an item of the kind shows. */
export function labelOf(item: PimItem): string {
  return (item.kind === 'contact' || item.kind === 'group' ? item.displayName : item.subject) ?? '';
}

const EWS_TYPE: Record<string, PimKind> = { Contact: 'contact', DistributionList: 'group', CalendarItem: 'event', Task: 'task' };
const EWS_CLASS: Record<PimKind, string> = { contact: 'IPF.Contact', group: 'IPF.Contact', event: 'IPF.Appointment', task: 'IPF.Task' };
const EWS_DEFAULT: Record<PimKind, string> = { contact: 'contacts', group: 'contacts', event: 'calendar', task: 'tasks' };

/** Someone else's item as a client would send it in CreateItem. */
function ewsXml(kind: PimKind, label: string): string {
  switch (kind) {
    case 'contact':
      return `<t:Contact><t:DisplayName>${label}</t:DisplayName><t:GivenName>${label}</t:GivenName><t:Surname>Elsewhere</t:Surname></t:Contact>`;
    case 'group':
      return `<t:DistributionList><t:DisplayName>${label}</t:DisplayName><t:Members><t:Member><t:Mailbox><t:Name>Yan</t:Name><t:EmailAddress>yan@elsewhere.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>OneOff</t:MailboxType></t:Mailbox></t:Member></t:Members></t:DistributionList>`;
    case 'event':
      return `<t:CalendarItem><t:Subject>${label}</t:Subject><t:Start>2024-03-04T09:00:00Z</t:Start><t:End>2024-03-04T10:00:00Z</t:End></t:CalendarItem>`;
    case 'task':
      return `<t:Task><t:Subject>${label}</t:Subject><t:PercentComplete>0</t:PercentComplete><t:Status>NotStarted</t:Status></t:Task>`;
  }
}

const exchangeFake: PimEntry = {
  name: 'Exchange (fake EWS)',
  protocol: 'ews',
  async start() {
    const { fake, fresh } = await fakeEws();
    const mailbox = (a: AccountCredentials) => fake.mailbox(a.user);
    return {
      account: async () => ewsAccount(fake, await fresh()),
      open: async (a) => (await loadConnector(a.protocol)).pimDestination!(a, { timeoutMs: 10_000 }),
      folderAt: async (a, id) => {
        const f = fakeAt.folders(mailbox(a)).find((x) => x.id === id);
        return f && { path: f.path, holds: (kind: PimKind) => f.folderClass === EWS_CLASS[kind] };
      },
      defaultAt: async (a, kind) => mailbox(a).folders().find((f) => f.distinguishedId === EWS_DEFAULT[kind])!.id,
      items: async (a, folder) =>
        mailbox(a)
          .items()
          .filter((i) => i.folderId === folder.id)
          .map((i) => {
            const kind = EWS_TYPE[i.type];
            const tag = kind === 'contact' || kind === 'group' ? 'DisplayName' : 'Subject';
            const stamp = i.extended['PublicStrings:TernSourceKey'];
            return { id: i.id, kind, label: new RegExp(`<t:${tag}>([^<]*)</t:${tag}>`).exec(i.xml)?.[1] ?? '', ...(typeof stamp === 'string' ? { stamp } : {}) };
          }),
      seed: async (a, folder, kind, label) => void mailbox(a).addItem(fakeAt.seedPath(mailbox(a), folder.id), ewsXml(kind, label)),
    };
  },
};

/** Someone else's item as a CalDAV/CardDAV client would PUT it (no stamp). */
function davText(kind: PimKind, label: string, uid: string): { body: string; type: string } {
  switch (kind) {
    case 'contact':
      return { type: 'text/vcard', body: `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:${uid}\r\nFN:${label}\r\nN:Elsewhere;${label};;;\r\nEND:VCARD\r\n` };
    case 'group':
      return { type: 'text/vcard', body: `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:${uid}\r\nFN:${label}\r\nN:${label};;;;\r\nX-ADDRESSBOOKSERVER-KIND:group\r\nX-ADDRESSBOOKSERVER-MEMBER:mailto:yan@elsewhere.test\r\nEND:VCARD\r\n` };
    case 'event':
      return { type: 'text/calendar', body: `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Elsewhere//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240304T090000Z\r\nDTEND:20240304T100000Z\r\nSUMMARY:${label}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n` };
    case 'task':
      return { type: 'text/calendar', body: `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Elsewhere//EN\r\nBEGIN:VTODO\r\nUID:${uid}\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:${label}\r\nEND:VTODO\r\nEND:VCALENDAR\r\n` };
  }
}

const PROPFIND_BODY = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:displayname/><d:resourcetype/><d:getetag/><c:supported-calendar-component-set/></d:prop></d:propfind>';

/** The PROPFIND answer's entries: href, display name, resource types, ETag, calendar components. */
function davEntries(xml: string): Array<{ href: string; name: string; types: string; etag: string; comps: string[] }> {
  return [...xml.matchAll(/<(?:\w+:)?response>([\s\S]*?)<\/(?:\w+:)?response>/g)].map(([, r]) => ({
    href: decodeURIComponent(/<(?:\w+:)?href>([^<]*)</.exec(r)?.[1] ?? ''),
    name: /<(?:\w+:)?displayname>([^<]*)</.exec(r)?.[1] ?? '',
    types: /<(?:\w+:)?resourcetype>([\s\S]*?)<\/(?:\w+:)?resourcetype>/.exec(r)?.[1] ?? '',
    etag: (/<(?:\w+:)?getetag>([^<]*)</.exec(r)?.[1] ?? '').replace(/&quot;/g, '"'),
    comps: [...r.matchAll(/comp name="(\w+)"/g)].map((m) => m[1]),
  }));
}

const davFake: PimEntry = {
  name: 'CalDAV/CardDAV (Radicale)',
  protocol: 'dav',
  async start() {
    const { server, fresh } = await radicaleServer();
    const list = async (a: AccountCredentials, path: string) => {
      const res = await server.request(a.user, 'PROPFIND', path, PROPFIND_BODY, { Depth: '1', 'Content-Type': 'application/xml' });
      return res.status === 207 ? davEntries(res.text) : [];
    };
    let seeds = 0;
    return {
      account: async () => server.account((await fresh()).user),
      open: async (a) => (await loadConnector(a.protocol)).pimDestination!(a, { timeoutMs: 10_000 }),
      folderAt: async (a, id) => {
        const found = (await list(a, `/${a.user}/`)).find((e) => new URL(id).pathname === e.href);
        if (!found || !/calendar|addressbook/.test(found.types)) return undefined;
        return {
          path: found.name,
          holds: (kind: PimKind) =>
            kind === 'contact' || kind === 'group' ? found.types.includes('addressbook') : found.types.includes('calendar') && (found.comps.length === 0 || found.comps.includes(kind === 'event' ? 'VEVENT' : 'VTODO')),
        };
      },
      defaultAt: async (a, kind) => `${server.url}${a.user}/${kind === 'contact' || kind === 'group' ? 'contacts' : 'calendar'}/`,
      items: async (a, folder) => {
        const path = new URL(folder.id).pathname;
        const out: ServerItem[] = [];
        for (const e of (await list(a, path)).filter((x) => x.href !== path)) {
          const text = (await server.request(a.user, 'GET', e.href)).text.replace(/\r\n[ \t]/g, '');
          const group = /X-ADDRESSBOOKSERVER-KIND:group|KIND:group/i.test(text);
          const kind: PimKind = text.includes('BEGIN:VCARD') ? (group ? 'group' : 'contact') : text.includes('BEGIN:VTODO') ? 'task' : 'event';
          const label = (/^(?:FN|SUMMARY):(.*)$/m.exec(text)?.[1] ?? '').trim();
          const stamp = /^X-TERN-STAMP:(.*)$/m.exec(text)?.[1]?.trim();
          out.push({ id: `${encodeURI(e.href).replace(/@/g, '%40')}#${e.etag}`, kind, label, ...(stamp ? { stamp } : {}) });
        }
        return out;
      },
      seed: async (a, folder, kind, label) => {
        const { body, type } = davText(kind, label, `seed-${++seeds}@elsewhere.test`);
        const res = await server.request(a.user, 'PUT', `${new URL(folder.id).pathname}seed-${seeds}.${type === 'text/vcard' ? 'vcf' : 'ics'}`, body, { 'Content-Type': type });
        if (res.status !== 201) throw new Error(`seeding ${label}: HTTP ${res.status}`);
      },
    };
  },
};

const GRAPH_SET: Partial<Record<PimKind, string>> = { contact: 'contacts', event: 'events', task: 'todoTasks' };
const GRAPH_FOLDER_SET: Record<string, PimKind> = { contactFolders: 'contact', calendars: 'event', todoLists: 'task' };

/** Someone else's item as a Graph client would POST it (no stamp). */
function graphJson(kind: PimKind, label: string): Record<string, unknown> {
  if (kind === 'contact') return { displayName: label, givenName: label, surname: 'Elsewhere' };
  if (kind === 'event') return { subject: label, start: { dateTime: '2024-03-04T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2024-03-04T10:00:00', timeZone: 'UTC' } };
  return { title: label };
}

const graphFake: PimEntry = {
  name: 'Microsoft 365 (fake Graph)',
  protocol: 'graph',
  kinds: ['contact', 'event', 'task'],
  async start() {
    const { fake, fresh } = await fakeGraph();
    const box = (a: AccountCredentials) => fake.mailbox(a.user);
    /** The connector names the default Contacts folder "contacts", as Graph's /contacts does. */
    const entityId = (a: AccountCredentials, id: string) => (id === 'contacts' ? box(a).defaultOf('contactFolders').id : id);
    const pathOf = (a: AccountCredentials, id: string): string | undefined => {
      const e = box(a).entities.get(entityId(a, id));
      if (!e) return undefined;
      if (e.set === 'contactFolders') return e.parentId ? `${pathOf(a, e.parentId)}/${String(e.json.displayName)}` : String(e.json.displayName);
      const name = String(e.json.name ?? e.json.displayName);
      const root = box(a).defaultOf(e.set);
      return e === root ? name : `${String(root.json.name ?? root.json.displayName)}/${name}`;
    };
    return {
      account: async () => graphAccount(fake, await fresh()),
      open: async (a) => (await loadConnector(a.protocol)).pimDestination!(a, { timeoutMs: 10_000 }),
      folderAt: async (a, id) => {
        const e = box(a).entities.get(entityId(a, id));
        const kind = e && GRAPH_FOLDER_SET[e.set];
        return kind && { path: pathOf(a, id)!, holds: (k: PimKind) => k === kind };
      },
      defaultAt: async (a, kind) => (kind === 'contact' ? 'contacts' : box(a).defaultOf(kind === 'event' ? 'calendars' : 'todoLists').id),
      items: async (a, folder) =>
        [...box(a).entities.values()]
          .filter((e) => e.parentId === entityId(a, folder.id) && Object.values(GRAPH_SET).includes(e.set))
          .map((e) => {
            const kind = (Object.entries(GRAPH_SET).find(([, set]) => set === e.set)![0]) as PimKind;
            const props = (e.json.singleValueExtendedProperties as Array<{ id: string; value: string }> | undefined) ?? [];
            const linked = (e.json.linkedResources as Array<{ applicationName?: string; externalId?: string }> | undefined) ?? [];
            const stamp = props.find((p) => /Name TernSourceKey$/.test(p.id))?.value ?? linked.find((l) => l.applicationName === 'Tern')?.externalId;
            const id = kind === 'task' ? `task:${e.parentId}:${e.id}` : `${kind}:${e.id}`;
            return { id, kind, label: String(e.json.displayName ?? e.json.subject ?? e.json.title ?? ''), ...(stamp ? { stamp } : {}) };
          }),
      seed: async (a, folder, kind, label) => void box(a).addEntity(GRAPH_SET[kind]!, entityId(a, folder.id), graphJson(kind, label)),
    };
  },
};

export const PIM_DESTINATIONS: PimEntry[] = [exchangeFake, davFake, graphFake];
