import ICAL from 'ical.js';
import type { ContactData, GroupData, PhoneKey } from '../../ports/pim-items';
import { STAMP_PROPERTY } from './stamp';

type Component = InstanceType<typeof ICAL.Component>;

/** How each neutral phone slot is typed in a vCard. */
const PHONE_TYPES: Record<PhoneKey, string[]> = {
  BusinessPhone: ['work', 'voice'],
  BusinessPhone2: ['work', 'voice'],
  BusinessFax: ['work', 'fax'],
  HomePhone: ['home', 'voice'],
  HomePhone2: ['home', 'voice'],
  HomeFax: ['home', 'fax'],
  MobilePhone: ['cell'],
  OtherTelephone: ['voice'],
  OtherFax: ['fax'],
  Pager: ['pager'],
  CarPhone: ['car'],
  AssistantPhone: ['x-assistant'],
  CompanyMainPhone: ['work', 'x-main'],
  PrimaryPhone: ['pref', 'voice'],
  Callback: ['x-callback'],
  Isdn: ['isdn'],
  RadioPhone: ['x-radio'],
  Telex: ['x-telex'],
  TtyTddPhone: ['x-textphone'],
};

function card(uid: string, stamp: string): Component {
  // vCard 3.0: the version every CardDAV server and client reads (iCloud takes no other).
  const c = new ICAL.Component('vcard');
  c.addPropertyWithValue('version', '3.0');
  c.addPropertyWithValue('prodid', '-//Tern//Tern migration//EN');
  c.addPropertyWithValue('uid', uid);
  c.addPropertyWithValue(STAMP_PROPERTY.toLowerCase(), stamp);
  return c;
}

function add(c: Component, name: string, value: string | string[] | undefined, params: Record<string, string | string[]> = {}): void {
  if (value === undefined || value === '' || (Array.isArray(value) && value.every((v) => !v))) return;
  const p = new ICAL.Property(name, c);
  // Structured values (N, ADR, ORG) are given as their parts.
  if (Array.isArray(value)) p.setValue(value as unknown as string);
  else p.setValue(value);
  for (const [k, v] of Object.entries(params)) p.setParameter(k, v);
  c.addProperty(p);
}

const serialise = (c: Component) => c.toString() + '\r\n';

export function contactVcard(item: ContactData, uid: string, stamp: string): string {
  const c = card(uid, stamp);
  const name = [item.givenName, item.middleName, item.surname].filter(Boolean).join(' ');
  add(c, 'fn', item.displayName || item.fileAs || name || item.companyName || item.emails[0]?.address || 'Contact');
  add(c, 'n', [item.surname ?? '', item.givenName ?? '', item.middleName ?? '', '', item.generation ?? '']);
  add(c, 'nickname', item.nickname);
  if (item.companyName || item.department) add(c, 'org', [item.companyName ?? '', item.department ?? '']);
  add(c, 'title', item.jobTitle);
  add(c, 'role', item.profession);
  for (const e of item.emails) add(c, 'email', e.address, { type: e.key === 'EmailAddress1' ? ['internet', 'pref'] : ['internet'] });
  for (const [key, number] of Object.entries(item.phones) as Array<[PhoneKey, string]>) add(c, 'tel', number, { type: PHONE_TYPES[key] });
  const kinds = { Business: 'work', Home: 'home', Other: 'x-other' } as const;
  for (const [key, a] of Object.entries(item.addresses) as Array<[keyof typeof kinds, NonNullable<ContactData['addresses']['Home']>]>) {
    add(c, 'adr', ['', '', a.street ?? '', a.city ?? '', a.state ?? '', a.postalCode ?? '', a.country ?? ''], { type: kinds[key] });
  }
  for (const address of Object.values(item.imAddresses)) add(c, 'impp', address);
  add(c, 'bday', item.birthday);
  add(c, 'x-anniversary', item.anniversary);
  add(c, 'url', item.businessHomePage);
  add(c, 'x-spouse', item.spouseName);
  add(c, 'x-assistant', item.assistantName);
  add(c, 'x-manager', item.manager);
  if (item.categories.length) add(c, 'categories', item.categories.join(','));
  if (item.body?.content) add(c, 'note', item.body.content);
  if (item.photo) add(c, 'photo', item.photo.base64, { encoding: 'b', type: item.photo.contentType.replace(/^image\//i, '').toUpperCase() });
  return serialise(c);
}

/**
 * A group as Apple's address books and vCard 4 readers both see it: X-ADDRESSBOOKSERVER-KIND
 * with members by the UID of their contact (urn:uuid:) or, for a plain address, mailto:.
 */
export function groupVcard(item: GroupData, uid: string, stamp: string, memberUids: ReadonlyMap<string, string>): string {
  const c = card(uid, stamp);
  add(c, 'fn', item.displayName || 'Group');
  add(c, 'n', [item.displayName || 'Group', '', '', '', '']);
  add(c, 'x-addressbookserver-kind', 'group');
  for (const m of item.members) {
    const memberUid = m.contactSourceId ? memberUids.get(m.contactSourceId) : undefined;
    if (memberUid) add(c, 'x-addressbookserver-member', `urn:uuid:${memberUid}`);
    else if (m.address) add(c, 'x-addressbookserver-member', `mailto:${m.address}`);
  }
  if (item.categories.length) add(c, 'categories', item.categories.join(','));
  if (item.body?.content) add(c, 'note', item.body.content);
  return serialise(c);
}
