// The PIM destinations (contacts, groups, events, tasks) the contract runs against: the fake
// Exchange for now; a CardDAV/CalDAV or Graph destination is one more entry. Server state is read
// and seeded without the port under test.
import { loadConnector } from '../../../src/connectors/registry';
import type { AccountCredentials, Protocol } from '../../../src/ports/account';
import type { DestinationFolder } from '../../../src/ports/mail';
import type { PimDestination } from '../../../src/ports/pim';
import type { PimItem, PimKind } from '../../../src/ports/pim-items';
import { fakeAt } from './at-server';
import { ewsAccount, fakeEws } from './servers';

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

export const PIM_DESTINATIONS: PimEntry[] = [exchangeFake];
