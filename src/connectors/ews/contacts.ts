import {
  Contact,
  ContactSchema,
  DateTime,
  EmailAddress,
  EmailAddressKey,
  FileAttachment,
  FolderId,
  ImAddressKey,
  ItemSchema,
  PhoneNumberKey,
  PhysicalAddressEntry,
  PhysicalAddressKey,
} from 'ews-javascript-api';
import type { AttachmentCollection, EmailAddressDictionary, ImAddressDictionary, Item, PhoneNumberDictionary, PhysicalAddressDictionary, PropertyDefinitionBase } from 'ews-javascript-api';
import type { ContactData, PhoneKey, PostalAddress } from '../../ports/pim-items';
import type { EwsContext } from './session';
import type { EwsFolder } from './types';
import { prop } from './messages';
import { BASE_PROPERTIES, readBase, writeBase } from './item-base';
import { readAttachments, writeAttachments } from './attachments';
import { saveNew } from './save';

/** Plain string properties, by ContactData field: what to read, and how to set it. */
const TEXT_FIELDS = {
  displayName: [ContactSchema.DisplayName, (c: Contact, v: string) => (c.DisplayName = v)],
  fileAs: [ContactSchema.FileAs, (c: Contact, v: string) => (c.FileAs = v)],
  givenName: [ContactSchema.GivenName, (c: Contact, v: string) => (c.GivenName = v)],
  middleName: [ContactSchema.MiddleName, (c: Contact, v: string) => (c.MiddleName = v)],
  surname: [ContactSchema.Surname, (c: Contact, v: string) => (c.Surname = v)],
  nickname: [ContactSchema.NickName, (c: Contact, v: string) => (c.NickName = v)],
  initials: [ContactSchema.Initials, (c: Contact, v: string) => (c.Initials = v)],
  generation: [ContactSchema.Generation, (c: Contact, v: string) => (c.Generation = v)],
  companyName: [ContactSchema.CompanyName, (c: Contact, v: string) => (c.CompanyName = v)],
  department: [ContactSchema.Department, (c: Contact, v: string) => (c.Department = v)],
  jobTitle: [ContactSchema.JobTitle, (c: Contact, v: string) => (c.JobTitle = v)],
  officeLocation: [ContactSchema.OfficeLocation, (c: Contact, v: string) => (c.OfficeLocation = v)],
  manager: [ContactSchema.Manager, (c: Contact, v: string) => (c.Manager = v)],
  assistantName: [ContactSchema.AssistantName, (c: Contact, v: string) => (c.AssistantName = v)],
  profession: [ContactSchema.Profession, (c: Contact, v: string) => (c.Profession = v)],
  spouseName: [ContactSchema.SpouseName, (c: Contact, v: string) => (c.SpouseName = v)],
  businessHomePage: [ContactSchema.BusinessHomePage, (c: Contact, v: string) => (c.BusinessHomePage = v)],
} satisfies Record<string, [PropertyDefinitionBase, (c: Contact, v: string) => void]>;
type TextField = keyof typeof TEXT_FIELDS;

const EMAIL_KEYS = ['EmailAddress1', 'EmailAddress2', 'EmailAddress3'] as const;
const IM_KEYS = ['ImAddress1', 'ImAddress2', 'ImAddress3'] as const;
const ADDRESS_KEYS = ['Business', 'Home', 'Other'] as const;
const PHONE_KEYS = Object.keys(PhoneNumberKey).filter((k) => Number.isNaN(Number(k))) as PhoneKey[];

export function contactProperties(): PropertyDefinitionBase[] {
  return [
    ...BASE_PROPERTIES,
    ...Object.values(TEXT_FIELDS).map(([def]) => def),
    ContactSchema.EmailAddresses,
    ContactSchema.PhoneNumbers,
    ContactSchema.PhysicalAddresses,
    ContactSchema.ImAddresses,
    ContactSchema.Birthday,
    ContactSchema.WeddingAnniversary,
    ContactSchema.HasPicture,
    ItemSchema.Attachments,
  ];
}

