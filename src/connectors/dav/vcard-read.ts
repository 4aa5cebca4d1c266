import ICAL from 'ical.js';
import type { ContactData, GroupData, GroupMember, PhoneKey, PostalAddress } from '../../ports/pim-items';
import { STAMP_PROPERTY } from './stamp';

type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;

/** A contact of the same address book, as a group member names it (urn:uuid:UID). */
export interface KnownContact {
  sourceId: string;
  name?: string;
  address?: string;
}

/** Properties every vCard has, or that this reader takes into the neutral shapes. */
const HANDLED = new Set([
  'version', 'prodid', 'rev', 'uid', 'kind', 'x-addressbookserver-kind', 'member', 'x-addressbookserver-member', STAMP_PROPERTY.toLowerCase(),
  'fn', 'n', 'nickname', 'org', 'title', 'role', 'email', 'tel', 'adr', 'impp', 'x-aim', 'x-jabber', 'x-msn', 'x-icq', 'x-skype', 'x-yahoo',
  'bday', 'anniversary', 'x-anniversary', 'url', 'note', 'categories', 'photo', 'x-assistant', 'x-manager', 'x-spouse', 'related', 'label',
]);

const IM = ['impp', 'x-aim', 'x-jabber', 'x-msn', 'x-icq', 'x-skype', 'x-yahoo'];

export function isGroup(card: Component): boolean {
  const kind = String(card.getFirstPropertyValue('kind') ?? card.getFirstPropertyValue('x-addressbookserver-kind') ?? '');
  return kind.toLowerCase() === 'group';
}

/** The vCard's text values of a property, each as one string. */
function texts(card: Component, name: string): string[] {
  return card.getAllProperties(name).flatMap((p: Property) => {
    const v = p.getFirstValue();
    if (v === null || v === undefined) return [];
    const s = Array.isArray(v) ? v.join(',') : String(v);
    return s.trim() ? [s] : [];
  });
}

const first = (card: Component, name: string) => texts(card, name)[0];

/** A property's TYPE parameters, lower-case ("work", "voice", "pref"). */
function typesOf(p: Property): string[] {
  const t = p.getParameter('type');
  const list = Array.isArray(t) ? t : t ? [t] : [];
  return list.flatMap((x) => String(x).toLowerCase().split(','));
}

/** A structured value (N, ADR, ORG) as its parts, whatever version wrote it. */
function parts(p: Property | null): string[] {
  if (!p) return [];
  const v = p.getFirstValue();
  if (Array.isArray(v)) return v.map((x) => (Array.isArray(x) ? x.join(',') : String(x ?? '')));
  return String(v ?? '').split(';');
}

