import type { ContactData, PhoneKey, PostalAddress } from '../../ports/pim-items';
import { STAMP_PROPERTY, valueOf, type ExtendedProperty } from './extended';

/**
 * Contacts between the neutral shape and Graph's contact. Phones Graph has no field for (faxes,
 * pager, car, assistant…) and the wedding anniversary travel as their MAPI properties, so an
 * Exchange contact keeps them through Graph.
 */
const PHONE_PROPERTY: Partial<Record<PhoneKey, string>> = {
  BusinessFax: 'String 0x3A24',
  HomeFax: 'String 0x3A25',
  OtherFax: 'String 0x3A23',
  Pager: 'String 0x3A21',
  CarPhone: 'String 0x3A1E',
  AssistantPhone: 'String 0x3A2E',
  CompanyMainPhone: 'String 0x3A57',
  PrimaryPhone: 'String 0x3A1A',
  OtherTelephone: 'String 0x3A1F',
  Callback: 'String 0x3A02',
  Isdn: 'String 0x3A2D',
  RadioPhone: 'String 0x3A1D',
  Telex: 'String 0x3A2C',
  TtyTddPhone: 'String 0x3A4B',
};
const ANNIVERSARY_PROPERTY = 'SystemTime 0x3A41';

/** The extended properties a contact read asks for. */
export const CONTACT_PROPERTIES = [STAMP_PROPERTY, ANNIVERSARY_PROPERTY, ...Object.values(PHONE_PROPERTY)];

const STRINGS = ['displayName', 'fileAs', 'givenName', 'middleName', 'surname', 'initials', 'generation', 'companyName', 'department', 'jobTitle', 'officeLocation', 'manager', 'assistantName', 'profession', 'spouseName', 'businessHomePage'] as const;
const EMAIL_KEYS = ['EmailAddress1', 'EmailAddress2', 'EmailAddress3'] as const;
const IM_KEYS = ['ImAddress1', 'ImAddress2', 'ImAddress3'] as const;
const ADDRESS = { Business: 'businessAddress', Home: 'homeAddress', Other: 'otherAddress' } as const;

export interface GraphContact {
  id?: string;
  categories?: string[];
  personalNotes?: string | null;
  nickName?: string | null;
  birthday?: string | null;
  emailAddresses?: Array<{ address?: string | null; name?: string | null }>;
  businessPhones?: string[];
  homePhones?: string[];
  mobilePhone?: string | null;
  imAddresses?: string[];
  businessAddress?: GraphAddress | null;
  homeAddress?: GraphAddress | null;
  otherAddress?: GraphAddress | null;
  singleValueExtendedProperties?: ExtendedProperty[];
  [key: string]: unknown;
}

interface GraphAddress {
  street?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  countryOrRegion?: string | null;
}

const compact = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')) as T;

export function toGraphContact(c: ContactData, stamp: string): GraphContact {
  const out: GraphContact = { categories: c.categories };
  for (const k of STRINGS) if (c[k]) out[k] = c[k];
  if (c.nickname) out.nickName = c.nickname;
  if (c.body?.content) out.personalNotes = c.body.content;
  if (c.birthday) out.birthday = `${c.birthday.slice(0, 10)}T00:00:00Z`;
  out.emailAddresses = EMAIL_KEYS.flatMap((key) => c.emails.filter((e) => e.key === key).map((e) => compact({ address: e.address, name: e.name })));
  out.businessPhones = [c.phones.BusinessPhone, c.phones.BusinessPhone2].filter((p): p is string => Boolean(p));
  out.homePhones = [c.phones.HomePhone, c.phones.HomePhone2].filter((p): p is string => Boolean(p));
  if (c.phones.MobilePhone) out.mobilePhone = c.phones.MobilePhone;
  out.imAddresses = IM_KEYS.flatMap((k) => (c.imAddresses[k] ? [c.imAddresses[k]!] : []));
  for (const [kind, field] of Object.entries(ADDRESS) as Array<[keyof typeof ADDRESS, (typeof ADDRESS)[keyof typeof ADDRESS]]>) {
    const a = c.addresses[kind];
    if (a) out[field] = compact({ street: a.street, city: a.city, state: a.state, postalCode: a.postalCode, countryOrRegion: a.country });
  }
  const props: ExtendedProperty[] = [{ id: STAMP_PROPERTY, value: stamp }];
  for (const [key, id] of Object.entries(PHONE_PROPERTY)) {
    const value = c.phones[key as PhoneKey];
    if (value) props.push({ id, value });
  }
  if (c.anniversary) props.push({ id: ANNIVERSARY_PROPERTY, value: `${c.anniversary.slice(0, 10)}T00:00:00Z` });
  out.singleValueExtendedProperties = props;
  return out;
}

export function fromGraphContact(g: GraphContact, folder: string): ContactData & { stamp?: string } {
  const props = g.singleValueExtendedProperties;
  const c: ContactData & { stamp?: string } = { kind: 'contact', sourceId: String(g.id), folder, categories: g.categories ?? [], emails: [], phones: {}, addresses: {}, imAddresses: {} };
  for (const k of STRINGS) if (typeof g[k] === 'string' && g[k]) c[k] = g[k] as string;
  if (g.nickName) c.nickname = g.nickName;
  if (g.personalNotes) c.body = { type: 'text', content: g.personalNotes };
  if (g.birthday) c.birthday = g.birthday.slice(0, 10);
  (g.emailAddresses ?? []).slice(0, 3).forEach((e, i) => e.address && c.emails.push(compact({ key: EMAIL_KEYS[i], address: e.address, name: e.name ?? undefined })));
  const [b1, b2] = g.businessPhones ?? [];
  const [h1, h2] = g.homePhones ?? [];
  Object.assign(c.phones, compact({ BusinessPhone: b1, BusinessPhone2: b2, HomePhone: h1, HomePhone2: h2, MobilePhone: g.mobilePhone ?? undefined }));
  for (const [key, id] of Object.entries(PHONE_PROPERTY)) {
    const value = valueOf(props, id);
    if (value) c.phones[key as PhoneKey] = value;
  }
  (g.imAddresses ?? []).slice(0, 3).forEach((a, i) => (c.imAddresses[IM_KEYS[i]] = a));
  for (const [kind, field] of Object.entries(ADDRESS) as Array<[keyof typeof ADDRESS, (typeof ADDRESS)[keyof typeof ADDRESS]]>) {
    const a = g[field];
    if (a && Object.values(a).some(Boolean)) c.addresses[kind] = compact<PostalAddress>({ street: a.street ?? undefined, city: a.city ?? undefined, state: a.state ?? undefined, postalCode: a.postalCode ?? undefined, country: a.countryOrRegion ?? undefined });
  }
  const anniversary = valueOf(props, ANNIVERSARY_PROPERTY);
  if (anniversary) c.anniversary = anniversary.slice(0, 10);
  const stamp = valueOf(props, STAMP_PROPERTY);
  if (stamp) c.stamp = stamp;
  return c;
}