/** A dictionary entry, or undefined (TryGetValue throws on some keys the server left out). */
function entry<K, V>(dict: { TryGetValue(key: K, out: { outValue: V | null }): boolean } | undefined, key: K): V | undefined {
  if (!dict) return undefined;
  const out = { outValue: null as V | null };
  try {
    return dict.TryGetValue(key, out) && out.outValue !== null ? out.outValue : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Birthdays and anniversaries are dates that Exchange keeps as a time: local midnight of
 * whoever typed it, or 11:59 UTC (what OWA writes, and Tern too). The nearest UTC midnight
 * gives the date back for every zone from UTC-12 to UTC+12, and 11:59 UTC shows as that date in
 * most of the world's zones.
 */
export function dateOnly(dt: DateTime | undefined): string | undefined {
  if (!dt || Number.isNaN(dt.TotalMilliSeconds)) return undefined;
  return new Date(dt.TotalMilliSeconds + 12 * 3600_000).toISOString().slice(0, 10);
}

export function dayAt1159Utc(date: string): DateTime {
  return new DateTime(Date.parse(`${date.slice(0, 10)}T11:59:00Z`));
}

export async function readContact(ctx: EwsContext, item: Item, folder: EwsFolder, options: { photo: boolean; attachments?: boolean } = { photo: true }): Promise<ContactData> {
  const data: ContactData = { kind: 'contact', ...readBase(item, folder), emails: [], phones: {}, addresses: {}, imAddresses: {} };
  for (const [field, [def]] of Object.entries(TEXT_FIELDS) as Array<[TextField, (typeof TEXT_FIELDS)[TextField]]>) {
    const value = prop<string>(item, def);
    if (value) data[field] = value;
  }
  const emails = prop<EmailAddressDictionary>(item, ContactSchema.EmailAddresses);
  for (const key of EMAIL_KEYS) {
    const e = entry<EmailAddressKey, EmailAddress>(emails, EmailAddressKey[key]);
    if (e?.Address) data.emails.push(e.Name ? { key, address: e.Address, name: e.Name } : { key, address: e.Address });
  }
  const phones = prop<PhoneNumberDictionary>(item, ContactSchema.PhoneNumbers);
  for (const key of PHONE_KEYS) {
    const number = entry<PhoneNumberKey, string>(phones, PhoneNumberKey[key]);
    if (number) data.phones[key] = number;
  }
  const addresses = prop<PhysicalAddressDictionary>(item, ContactSchema.PhysicalAddresses);
  for (const key of ADDRESS_KEYS) {
    const a = entry<PhysicalAddressKey, PhysicalAddressEntry>(addresses, PhysicalAddressKey[key]);
    if (!a) continue;
    const postal: PostalAddress = {};
    if (a.Street) postal.street = a.Street;
    if (a.City) postal.city = a.City;
    if (a.State) postal.state = a.State;
    if (a.PostalCode) postal.postalCode = a.PostalCode;
    if (a.CountryOrRegion) postal.country = a.CountryOrRegion;
    if (Object.keys(postal).length) data.addresses[key] = postal;
  }
  const ims = prop<ImAddressDictionary>(item, ContactSchema.ImAddresses);
  for (const key of IM_KEYS) {
    const im = entry<ImAddressKey, string>(ims, ImAddressKey[key]);
    if (im) data.imAddresses[key] = im;
  }
  const birthday = dateOnly(prop<DateTime>(item, ContactSchema.Birthday));
  if (birthday) data.birthday = birthday;
  const anniversary = dateOnly(prop<DateTime>(item, ContactSchema.WeddingAnniversary));
  if (anniversary) data.anniversary = anniversary;
  const photo = options.photo ? await readPhoto(ctx, item) : undefined;
  if (photo) data.photo = photo;
  // The other file attachments (readAttachments leaves the photo out).
  const attachments = options.attachments === false ? undefined : await readAttachments(ctx, item);
  if (attachments) data.attachments = attachments;
  return data;
}

/** The contact-photo attachment (IsContactPhoto), loaded with GetAttachment. */
async function readPhoto(ctx: EwsContext, item: Item): Promise<ContactData['photo']> {
  const attachments = prop<AttachmentCollection>(item, ItemSchema.Attachments);
  const list = (attachments as unknown as { Items?: unknown[] } | undefined)?.Items ?? [];
  const photo = list.find((a): a is FileAttachment => a instanceof FileAttachment && a.IsContactPhoto);
  if (!photo) return undefined;
  await ctx.call('reading a contact photo', () => photo.Load());
  if (!photo.Base64Content) return undefined;
  return { name: photo.Name || 'ContactPicture.jpg', contentType: photo.ContentType || 'image/jpeg', base64: photo.Base64Content };
}

export async function createContact(ctx: EwsContext, folderId: string, data: ContactData, stamp: string): Promise<string> {
  const contact = new Contact(ctx.service);
  writeBase(contact, data, stamp);
  for (const [field, [, set]] of Object.entries(TEXT_FIELDS) as Array<[TextField, (typeof TEXT_FIELDS)[TextField]]>) {
    const value = data[field];
    if (value) set(contact, value);
  }
  for (const e of data.emails) {
    contact.EmailAddresses._setItem(EmailAddressKey[e.key], e.name ? new EmailAddress(e.name, e.address, 'SMTP') : new EmailAddress(e.address));
  }
  for (const [key, number] of Object.entries(data.phones) as Array<[PhoneKey, string]>) {
    if (number) contact.PhoneNumbers._setItem(PhoneNumberKey[key], number);
  }
  for (const [key, postal] of Object.entries(data.addresses) as Array<[(typeof ADDRESS_KEYS)[number], PostalAddress]>) {
    const a = new PhysicalAddressEntry();
    if (postal.street) a.Street = postal.street;
    if (postal.city) a.City = postal.city;
    if (postal.state) a.State = postal.state;
    if (postal.postalCode) a.PostalCode = postal.postalCode;
    if (postal.country) a.CountryOrRegion = postal.country;
    contact.PhysicalAddresses._setItem(PhysicalAddressKey[key], a);
  }
  for (const [key, im] of Object.entries(data.imAddresses) as Array<[(typeof IM_KEYS)[number], string]>) {
    if (im) contact.ImAddresses._setItem(ImAddressKey[key], im);
  }
  if (data.birthday) contact.Birthday = dayAt1159Utc(data.birthday);
  if (data.anniversary) contact.WeddingAnniversary = dayAt1159Utc(data.anniversary);
  if (data.photo) {
    // What SetContactPicture does, plus the ContentType it leaves out (the copy would get one guessed from the name).
    const photo = contact.Attachments.AddFileAttachment(data.photo.name, data.photo.base64);
    photo.IsContactPhoto = true;
    if (data.photo.contentType) photo.ContentType = data.photo.contentType;
  }
  writeAttachments(contact, data.attachments);
  return saveNew(ctx, contact, 'saving a contact', () => contact.Save(new FolderId(folderId)));
}