/** "YYYY-MM-DD" of a vCard date (19850412, 1985-04-12, --0412 has no year and is not kept). */
function dayOf(value: unknown): string | undefined {
  const s = String((value as { toString(): string } | undefined)?.toString() ?? '');
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(s);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

const PHONE_KEYS: Array<[test: (t: string[]) => boolean, keys: PhoneKey[]]> = [
  [(t) => t.includes('fax') && t.includes('work'), ['BusinessFax']],
  [(t) => t.includes('fax') && t.includes('home'), ['HomeFax']],
  [(t) => t.includes('fax'), ['OtherFax']],
  [(t) => t.includes('cell') || t.includes('iphone'), ['MobilePhone']],
  [(t) => t.includes('pager'), ['Pager']],
  [(t) => t.includes('car'), ['CarPhone']],
  [(t) => t.includes('isdn'), ['Isdn']],
  [(t) => t.includes('textphone') || t.includes('tty'), ['TtyTddPhone']],
  [(t) => t.includes('work'), ['BusinessPhone', 'BusinessPhone2']],
  [(t) => t.includes('home'), ['HomePhone', 'HomePhone2']],
  [(t) => t.includes('main'), ['CompanyMainPhone']],
  [() => true, ['OtherTelephone', 'PrimaryPhone']],
];

function readPhones(card: Component, lost: Set<string>): ContactData['phones'] {
  const phones: ContactData['phones'] = {};
  for (const p of card.getAllProperties('tel')) {
    const number = String(p.getFirstValue() ?? '').replace(/^tel:/i, '').trim();
    if (!number) continue;
    const types = typesOf(p);
    const keys = PHONE_KEYS.find(([test]) => test(types))![1];
    const free = keys.find((k) => !phones[k]);
    if (free) phones[free] = number;
    else lost.add('TEL (more numbers of one type than Exchange keeps)');
  }
  return phones;
}

function readAddresses(card: Component, lost: Set<string>): ContactData['addresses'] {
  const addresses: ContactData['addresses'] = {};
  for (const p of card.getAllProperties('adr')) {
    const [, , street, city, state, postalCode, country] = parts(p);
    const types = typesOf(p);
    const key = types.includes('work') ? 'Business' : types.includes('home') ? 'Home' : 'Other';
    const address: PostalAddress = Object.fromEntries(Object.entries({ street, city, state, postalCode, country }).filter(([, v]) => v && v.trim()));
    if (addresses[key]) lost.add('ADR (more addresses of one type than Exchange keeps)');
    else addresses[key] = address;
  }
  return addresses;
}

function readPhoto(card: Component, lost: Set<string>): ContactData['photo'] {
  const p = card.getFirstProperty('photo');
  if (!p) return undefined;
  const value = String(p.getFirstValue() ?? '');
  // vCard 4: a data: URI; vCard 3: ENCODING=b with TYPE=JPEG.
  const data = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(value);
  if (data && data[2]) return { name: 'photo', contentType: data[1] ?? 'image/jpeg', base64: data[3] };
  const encoding = String(p.getParameter('encoding') ?? '').toLowerCase();
  if (encoding === 'b' || encoding === 'base64') {
    const type = String(p.getParameter('mediatype') ?? '') || (typesOf(p)[0] ?? 'jpeg');
    return { name: 'photo', contentType: type.includes('/') ? type : `image/${type}`, base64: value.replace(/\s+/g, '') };
  }
  lost.add('PHOTO (a link to a picture, not the picture)');
  return undefined;
}

/** RELATED;TYPE=spouse (vCard 4) or the X- names other address books use. */
function related(card: Component, type: string, xName: string): string | undefined {
  const rel = card.getAllProperties('related').find((p: Property) => typesOf(p).includes(type));
  return (rel && String(rel.getFirstValue() ?? '')) || first(card, xName);
}

function unmappedOf(card: Component, lost: Set<string>): string[] {
  for (const p of card.getAllProperties()) {
    if (!HANDLED.has(p.name)) lost.add(p.name.toUpperCase());
  }
  for (const p of card.getAllProperties('related')) {
    if (!['spouse', 'assistant', 'manager'].some((t) => typesOf(p).includes(t))) lost.add('RELATED');
  }
  return [...lost].sort();
}

export function readContact(card: Component, base: { sourceId: string; folder: string }): ContactData {
  const lost = new Set<string>();
  const [surname, givenName, middleName, prefix, generation] = parts(card.getFirstProperty('n'));
  if (prefix?.trim()) lost.add('N (name prefix)');
  const [companyName, ...units] = parts(card.getFirstProperty('org'));
  const emails = texts(card, 'email').map((a) => a.replace(/^mailto:/i, ''));
  if (emails.length > 3) lost.add('EMAIL (more than three addresses)');
  const ims = IM.flatMap((name) => texts(card, name));
  if (ims.length > 3) lost.add('IMPP (more than three addresses)');
  const photo = readPhoto(card, lost);
  const note = first(card, 'note');
  const contact: ContactData = {
    kind: 'contact',
    ...base,
    categories: texts(card, 'categories').flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean),
    emails: emails.slice(0, 3).map((address, i) => ({ key: `EmailAddress${i + 1}` as 'EmailAddress1', address })),
    phones: readPhones(card, lost),
    addresses: readAddresses(card, lost),
    imAddresses: Object.fromEntries(ims.slice(0, 3).map((a, i) => [`ImAddress${i + 1}`, a])),
  };
  const optional: Partial<ContactData> = {
    displayName: first(card, 'fn'),
    givenName,
    middleName,
    surname,
    generation,
    nickname: first(card, 'nickname'),
    companyName,
    department: units.filter(Boolean).join(', '),
    jobTitle: first(card, 'title'),
    profession: first(card, 'role'),
    birthday: dayOf(card.getFirstPropertyValue('bday')),
    anniversary: dayOf(card.getFirstPropertyValue('anniversary') ?? card.getFirstPropertyValue('x-anniversary')),
    businessHomePage: first(card, 'url'),
    spouseName: related(card, 'spouse', 'x-spouse'),
    assistantName: related(card, 'assistant', 'x-assistant'),
    manager: related(card, 'manager', 'x-manager'),
    photo,
    body: note ? { type: 'text', content: note } : undefined,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined && v !== '') (contact as unknown as Record<string, unknown>)[k] = v;
  const unmapped = unmappedOf(card, lost);
  if (unmapped.length) contact.unmapped = unmapped;
  return contact;
}

/** A group's members: contacts of the address book by their UID, plain addresses by mailto:. */
export function readGroup(card: Component, base: { sourceId: string; folder: string }, contacts: ReadonlyMap<string, KnownContact>): GroupData {
  const lost = new Set<string>();
  const members: GroupMember[] = [];
  for (const value of [...texts(card, 'member'), ...texts(card, 'x-addressbookserver-member')]) {
    const uid = /^urn:uuid:(.+)$/i.exec(value)?.[1];
    const known = uid ? contacts.get(uid) : undefined;
    if (known) members.push({ contactSourceId: known.sourceId, ...(known.name ? { name: known.name } : {}), ...(known.address ? { address: known.address, routingType: 'SMTP' } : {}) });
    else if (/^mailto:/i.test(value)) members.push({ address: value.slice(7), routingType: 'SMTP' });
    else lost.add(`MEMBER (${value}: not a contact of this address book)`);
  }
  const note = first(card, 'note');
  const group: GroupData = {
    kind: 'group',
    ...base,
    displayName: first(card, 'fn') ?? '',
    members,
    categories: texts(card, 'categories').flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean),
  };
  if (note) group.body = { type: 'text', content: note };
  const unmapped = [...new Set([...unmappedOf(card, lost)].filter((n) => !['N', 'ORG', 'EMAIL'].includes(n)))];
  if (unmapped.length) group.unmapped = unmapped;
  return group;
}
