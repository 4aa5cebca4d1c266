// The fake Exchange server (test/fakes/ews) driven by the real ews-javascript-api client, the way
// the EWS connector drives it. Every request and response is validated against Microsoft's EWS
// schema by the fake; each test ends by checking that nothing failed validation.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BasePropertySet, ExchangeService, ExchangeVersion, ExtendedPropertyDefinition, Folder, FolderId, FolderSchema, FolderTraversal, FolderView,
  ItemId, ItemSchema, ItemView, MapiPropertyType, EmailMessage, MessageBody, PropertySet, Uri, WebCredentials,
  WellKnownFolderName, DefaultExtendedPropertySet, EmailMessageSchema, DeleteMode, ServiceResponseException, ServiceError,
  ImpersonatedUserId, ConnectingIdType, BodyType, ConflictResolutionMode, SearchFilter, Contact, ContactGroup, DateTime, EmailAddress, EmailAddressKey,
  PhoneNumberKey, ImAddressKey, PhysicalAddressEntry, PhysicalAddressKey, PhysicalAddressIndex, MailboxType, Appointment, Recurrence, DayOfTheWeek,
  Attendee, SendInvitationsMode, SendInvitationsOrCancellationsMode, SendCancellationsMode, AppointmentType, CalendarView, DayOfTheWeekIndex, Month,
  Task, TaskStatus, MimeContent, TimeZoneInfo, Rule, CreateRuleOperation, SetRuleOperation, DeleteRuleOperation, Importance, UpdateInboxRulesException,
  RuleErrorCode, OofSettings, OofState, Guid, MessageDisposition, OofExternalAudience, TimeWindow, OofReply, ResolveNameSearchLocation,
  ContactSchema, FileAttachment,
} from 'ews-javascript-api';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startFakeEws, type FakeEws } from './fakes/ews';
import { EWS_SCHEMA_DIR } from './support/ews-schema';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const ADMIN = 'admin@example.com';
const PAGE_LIMIT = 10;

let fake: FakeEws;

beforeAll(async () => {
  fake = await startFakeEws({ users: { [ALICE]: 'pw-alice', [BOB]: 'pw-bob', [ADMIN]: 'pw-admin' }, admins: [ADMIN], pageLimit: PAGE_LIMIT });
});

afterAll(async () => {
  await fake.close();
});

// Each test must leave no schema failure behind (requests or responses) and no fake bug.
afterEach(async () => {
  await fake.flushValidation();
  expect(fake.internalErrors.splice(0)).toEqual([]);
  expect(fake.schemaErrors.splice(0)).toEqual([]);
});

function service(user = ALICE, password = `pw-${user.split('@')[0]}`): ExchangeService {
  const s = new ExchangeService(ExchangeVersion.Exchange2010_SP2);
  s.Credentials = new WebCredentials(user, password);
  s.Url = new Uri(fake.url);
  return s;
}

const PR_MESSAGE_FLAGS = new ExtendedPropertyDefinition(0x0e07, MapiPropertyType.Integer);
const PR_MESSAGE_DELIVERY_TIME = new ExtendedPropertyDefinition(0x0e06, MapiPropertyType.SystemTime);
const PR_FLAG_STATUS = new ExtendedPropertyDefinition(0x1090, MapiPropertyType.Integer);
const TERN_SOURCE_ID = new ExtendedPropertyDefinition(DefaultExtendedPropertySet.PublicStrings, 'X-Tern-Source-Id', MapiPropertyType.String);

function mime(n: number, extra = ''): string {
  return [
    'From: "Carol Example" <carol@example.org>',
    `To: Alice <${ALICE}>, bob@example.com`,
    'Cc: =?utf-8?B?SsO8cmdlbg==?= <juergen@example.org>',
    `Subject: Message ${n} =?utf-8?Q?caf=C3=A9?=`,
    'Date: Tue, 02 Jan 2024 03:04:05 +0000',
    `Message-ID: <msg-${n}@example.org>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    extra,
    '',
    `Hello number ${n}, with ünïcödé.`,
    '',
  ]
    .filter((l, i) => l !== '' || i > 8)
    .join('\r\n');
}

/** An extended property's value as the client parsed it (undefined when the server sent none). */
function ext(item: { ExtendedProperties: any }, def: ExtendedPropertyDefinition): unknown {
  const out = { outValue: null as unknown };
  return item.ExtendedProperties.TryGetValue(def, out) ? out.outValue : undefined;
}

/** ews-javascript-api 0.15.3 writes text and attribute values into the SOAP unescaped. */
function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A new appointment in UTC. Without StartTimeZone, ews-javascript-api sends the machine's zone and
 * the fake, like Exchange, keeps the series on that zone's wall clock (across its DST changes).
 */
function utcAppointment(s: ExchangeService): Appointment {
  const a = new Appointment(s);
  a.StartTimeZone = TimeZoneInfo.Utc;
  a.EndTimeZone = TimeZoneInfo.Utc;
  return a;
}

/** Recurrence patterns: their constructors take arguments, their .d.ts does not say so. */
function pattern<T>(cls: new () => T, ...args: unknown[]): T {
  return new (cls as unknown as new (...a: unknown[]) => T)(...args);
}

async function ewsError(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

describe('folders', () => {
  it('serves the distinguished folders with Exchange names and classes', async () => {
    const s = service();
    const root = await Folder.Bind(s, WellKnownFolderName.MsgFolderRoot);
    expect(root.DisplayName).toBe('Top of Information Store');
    const view = new FolderView(100);
    view.PropertySet = new PropertySet(BasePropertySet.IdOnly, [FolderSchema.DisplayName, FolderSchema.FolderClass, FolderSchema.ParentFolderId]);
    const folders: Folder[] = [];
    for (;;) {
      const page = await s.FindFolders(WellKnownFolderName.MsgFolderRoot, view);
      expect(page.Folders.length).toBeLessThanOrEqual(PAGE_LIMIT);
      folders.push(...page.Folders);
      if (!page.MoreAvailable) break;
      // FindFoldersResults.NextPageOffset is never set by ews-javascript-api 0.15.3 (it parses
      // IndexedPagingOffset and drops it): page on by counting.
      view.Offset += page.Folders.length;
    }
    const names = folders.map((f) => `${f.DisplayName}|${f.FolderClass}`);
    expect(names).toEqual([
      'Inbox|IPF.Note', 'Drafts|IPF.Note', 'Sent Items|IPF.Note', 'Deleted Items|IPF.Note', 'Junk Email|IPF.Note', 'Outbox|IPF.Note', 'Archive|IPF.Note',
      'Contacts|IPF.Contact', 'Calendar|IPF.Appointment', 'Tasks|IPF.Task', 'Notes|IPF.StickyNote', 'Journal|IPF.Journal',
    ]);
    expect(folders[0].ParentFolderId.UniqueId).toBe(root.Id.UniqueId);
    const inbox = await Folder.Bind(s, WellKnownFolderName.Inbox);
    expect(inbox.Id.UniqueId).toBe(fake.mailbox(ALICE).folderByPath('Inbox')!.id);
  });

  it('creates, finds (shallow, deep, paged), refuses duplicates and deletes folders', async () => {
    const s = service();
    const parent = new Folder(s);
    parent.DisplayName = 'Projects';
    await parent.Save(WellKnownFolderName.Inbox);
    for (const name of ['A', 'B', 'C']) {
      const f = new Folder(s);
      f.DisplayName = name;
      f.FolderClass = 'IPF.Note';
      await f.Save(parent.Id);
    }
    const dup = new Folder(s);
    dup.DisplayName = 'b';
    const err = await ewsError(dup.Save(parent.Id));
    expect(err).toBeInstanceOf(ServiceResponseException);
    expect(err.ErrorCode).toBe(ServiceError.ErrorFolderExists);

    const shallow = await s.FindFolders(parent.Id, new FolderView(10));
    expect(shallow.Folders.map((f) => f.DisplayName)).toEqual(['A', 'B', 'C']);
    expect(fake.mailbox(ALICE).folderByPath('Inbox/Projects/B')).toMatchObject({ displayName: 'B', folderClass: 'IPF.Note' });

    const deep = new FolderView(2);
    deep.Traversal = FolderTraversal.Deep;
    const page1 = await s.FindFolders(WellKnownFolderName.Inbox, deep);
    expect(page1.Folders.map((f) => f.DisplayName)).toEqual(['Projects', 'A']);
    expect(page1.MoreAvailable).toBe(true);
    expect(page1.TotalCount).toBe(4);
    deep.Offset = 2; // see above: NextPageOffset stays null for folders
    const page2 = await s.FindFolders(WellKnownFolderName.Inbox, deep);
    expect(page2.Folders.map((f) => f.DisplayName)).toEqual(['B', 'C']);
    expect(page2.MoreAvailable).toBe(false);

    const filtered = await s.FindFolders(parent.Id, new SearchFilter.IsEqualTo(FolderSchema.DisplayName, 'c'), new FolderView(10));
    expect(filtered.Folders.map((f) => f.DisplayName)).toEqual(['C']);

    await parent.Delete(DeleteMode.HardDelete);
    expect(fake.mailbox(ALICE).folderByPath('Inbox/Projects')).toBeUndefined();
    const inbox = await Folder.Bind(s, WellKnownFolderName.Inbox);
    const refused = await ewsError(inbox.Delete(DeleteMode.HardDelete));
    expect(refused.ErrorCode).toBe(ServiceError.ErrorDeleteDistinguishedFolder);
  });

  it('answers ErrorFolderNotFound and ErrorInvalidIdMalformed per folder', async () => {
    const s = service();
    const gone = fake.mailbox(ALICE).addFolder('', 'Temp');
    const ok = await Folder.Bind(s, new FolderId(gone.id));
    await ok.Delete(DeleteMode.HardDelete);
    expect((await ewsError(Folder.Bind(s, new FolderId(gone.id)))).ErrorCode).toBe(ServiceError.ErrorFolderNotFound);
    expect((await ewsError(Folder.Bind(s, new FolderId('not-an-id')))).ErrorCode).toBe(ServiceError.ErrorInvalidIdMalformed);
  });
});

describe('messages', () => {
  it('round-trips MIME byte for byte with PR_MESSAGE_FLAGS, IsRead and a named property', async () => {
    const s = service();
    const source = Buffer.from(mime(1, 'X-Extra: kept'), 'utf8');
    const msg = new EmailMessage(s);
    msg.MimeContent = new MimeContent('UTF-8', source.toString('base64'));
    msg.SetExtendedProperty(PR_MESSAGE_FLAGS, 1);
    msg.SetExtendedProperty(TERN_SOURCE_ID, 'imap:INBOX:42');
    msg.IsRead = false;
    await msg.Save(WellKnownFolderName.Inbox);
    expect(fake.calls.at(-1)!.request).toContain('MessageDisposition="SaveOnly"');

    const props = new PropertySet(BasePropertySet.FirstClassProperties, [ItemSchema.MimeContent, PR_MESSAGE_FLAGS, TERN_SOURCE_ID, PR_MESSAGE_DELIVERY_TIME]);
    const back = await EmailMessage.Bind(s, msg.Id, props);
    expect(Buffer.from(back.MimeContent.Content, 'base64').equals(source)).toBe(true);
    expect(back.Subject).toBe('Message 1 café');
    expect(back.From.Address).toBe('carol@example.org');
    expect(back.From.Name).toBe('Carol Example');
    expect(back.ToRecipients.Count).toBe(2);
    expect(back.CcRecipients._getItem(0).Name).toBe('Jürgen');
    expect(back.InternetMessageId).toBe('<msg-1@example.org>');
    expect(back.IsDraft).toBe(false);
    expect(back.IsRead).toBe(false);
    expect(back.DateTimeSent.ToISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(ext(back, PR_MESSAGE_FLAGS)).toBe(0); // not read, not a draft
    expect(ext(back, TERN_SOURCE_ID)).toBe('imap:INBOX:42');
    // The same named property asked for by its property set GUID instead of "PublicStrings".
    const byGuid = new ExtendedPropertyDefinition(new Guid('00020329-0000-0000-C000-000000000046'), 'X-Tern-Source-Id', MapiPropertyType.String);
    const again = await EmailMessage.Bind(s, msg.Id, new PropertySet(BasePropertySet.IdOnly, [byGuid]));
    expect(ext(again, byGuid)).toBe('imap:INBOX:42');
    expect(back.Body.BodyType).toBe(BodyType.Text);
    expect(back.Body.Text).toContain('ünïcödé');

    const stored = fake.mailbox(ALICE).items('Inbox').find((i) => i.id === msg.Id.UniqueId)!;
    expect(stored.mime!.equals(source)).toBe(true);
    expect(stored.isRead).toBe(false);
    expect(stored.messageDisposition).toBe('SaveOnly');
    expect(stored.extended['PublicStrings:X-Tern-Source-Id']).toBe('imap:INBOX:42');
  });

  it('makes a MIME message without PR_MESSAGE_FLAGS a draft, as Exchange does', async () => {
    const s = service();
    const msg = new EmailMessage(s);
    msg.MimeContent = new MimeContent('UTF-8', Buffer.from(mime(2)).toString('base64'));
    await msg.Save(WellKnownFolderName.Drafts);
    const back = await EmailMessage.Bind(s, msg.Id, new PropertySet(BasePropertySet.IdOnly, [EmailMessageSchema.IsDraft, EmailMessageSchema.IsRead, PR_MESSAGE_FLAGS]));
    expect(back.IsDraft).toBe(true);
    expect(back.IsRead).toBe(true);
    expect(ext(back, PR_MESSAGE_FLAGS)).toBe(9); // MSGFLAG_READ | MSGFLAG_UNSENT
  });

  it('pages FindItem across the server cap, newest PR_MESSAGE_DELIVERY_TIME kept', async () => {
    const s = service(BOB);
    const mb = fake.mailbox(BOB);
    mb.addFolder('Inbox', 'Bulk');
    for (let i = 0; i < 25; i++) mb.addMessage('Inbox/Bulk', mime(100 + i), { isRead: i % 2 === 0, receivedAt: new Date(Date.UTC(2024, 0, 1, 0, i)) });
    const folder = new FolderId(mb.folderByPath('Inbox/Bulk')!.id);
    const view = new ItemView(1000);
    view.PropertySet = new PropertySet(BasePropertySet.IdOnly, [ItemSchema.Subject, ItemSchema.DateTimeReceived, EmailMessageSchema.IsRead]);
    const subjects: string[] = [];
    let pages = 0;
    for (;;) {
      const r = await s.FindItems(folder, view);
      pages++;
      expect(r.Items.length).toBeLessThanOrEqual(PAGE_LIMIT);
      expect(r.TotalCount).toBe(25);
      subjects.push(...r.Items.map((i) => i.Subject));
      if (!r.MoreAvailable) break;
      view.Offset = r.NextPageOffset!;
    }
    expect(pages).toBe(3);
    expect(subjects).toEqual(Array.from({ length: 25 }, (_, i) => `Message ${100 + i} café`));

    const first = await s.FindItems(folder, new ItemView(1));
    const msg = await EmailMessage.Bind(s, first.Items[0].Id, new PropertySet(BasePropertySet.IdOnly, [ItemSchema.DateTimeReceived, EmailMessageSchema.IsRead, PR_MESSAGE_FLAGS]));
    expect(msg.DateTimeReceived.ToISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(msg.IsRead).toBe(true);

    const sorted = new ItemView(3);
    sorted.OrderBy.Add(ItemSchema.DateTimeReceived, 1 /* Descending */);
    sorted.PropertySet = new PropertySet(BasePropertySet.IdOnly, [ItemSchema.Subject]);
    const newest = await s.FindItems(folder, new SearchFilter.IsEqualTo(EmailMessageSchema.IsRead, false), sorted);
    expect(newest.Items.map((i) => i.Subject)).toEqual(['Message 123 café', 'Message 121 café', 'Message 119 café']);
  });

  it('updates and deletes, one response per item: an unknown id fails alone', async () => {
    const s = service();
    const mb = fake.mailbox(ALICE);
    const a = mb.addMessage('Inbox', mime(200));
    const b = mb.addMessage('Inbox', mime(201));
    const msg = await EmailMessage.Bind(s, new ItemId(a.id));
    msg.IsRead = true;
    msg.Categories.Add('Migrated');
    msg.SetExtendedProperty(TERN_SOURCE_ID, 'x');
    await msg.Update(ConflictResolutionMode.AlwaysOverwrite);
    const after = mb.items('Inbox').find((i) => i.id === a.id)!;
    expect(after.isRead).toBe(true);
    expect(after.xml).toContain('<t:Categories><t:String>Migrated</t:String></t:Categories>');
    expect(after.extended['PublicStrings:X-Tern-Source-Id']).toBe('x');
    const again = await EmailMessage.Bind(s, new ItemId(a.id), new PropertySet(BasePropertySet.FirstClassProperties, [TERN_SOURCE_ID]));
    again.RemoveExtendedProperty(TERN_SOURCE_ID); // DeleteItemField with an ExtendedFieldURI
    again.Categories.Clear();
    await again.Update(ConflictResolutionMode.AlwaysOverwrite);
    const cleared = mb.items('Inbox').find((i) => i.id === a.id)!;
    expect(cleared.extended['PublicStrings:X-Tern-Source-Id']).toBeUndefined();
    expect(cleared.xml).not.toContain('<t:Categories>');

    // Several items in one CreateItem: one response message (and id) per item.
    const batch = [1, 2, 3].map((n) => {
      const m = new EmailMessage(s);
      m.MimeContent = new MimeContent('UTF-8', Buffer.from(mime(300 + n)).toString('base64'));
      m.SetExtendedProperty(PR_MESSAGE_FLAGS, 1);
      return m;
    });
    const created = await s.CreateItems(batch, new FolderId(mb.folderByPath('Inbox')!.id), MessageDisposition.SaveOnly, null as any);
    expect(created.Responses.map((r) => r.ErrorCode)).toEqual([ServiceError.NoError, ServiceError.NoError, ServiceError.NoError]);
    expect(new Set(batch.map((m) => m.Id.UniqueId)).size).toBe(3);
    expect(fake.calls.at(-1)!.response.match(/<m:CreateItemResponseMessage /g)).toHaveLength(3);

    const missing = mb.addMessage('Inbox', mime(202));
    await s.DeleteItems([new ItemId(missing.id)], DeleteMode.HardDelete, null as any, null as any);
    const responses = await s.DeleteItems([new ItemId(b.id), new ItemId(missing.id)], DeleteMode.HardDelete, null as any, null as any);
    expect(responses.Responses.map((r) => r.ErrorCode)).toEqual([ServiceError.NoError, ServiceError.ErrorItemNotFound]);
    expect(mb.items('Inbox').map((i) => i.id)).not.toContain(b.id);

    const body = new EmailMessage(s);
    body.Subject = 'typed';
    body.Body = new MessageBody(BodyType.HTML, xmlEscape('<p>Hi & bye</p>'));
    await body.Save(WellKnownFolderName.Drafts);
    const text = await EmailMessage.Bind(s, body.Id, new PropertySet(BasePropertySet.IdOnly, [ItemSchema.Body]));
    expect(text.Body.Text).toBe('<p>Hi & bye</p>');
  });
});

describe('security', () => {
  it('answers 401 to a wrong password or an unknown user', async () => {
    for (const s of [service(ALICE, 'wrong'), service('nobody@example.com', 'x')]) {
      const err = await ewsError(Folder.Bind(s, WellKnownFolderName.Inbox));
      expect(err.HttpStatusCode ?? err.status).toBe(401);
    }
    expect(fake.calls.at(-1)!.status).toBe(401);
  });

  it('lets an admin impersonate and refuses anyone else', async () => {
    const admin = service(ADMIN);
    admin.ImpersonatedUserId = new ImpersonatedUserId(ConnectingIdType.SmtpAddress, BOB);
    const inbox = await Folder.Bind(admin, WellKnownFolderName.Inbox);
    expect(inbox.Id.UniqueId).toBe(fake.mailbox(BOB).folderByPath('Inbox')!.id);
    expect(fake.calls.at(-1)).toMatchObject({ login: ADMIN, mailbox: BOB, status: 200 });

    const alice = service(ALICE);
    alice.ImpersonatedUserId = new ImpersonatedUserId(ConnectingIdType.SmtpAddress, BOB);
    const err = await ewsError(Folder.Bind(alice, WellKnownFolderName.Inbox));
    expect(err.ResponseCode ?? err.ErrorCode).toBe(ServiceError.ErrorImpersonateUserDenied);
    expect(fake.calls.at(-1)!.status).toBe(500);
  });
});

describe('contacts and groups', () => {
  it('stores a contact with every common field and serves it back', async () => {
    const s = service();
    const c = new Contact(s);
    c.GivenName = 'Dana';
    c.MiddleName = 'Q';
    c.Surname = 'Example';
    c.Initials = 'D.Q.E.';
    c.Generation = 'Jr.';
    c.FileAs = 'Example, Dana';
    c.DisplayName = 'Dana Q. Example';
    c.CompanyName = 'Example Corp';
    c.Department = 'R&D'.replace('&', 'and');
    c.JobTitle = 'Engineer';
    c.Manager = 'Erin';
    c.AssistantName = 'Frank';
    c.OfficeLocation = 'B2';
    c.Profession = 'Software';
    c.SpouseName = 'Gale';
    c.BusinessHomePage = 'https://example.com/dana';
    c.Birthday = new DateTime(Date.UTC(1990, 4, 17, 12));
    c.WeddingAnniversary = new DateTime(Date.UTC(2015, 8, 1, 12));
    c.Children.Add('Hana');
    c.Companies.Add('Example Holdings');
    c.Categories.Add('Friends');
    c.Body = new MessageBody(BodyType.Text, 'Met at the conference.');
    c.EmailAddresses._setItem(EmailAddressKey.EmailAddress1, new EmailAddress('dana@example.com'));
    c.EmailAddresses._setItem(EmailAddressKey.EmailAddress2, new EmailAddress('dana.home@example.net'));
    c.PhoneNumbers._setItem(PhoneNumberKey.MobilePhone, '+1 555 0100');
    c.PhoneNumbers._setItem(PhoneNumberKey.BusinessPhone, '+1 555 0101');
    c.ImAddresses._setItem(ImAddressKey.ImAddress1, 'dana@im.example.com');
    const work = new PhysicalAddressEntry();
    work.Street = '1 Main St';
    work.City = 'Springfield';
    work.State = 'IL';
    work.PostalCode = '62701';
    work.CountryOrRegion = 'USA';
    c.PhysicalAddresses._setItem(PhysicalAddressKey.Business, work);
    c.PostalAddressIndex = PhysicalAddressIndex.Business;
    await c.Save(WellKnownFolderName.Contacts);

    const back = await Contact.Bind(s, c.Id, new PropertySet(BasePropertySet.FirstClassProperties, [ItemSchema.Body]));
    // (Nickname is not sent at all by ews-javascript-api 0.15.3 for Exchange2010_SP2.)
    expect([back.GivenName, back.MiddleName, back.Surname, back.Generation, back.DisplayName, back.FileAs]).toEqual(['Dana', 'Q', 'Example', 'Jr.', 'Dana Q. Example', 'Example, Dana']);
    expect([back.CompanyName, back.Department, back.JobTitle, back.Manager, back.AssistantName, back.OfficeLocation, back.Profession, back.SpouseName]).toEqual([
      'Example Corp', 'RandD', 'Engineer', 'Erin', 'Frank', 'B2', 'Software', 'Gale',
    ]);
    expect(back.BusinessHomePage).toBe('https://example.com/dana');
    expect(back.Birthday.ToISOString()).toBe('1990-05-17T12:00:00.000Z');
    expect(back.EmailAddresses._getItem(EmailAddressKey.EmailAddress1).Address).toBe('dana@example.com');
    expect(back.EmailAddresses._getItem(EmailAddressKey.EmailAddress2).Address).toBe('dana.home@example.net');
    expect(back.PhoneNumbers._getItem(PhoneNumberKey.MobilePhone)).toBe('+1 555 0100');
    expect(back.ImAddresses._getItem(ImAddressKey.ImAddress1)).toBe('dana@im.example.com');
    const addr = back.PhysicalAddresses._getItem(PhysicalAddressKey.Business);
    expect([addr.Street, addr.City, addr.State, addr.PostalCode, addr.CountryOrRegion]).toEqual(['1 Main St', 'Springfield', 'IL', '62701', 'USA']);
    expect(back.Children.GetEnumerator()).toEqual(['Hana']);
    expect(back.Categories.GetEnumerator()).toEqual(['Friends']);
    expect(back.Body.Text).toBe('Met at the conference.');
    expect(back.CompleteName.FullName).toBe('Dana Q. Example');

    back.JobTitle = 'Lead';
    back.PhoneNumbers._setItem(PhoneNumberKey.HomePhone, '+1 555 0102');
    await back.Update(ConflictResolutionMode.AlwaysOverwrite);
    const stored = fake.mailbox(ALICE).items('Contacts').find((i) => i.id === c.Id.UniqueId)!;
    expect(stored.type).toBe('Contact');
    expect(stored.xml).toContain('<t:JobTitle>Lead</t:JobTitle>');
    expect(stored.xml).toContain('<t:Entry Key="HomePhone">+1 555 0102</t:Entry>');
    expect(stored.xml).toContain('<t:Entry Key="MobilePhone">+1 555 0100</t:Entry>');
  });

  it('keeps a group with a contact member and a one-off member, expanded by ExpandDL', async () => {
    const s = service();
    const erin = new Contact(s);
    erin.GivenName = 'Erin';
    erin.Surname = 'Member';
    erin.EmailAddresses._setItem(EmailAddressKey.EmailAddress1, new EmailAddress('erin@example.com'));
    await erin.Save(WellKnownFolderName.Contacts);

    const group = new ContactGroup(s);
    group.DisplayName = 'Team';
    group.Members.AddPersonalContact(erin.Id);
    group.Members.AddOneOff('Dave', 'dave@example.com');
    await group.Save(WellKnownFolderName.Contacts);

    const back = await ContactGroup.Bind(s, group.Id);
    expect(back.DisplayName).toBe('Team');
    const members = back.Members.GetEnumerator().map((m) => [m.AddressInformation.Name, m.AddressInformation.Address, MailboxType[m.AddressInformation.MailboxType]]);
    expect(members).toEqual([
      ['Erin Member', 'erin@example.com', 'Contact'],
      ['Dave', 'dave@example.com', 'OneOff'],
    ]);

    const expanded = await s.ExpandGroup(group.Id);
    expect(expanded.Count).toBe(2);
    const list = expanded.Members.map((m) => [m.Name, m.Address, MailboxType[m.MailboxType], m.Id?.UniqueId]);
    expect(list).toEqual([
      ['Erin Member', 'erin@example.com', 'Contact', erin.Id.UniqueId],
      ['Dave', 'dave@example.com', 'OneOff', undefined],
    ]);
    const stored = fake.mailbox(ALICE).items('Contacts').find((i) => i.id === group.Id.UniqueId)!;
    expect(stored.type).toBe('DistributionList');
  });

  it('seeds contacts from XML as a client would send them', async () => {
    const mb = fake.mailbox(BOB);
    const seeded = mb.addItem('Contacts', '<t:Contact><t:GivenName>Seeded</t:GivenName><t:EmailAddresses><t:Entry Key="EmailAddress1">seeded@example.com</t:Entry></t:EmailAddresses><t:Surname>Person</t:Surname></t:Contact>');
    const back = await Contact.Bind(service(BOB), new ItemId(seeded.id));
    expect(back.DisplayName).toBe('Seeded Person');
    expect(back.FileAs).toBe('Person, Seeded');
  });
});

describe('attachments', () => {
  const PHOTO = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
  const PHOTO2 = Buffer.from('ffd8ffe000104a464946', 'hex').toString('base64');
  const NOTE = Buffer.from('Notes about Carol.\r\n', 'utf8').toString('base64');
  const withAttachments = () => new PropertySet(BasePropertySet.FirstClassProperties, [ItemSchema.Attachments, ItemSchema.HasAttachments, ContactSchema.HasPicture]);
  const files = (item: { Attachments: { GetEnumerator(): unknown[] } }) => item.Attachments.GetEnumerator() as FileAttachment[];
  const opsSince = (n: number) => fake.calls.slice(n).map((c) => c.operation);

  it('adds (CreateAttachment), lists, serves (GetAttachment) and deletes (DeleteAttachment) file attachments; the ChangeKey follows', async () => {
    const s = service();
    const c = new Contact(s);
    c.GivenName = 'Carol';
    c.Surname = 'Photo';
    await c.Save(WellKnownFolderName.Contacts);
    const contact = await Contact.Bind(s, c.Id, withAttachments());
    expect([contact.HasAttachments, contact.HasPicture, contact.Attachments.Count]).toEqual([false, false, 0]);

    const firstKey = contact.Id.ChangeKey;
    contact.SetContactPicture(PHOTO, 'ContactPicture.jpg');
    const note = contact.Attachments.AddFileAttachment('notes.txt', NOTE);
    note.ContentType = 'text/plain';
    let mark = fake.calls.length;
    await contact.Update(ConflictResolutionMode.AlwaysOverwrite);
    // Nothing else changed: no UpdateItem, one CreateAttachment with a response message per attachment.
    expect(opsSince(mark)).toEqual(['CreateAttachment']);
    expect(fake.calls.at(-1)!.response.match(/RootItemChangeKey=/g)).toHaveLength(2);
    // Each attachment saved the item: the client took the new ChangeKey from RootItemChangeKey.
    const afterCreate = contact.Id.ChangeKey;
    expect(afterCreate).not.toBe(firstKey);
    const [photo, text] = files(contact);
    expect([photo.Id, text.Id].every((id) => typeof id === 'string' && id.length > 0)).toBe(true);

    const listed = await Contact.Bind(s, c.Id, withAttachments());
    expect(listed.Id.ChangeKey).toBe(afterCreate);
    expect([listed.HasAttachments, listed.HasPicture]).toEqual([true, true]);
    // GetItem lists them without content; no ContentType sent gives one from the name.
    expect(files(listed).map((a) => [a.Id, a.Name, a.ContentType, a.Size, a.IsInline, a.IsContactPhoto, a.Base64Content])).toEqual([
      [photo.Id, 'ContactPicture.jpg', 'image/jpeg', 16, false, true, null],
      [text.Id, 'notes.txt', 'text/plain', 20, false, false, null],
    ]);
    mark = fake.calls.length;
    for (const a of files(listed)) await a.Load();
    expect(opsSince(mark)).toEqual(['GetAttachment', 'GetAttachment']);
    expect(files(listed).map((a) => a.Base64Content)).toEqual([PHOTO, NOTE]);

    listed.Attachments.Remove(files(listed)[1]);
    mark = fake.calls.length;
    await listed.Update(ConflictResolutionMode.AlwaysOverwrite);
    expect(opsSince(mark)).toEqual(['DeleteAttachment']);
    // DeleteAttachment answers the root item's new ChangeKey (m:RootItemId).
    expect(listed.Id.ChangeKey).not.toBe(afterCreate);
    expect((await Contact.Bind(s, c.Id, withAttachments())).Id.ChangeKey).toBe(listed.Id.ChangeKey);

    const byId = await s.GetAttachments([photo.Id, text.Id, 'not-an-id'], null as unknown as BodyType, []);
    expect(byId.Responses.map((r) => ServiceError[r.ErrorCode])).toEqual(['NoError', 'ErrorItemNotFound', 'ErrorInvalidIdMalformed']);
    expect((byId.Responses[0].Attachment as FileAttachment).Base64Content).toBe(PHOTO);

    const stored = fake.mailbox(ALICE).items('Contacts').find((i) => i.id === c.Id.UniqueId)!;
    expect(stored.attachments.map((a) => [a.name, a.contentType, a.isContactPhoto, a.content.toString('base64')])).toEqual([['ContactPicture.jpg', 'image/jpeg', true, PHOTO]]);
    expect(stored.xml).toContain('<t:HasPicture>true</t:HasPicture>');
    const snap = fake.mailbox(ALICE).snapshot().items.find((i) => i.properties.Subject === '<t:Subject>Photo, Carol</t:Subject>')!;
    expect(snap.properties.Attachments).toBeUndefined();
    expect(snap.attachments).toEqual([
      { name: 'ContactPicture.jpg', contentType: 'image/jpeg', isInline: false, isContactPhoto: true, sha256: createHash('sha256').update(Buffer.from(PHOTO, 'base64')).digest('hex') },
    ]);

    // Deleting the item deletes its attachments.
    await listed.Delete(DeleteMode.HardDelete);
    const gone = await s.GetAttachments([photo.Id], null as unknown as BodyType, []);
    expect(ServiceError[gone.Responses[0].ErrorCode]).toBe('ErrorItemNotFound');
  });

  it('takes a new item’s attachments in its CreateItem and answers their ids (Exchange 2010 SP2+)', async () => {
    const s = service();
    const c = new Contact(s);
    c.GivenName = 'Inline';
    c.Surname = 'Photo';
    c.SetContactPicture(PHOTO, 'ContactPicture.jpg');
    const mark = fake.calls.length;
    await c.Save(WellKnownFolderName.Contacts);
    // The ids came back with CreateItem, so the library had nothing left for CreateAttachment.
    expect(opsSince(mark)).toEqual(['CreateItem']);
    expect(files(c)[0].Id).toMatch(/^AAMk/);
    const back = await Contact.Bind(s, c.Id, withAttachments());
    expect([back.HasPicture, back.IsUnmodified]).toEqual([true, true]);

    // A contact keeps one picture: a second IsContactPhoto attachment replaces the first.
    const again = back.Attachments.AddFileAttachment('ContactPicture.jpg', PHOTO2);
    again.IsContactPhoto = true;
    await back.Update(ConflictResolutionMode.AlwaysOverwrite);
    const stored = fake.mailbox(ALICE).items('Contacts').find((i) => i.id === c.Id.UniqueId)!;
    expect(stored.attachments.map((a) => a.content.toString('base64'))).toEqual([PHOTO2]);

    // Inline attachments (pictures in an HTML body) do not make HasAttachments true.
    const m = new EmailMessage(s);
    m.Subject = 'Inline picture';
    m.Body = new MessageBody(BodyType.HTML, xmlEscape('<p><img src="cid:pic1"></p>'));
    const pic = m.Attachments.AddFileAttachment('pic.png', PHOTO);
    pic.IsInline = true;
    pic.ContentId = 'pic1';
    await m.Save(WellKnownFolderName.Drafts);
    const msg = await EmailMessage.Bind(s, m.Id, new PropertySet(BasePropertySet.IdOnly, [ItemSchema.HasAttachments, ItemSchema.Attachments]));
    expect(msg.HasAttachments).toBe(false);
    expect(files(msg).map((a) => [a.Name, a.ContentType, a.ContentId, a.IsInline])).toEqual([['pic.png', 'image/png', 'pic1', true]]);
  });

  it('refuses attachments where Exchange does: an unknown parent, an item attachment, a SetItemField on Attachments', async () => {
    const s = service();
    const c = new Contact(s);
    c.GivenName = 'Refused';
    await c.Save(WellKnownFolderName.Contacts);
    const gone = await Contact.Bind(s, c.Id, withAttachments());
    await c.Delete(DeleteMode.HardDelete);
    gone.Attachments.AddFileAttachment('a.txt', NOTE);
    // The library gathers the per-attachment answers in a CreateAttachmentException.
    const refused = await ewsError(gone.Update(ConflictResolutionMode.AlwaysOverwrite));
    expect(refused.message).toBe("At least one attachment couldn't be created.");
    expect(refused.responses.Responses.map((r: { ErrorCode: ServiceError }) => ServiceError[r.ErrorCode])).toEqual(['ErrorItemNotFound']);

    const seeded = fake.mailbox(ALICE).addItem('Contacts', '<t:Contact><t:GivenName>Seeded</t:GivenName></t:Contact>');
    const raw = (inner: string) =>
      `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">` +
      `<soap:Header><t:RequestServerVersion Version="Exchange2010_SP2"/></soap:Header><soap:Body>${inner}</soap:Body></soap:Envelope>`;
    const post = async (body: string) => {
      const res = await fetch(fake.url, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8', Authorization: `Basic ${Buffer.from(`${ALICE}:pw-alice`).toString('base64')}` }, body });
      return res.text();
    };
    const itemAttachment = await post(
      raw(`<m:CreateAttachment><m:ParentItemId Id="${seeded.id}"/><m:Attachments><t:ItemAttachment><t:Name>Note</t:Name><t:Message><t:Subject>x</t:Subject></t:Message></t:ItemAttachment></m:Attachments></m:CreateAttachment>`),
    );
    expect(itemAttachment).toContain('<m:ResponseCode>ErrorInvalidRequest</m:ResponseCode>');
    const setAttachments = await post(
      raw(
        `<m:UpdateItem ConflictResolution="AlwaysOverwrite"><m:ItemChanges><t:ItemChange><t:ItemId Id="${seeded.id}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="item:Attachments"/>` +
          `<t:Contact><t:Attachments><t:FileAttachment><t:Name>a.txt</t:Name><t:Content>${NOTE}</t:Content></t:FileAttachment></t:Attachments></t:Contact></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
      ),
    );
    expect(setAttachments).toContain('<m:ResponseCode>ErrorInvalidPropertySet</m:ResponseCode>');
    expect(fake.mailbox(ALICE).items('Contacts').find((i) => i.id === seeded.id)!.attachments).toEqual([]);
  });
});

describe('calendar and tasks', () => {
  const WEEKLY_START = Date.UTC(2024, 0, 8, 9); // Monday 2024-01-08 09:00 UTC

  it('keeps a weekly series with a modified and a deleted occurrence (master and CalendarView agree)', async () => {
    const s = service();
    const appt = utcAppointment(s);
    appt.Subject = 'Weekly sync';
    appt.Start = new DateTime(WEEKLY_START);
    appt.End = new DateTime(WEEKLY_START + 3600_000);
    appt.Location = 'Room 1';
    appt.Recurrence = pattern(Recurrence.WeeklyPattern, appt.Start.Date, 1, [DayOfTheWeek.Monday]);
    appt.Recurrence.NumberOfOccurrences = 10;
    appt.RequiredAttendees.Add(new Attendee('bob@example.com'));
    await appt.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToNone);
    const created = fake.mailbox(ALICE).items('Calendar').find((i) => i.id === appt.Id.UniqueId)!;
    expect(created.sendMeetingInvitations).toBe('SendToNone');

    const third = await Appointment.BindToOccurrence(s, appt.Id, 3);
    expect(third.Start.ToISOString()).toBe('2024-01-22T09:00:00.000Z');
    third.Subject = 'Weekly sync (moved)';
    third.Start = new DateTime(Date.UTC(2024, 0, 23, 14));
    third.End = new DateTime(Date.UTC(2024, 0, 23, 15));
    await third.Update(ConflictResolutionMode.AlwaysOverwrite, SendInvitationsOrCancellationsMode.SendToNone);
    const fifth = await Appointment.BindToOccurrence(s, appt.Id, 5);
    await fifth.Delete(DeleteMode.HardDelete, SendCancellationsMode.SendToNone);

    const master = await Appointment.Bind(s, appt.Id, new PropertySet(BasePropertySet.FirstClassProperties));
    expect(AppointmentType[master.AppointmentType]).toBe('RecurringMaster');
    expect(master.FirstOccurrence.Start.ToISOString()).toBe('2024-01-08T09:00:00.000Z');
    expect(master.LastOccurrence.Start.ToISOString()).toBe('2024-03-11T09:00:00.000Z');
    expect(master.ModifiedOccurrences.Count).toBe(1);
    const mod = master.ModifiedOccurrences._getItem(0);
    expect([mod.Start.ToISOString(), mod.OriginalStart.ToISOString()]).toEqual(['2024-01-23T14:00:00.000Z', '2024-01-22T09:00:00.000Z']);
    expect(master.DeletedOccurrences.Count).toBe(1);
    expect(master.DeletedOccurrences._getItem(0).OriginalStart.ToISOString()).toBe('2024-02-05T09:00:00.000Z');
    const weekly = master.Recurrence as InstanceType<typeof Recurrence.WeeklyPattern>;
    expect(weekly.DaysOfTheWeek.GetEnumerator()).toEqual([DayOfTheWeek.Monday]);
    expect(weekly.NumberOfOccurrences).toBe(10);

    const view = await s.FindAppointments(WellKnownFolderName.Calendar, new CalendarView(new DateTime(Date.UTC(2024, 0, 1)), new DateTime(Date.UTC(2024, 1, 29))));
    const seen = view.Items.map((a) => `${a.Start.ToISOString().slice(0, 16)} ${AppointmentType[a.AppointmentType]} ${a.Subject}`);
    expect(seen).toEqual([
      '2024-01-08T09:00 Occurrence Weekly sync',
      '2024-01-15T09:00 Occurrence Weekly sync',
      '2024-01-23T14:00 Exception Weekly sync (moved)',
      '2024-01-29T09:00 Occurrence Weekly sync',
      '2024-02-12T09:00 Occurrence Weekly sync',
      '2024-02-19T09:00 Occurrence Weekly sync',
      '2024-02-26T09:00 Occurrence Weekly sync',
    ]);
    const exception = await Appointment.Bind(s, view.Items[2].Id);
    expect(exception.Location).toBe('Room 1');
    expect(AppointmentType[exception.AppointmentType]).toBe('Exception');
    const occ3 = await Appointment.BindToOccurrence(s, appt.Id, 3);
    expect(occ3.Subject).toBe('Weekly sync (moved)');
    expect((await ewsError(Appointment.BindToOccurrence(s, appt.Id, 5))).ErrorCode).toBe(ServiceError.ErrorCalendarOccurrenceIsDeletedFromRecurrence);
    expect((await ewsError(Appointment.BindToOccurrence(s, appt.Id, 11))).ErrorCode).toBe(ServiceError.ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange);
  });

  it('expands daily, monthly and yearly patterns with their ranges', async () => {
    const s = service(BOB);
    const make = async (subject: string, start: number, pattern: any) => {
      const a = utcAppointment(s);
      a.Subject = subject;
      a.Start = new DateTime(start);
      a.End = new DateTime(start + 1800_000);
      a.Recurrence = pattern;
      await a.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToNone);
      return a;
    };
    const day = (y: number, m: number, d: number, h = 8) => Date.UTC(y, m - 1, d, h);
    const daily = pattern(Recurrence.DailyPattern, new DateTime(day(2024, 3, 1)), 2);
    daily.NumberOfOccurrences = 3;
    await make('every other day', day(2024, 3, 1), daily);
    const monthly = pattern(Recurrence.MonthlyPattern, new DateTime(day(2024, 1, 31)), 1, 31);
    monthly.EndDate = new DateTime(day(2024, 4, 30));
    await make('month end', day(2024, 1, 31), monthly);
    const relative = pattern(Recurrence.RelativeMonthlyPattern, new DateTime(day(2024, 1, 1)), 1, DayOfTheWeek.Tuesday, DayOfTheWeekIndex.Second);
    relative.NumberOfOccurrences = 3;
    await make('second tuesday', day(2024, 1, 9), relative);
    const yearly = pattern(Recurrence.YearlyPattern, new DateTime(day(2024, 1, 1)), Month.February, 29);
    yearly.NumberOfOccurrences = 2;
    await make('leap day', day(2024, 2, 29, 10), yearly);
    const relYearly = pattern(Recurrence.RelativeYearlyPattern, new DateTime(day(2024, 1, 1)), Month.November, DayOfTheWeek.Thursday, DayOfTheWeekIndex.Fourth);
    relYearly.NumberOfOccurrences = 2;
    await make('thanksgiving', day(2024, 11, 28), relYearly);

    // 14 occurrences: more than the server's cap of 10 in one CalendarView, so ask in two windows.
    const all = await s.FindAppointments(WellKnownFolderName.Calendar, new CalendarView(new DateTime(day(2024, 1, 1, 0)), new DateTime(day(2025, 12, 31, 0))));
    expect([all.Items.length, all.MoreAvailable]).toEqual([PAGE_LIMIT, true]);
    const seen: string[] = [];
    for (const [from, to] of [[day(2024, 1, 1, 0), day(2024, 4, 1, 0)], [day(2024, 4, 1, 0), day(2025, 12, 31, 0)]]) {
      const view = await s.FindAppointments(WellKnownFolderName.Calendar, new CalendarView(new DateTime(from), new DateTime(to)));
      expect(view.MoreAvailable).toBe(false);
      seen.push(...view.Items.map((a) => `${a.Start.ToISOString().slice(0, 10)} ${a.Subject}`));
    }
    expect(seen).toEqual([
      '2024-01-09 second tuesday', '2024-01-31 month end', '2024-02-13 second tuesday', '2024-02-29 month end', '2024-02-29 leap day',
      '2024-03-01 every other day', '2024-03-03 every other day', '2024-03-05 every other day', '2024-03-12 second tuesday', '2024-03-31 month end',
      '2024-04-30 month end', '2024-11-28 thanksgiving', '2025-02-28 leap day', '2025-11-27 thanksgiving',
    ]);
  });

  it('expands a series without an end and gives it no LastOccurrence', async () => {
    const s = service(ADMIN);
    const a = utcAppointment(s);
    a.Subject = 'forever';
    a.Start = new DateTime(Date.UTC(2030, 0, 1, 7));
    a.End = new DateTime(Date.UTC(2030, 0, 1, 8));
    const daily = pattern(Recurrence.DailyPattern, a.Start.Date, 1);
    daily.NeverEnds();
    a.Recurrence = daily;
    await a.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToNone);
    const master = await Appointment.Bind(s, a.Id);
    expect(master.FirstOccurrence.Start.ToISOString()).toBe('2030-01-01T07:00:00.000Z');
    expect(master.LastOccurrence).toBeNull();
    const view = await s.FindAppointments(WellKnownFolderName.Calendar, new CalendarView(new DateTime(Date.UTC(2031, 5, 1)), new DateTime(Date.UTC(2031, 5, 4))));
    expect(view.Items.map((i) => i.Start.ToISOString())).toEqual(['2031-06-01T07:00:00.000Z', '2031-06-02T07:00:00.000Z', '2031-06-03T07:00:00.000Z']);
  });

  it('keeps a recurring task with status and percent complete', async () => {
    const s = service();
    const task = new Task(s);
    task.Subject = 'Water plants';
    task.StartDate = new DateTime(Date.UTC(2024, 0, 1));
    task.DueDate = new DateTime(Date.UTC(2024, 0, 2));
    task.Status = TaskStatus.InProgress;
    task.PercentComplete = 40;
    const weekly = pattern(Recurrence.WeeklyPattern, new DateTime(Date.UTC(2024, 0, 1)), 1, [DayOfTheWeek.Monday, DayOfTheWeek.Thursday]);
    weekly.NeverEnds();
    task.Recurrence = weekly;
    await task.Save(WellKnownFolderName.Tasks);
    const back = await Task.Bind(s, task.Id);
    expect(back.Subject).toBe('Water plants');
    expect(TaskStatus[back.Status]).toBe('InProgress');
    expect(back.PercentComplete).toBe(40);
    expect(back.IsRecurring).toBe(true);
    expect(back.IsComplete).toBe(false);
    expect((back.Recurrence as any).DaysOfTheWeek.GetEnumerator()).toEqual([DayOfTheWeek.Monday, DayOfTheWeek.Thursday]);
    expect(fake.mailbox(ALICE).items('Tasks').map((t) => t.type)).toEqual(['Task']);
  });
});

describe('time zones', () => {
  it('keeps the wall-clock time of a series across DST in its StartTimeZone', async () => {
    const s = service(BOB);
    const a = new Appointment(s);
    a.Subject = 'Berlin standup';
    a.Start = new DateTime(Date.UTC(2024, 2, 25, 8)); // 09:00 CET, the week before DST starts
    a.End = new DateTime(Date.UTC(2024, 2, 25, 8, 15));
    a.StartTimeZone = TimeZoneInfo.FindSystemTimeZoneById('W. Europe Standard Time');
    a.EndTimeZone = a.StartTimeZone;
    a.Recurrence = pattern(Recurrence.WeeklyPattern, a.Start.Date, 1, [DayOfTheWeek.Monday]);
    a.Recurrence.NumberOfOccurrences = 3;
    await a.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToNone);
    const view = await s.FindAppointments(WellKnownFolderName.Calendar, new CalendarView(new DateTime(Date.UTC(2024, 2, 20)), new DateTime(Date.UTC(2024, 3, 20))));
    expect(view.Items.filter((i) => i.Subject === 'Berlin standup').map((i) => i.Start.ToISOString())).toEqual([
      '2024-03-25T08:00:00.000Z', '2024-04-01T07:00:00.000Z', '2024-04-08T07:00:00.000Z', // 09:00 CEST after 31 March
    ]);
  });
});

describe('inbox rules and OOF', () => {
  it('round-trips rules and refuses a move to a folder that does not exist', async () => {
    const s = service(BOB);
    const mb = fake.mailbox(BOB);
    const news = mb.addFolder('Inbox', 'Newsletters');
    const rule = new Rule();
    rule.DisplayName = 'Move newsletters';
    rule.Priority = 1;
    rule.IsEnabled = true;
    rule.Conditions.ContainsSubjectStrings.Add('Newsletter');
    rule.Actions.MoveToFolder = new FolderId(news.id);
    const flag = new Rule();
    flag.DisplayName = 'Boss';
    flag.Priority = 2;
    flag.IsEnabled = false;
    flag.Conditions.FromAddresses.Add(new EmailAddress('boss@example.com'));
    flag.Actions.MarkImportance = Importance.High;
    await s.UpdateInboxRules([new CreateRuleOperation(rule), new CreateRuleOperation(flag)], true, BOB);

    const rules = await s.GetInboxRules(BOB);
    expect(rules.OutlookRuleBlobExists).toBe(false);
    expect(rules.Count).toBe(2);
    const first = rules._getItem(0);
    expect([first.DisplayName, first.Priority, first.IsEnabled]).toEqual(['Move newsletters', 1, true]);
    expect(first.Conditions.ContainsSubjectStrings.GetEnumerator()).toEqual(['Newsletter']);
    expect(first.Actions.MoveToFolder.UniqueId).toBe(news.id);
    expect(rules._getItem(1).Actions.MarkImportance).toBe(Importance.High);
    expect(mb.rules.map((r) => [r.displayName, r.priority, r.isEnabled])).toEqual([['Move newsletters', 1, true], ['Boss', 2, false]]);

    first.DisplayName = 'Move newsletters (edited)';
    await s.UpdateInboxRules([new SetRuleOperation(first), new DeleteRuleOperation(rules._getItem(1).Id)], true, BOB);
    expect(mb.rules.map((r) => r.displayName)).toEqual(['Move newsletters (edited)']);

    const gone = mb.addFolder('Inbox', 'Gone');
    const bad = new Rule();
    bad.DisplayName = 'Into the void';
    bad.Priority = 3;
    bad.IsEnabled = true;
    bad.Conditions.ContainsSubjectStrings.Add('void');
    bad.Actions.MoveToFolder = new FolderId(gone.id);
    const goneFolder = await Folder.Bind(s, new FolderId(gone.id));
    await goneFolder.Delete(DeleteMode.HardDelete);
    const err = await ewsError(s.UpdateInboxRules([new CreateRuleOperation(bad)], true, BOB));
    expect(err).toBeInstanceOf(UpdateInboxRulesException);
    expect(err.ErrorCode).toBe(ServiceError.ErrorInboxRulesValidationError);
    const ruleError = err.Errors._getItem(0)._getItem(0);
    expect(RuleErrorCode[ruleError.ErrorCode]).toBe('FolderDoesNotExist');
    // The wire names the field "Action:MoveToFolder" (t:RuleFieldURIType); ews-javascript-api
    // 0.15.3 looks that string up in its RuleProperty enum as is and gets undefined.
    expect(fake.calls.at(-1)!.response).toContain('<t:OperationIndex>0</t:OperationIndex><t:ValidationErrors><t:Error><t:FieldURI>Action:MoveToFolder</t:FieldURI><t:ErrorCode>FolderDoesNotExist</t:ErrorCode>');
    expect(ruleError.RuleProperty).toBeUndefined();
    expect(mb.rules.map((r) => r.displayName)).toEqual(['Move newsletters (edited)']);

    mb.hasOutlookRuleBlob = true;
    expect((await s.GetInboxRules(BOB)).OutlookRuleBlobExists).toBe(true);
    const blob = await ewsError(s.UpdateInboxRules([new DeleteRuleOperation(first.Id)], false, BOB));
    expect(blob.ErrorCode).toBe(ServiceError.ErrorOutlookRuleBlobExists);
  });

  it('round-trips OOF settings', async () => {
    const s = service(BOB);
    const before = await s.GetUserOofSettings(BOB);
    expect(OofState[before.State]).toBe('Disabled');
    const oof = new OofSettings();
    oof.State = OofState.Scheduled;
    oof.ExternalAudience = OofExternalAudience.Known;
    oof.Duration = new TimeWindow(new DateTime(Date.UTC(2024, 6, 1)), new DateTime(Date.UTC(2024, 6, 15)));
    oof.InternalReply = new OofReply(xmlEscape('<p>Away until the 15th</p>'));
    oof.ExternalReply = new OofReply('Away');
    await s.SetUserOofSettings(BOB, oof);
    const after = await s.GetUserOofSettings(BOB);
    expect(OofState[after.State]).toBe('Scheduled');
    expect(OofExternalAudience[after.ExternalAudience]).toBe('Known');
    expect(after.Duration.StartTime.ToISOString()).toBe('2024-07-01T00:00:00.000Z');
    expect(after.Duration.EndTime.ToISOString()).toBe('2024-07-15T00:00:00.000Z');
    expect(after.InternalReply.Message).toBe('<p>Away until the 15th</p>');
    expect(after.ExternalReply.Message).toBe('Away');
    expect(fake.mailbox(BOB).oof).toEqual({ state: 'Scheduled', externalAudience: 'Known', start: '2024-07-01T00:00:00Z', end: '2024-07-15T00:00:00Z', internalReply: '<p>Away until the 15th</p>', externalReply: 'Away' });
    const denied = await ewsError(s.GetUserOofSettings(ALICE));
    expect(denied.ErrorCode).toBe(ServiceError.ErrorAccessDenied);
  });
});

describe('behaviour under load and failure', () => {
  it('throttles with ErrorServerBusy and a BackOffMilliseconds the client can read', async () => {
    const s = service();
    fake.throttleNext(2, 4321);
    for (let i = 0; i < 2; i++) {
      // On the wire: HTTP 500, a SOAP fault with faultcode a:ErrorServerBusy and in its detail
      //   <t:MessageXml><t:Value Name="BackOffMilliseconds">4321</t:Value></t:MessageXml>.
      // ews-javascript-api 0.15.3 rejects with a SoapFaultDetails (not a ServerBusyException):
      //   err.ResponseCode === ServiceError.ErrorServerBusy, err.HttpStatusCode === 500, and
      //   err.ErrorDetails.get('BackOffMilliseconds') === '4321' (a string: Number() it).
      const err = await ewsError(Folder.Bind(s, WellKnownFolderName.Inbox));
      expect(err.ResponseCode).toBe(ServiceError.ErrorServerBusy);
      expect(err.HttpStatusCode).toBe(500);
      expect(Number(err.ErrorDetails.get('BackOffMilliseconds'))).toBe(4321);
    }
    expect((await Folder.Bind(s, WellKnownFolderName.Inbox)).DisplayName).toBe('Inbox');
    expect(fake.calls.slice(-3).map((c) => c.status)).toEqual([500, 500, 200]);
  });

  it('answers a scripted raw HTTP failure once', async () => {
    const s = service();
    fake.failNext(503, '<html><body>Service Unavailable</body></html>');
    const err = await ewsError(Folder.Bind(s, WellKnownFolderName.Inbox));
    expect(err.HttpStatusCode).toBe(503);
    expect((await Folder.Bind(s, WellKnownFolderName.Inbox)).DisplayName).toBe('Inbox');
  });

  it('resolves the directory and contacts by ResolveNames', async () => {
    const s = service();
    const found = await s.ResolveName(BOB, ResolveNameSearchLocation.DirectoryOnly, false);
    expect(found.Count).toBe(1);
    expect(found._getItem(0).Mailbox.Address).toBe(BOB);
    const none = await s.ResolveName('nobody-here', ResolveNameSearchLocation.DirectoryOnly, false);
    expect(none.Count).toBe(0);
  });
});

describe('schema honesty', () => {
  const samples = path.join(EWS_SCHEMA_DIR, 'samples');
  const post = (body: string) =>
    fetch(fake.url, { method: 'POST', body, headers: { 'Content-Type': 'text/xml; charset=utf-8', Authorization: `Basic ${Buffer.from(`${ALICE}:pw-alice`).toString('base64')}` } });

  it('refuses an invalid request with the ErrorSchemaValidation fault, and records it', async () => {
    for (const file of ['GetFolder-typo-element.request.xml', 'GetFolder-bad-distinguished-id.request.xml', 'GetFolder-bad-server-version.request.xml']) {
      const res = await post(fs.readFileSync(path.join(samples, 'invalid', file), 'utf8'));
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).toContain('<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorSchemaValidation</faultcode>');
      expect(text).toContain('<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorSchemaValidation</e:ResponseCode>');
    }
    await fake.flushValidation();
    const seen = fake.schemaErrors.splice(0);
    expect(seen).toHaveLength(3);
    expect(seen[0]).toMatch(/^GetFoldr request: .*No matching global element declaration/);
    expect(seen[1]).toMatch(/^GetFolder request: .*MsgFolderRoot/);
    expect(seen[2]).toMatch(/^GetFolder request: .*Exchange2019/);
  });

  it('skips validation entirely with validate: false', async () => {
    const lax = await startFakeEws({ users: { [ALICE]: 'pw-alice' }, validate: false });
    try {
      const res = await fetch(lax.url, {
        method: 'POST',
        body: fs.readFileSync(path.join(samples, 'invalid', 'GetFolder-bad-server-version.request.xml'), 'utf8'),
        headers: { 'Content-Type': 'text/xml; charset=utf-8', Authorization: `Basic ${Buffer.from(`${ALICE}:pw-alice`).toString('base64')}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await lax.close();
    }
    expect(lax.schemaErrors).toEqual([]);
  });

  it('accepts every captured ews-javascript-api request shape', async () => {
    // Their ids are made up (ErrorInvalidIdMalformed and the like): the error responses must
    // validate too. The captures name alice@example.com and impersonate bob@example.com.
    const dir = path.join(samples, 'ews-javascript-api-0.15.3');
    const unsupported = ['SyncFolderHierarchy.request.xml', 'SyncFolderItems.request.xml'];
    const asAdmin = ['CreateItem-MimeContent-Impersonation.request.xml'];
    for (const file of fs.readdirSync(dir).filter((f) => !unsupported.includes(f))) {
      const body = fs.readFileSync(path.join(dir, file), 'utf8');
      const res = asAdmin.includes(file)
        ? await fetch(fake.url, { method: 'POST', body, headers: { 'Content-Type': 'text/xml', Authorization: `Basic ${Buffer.from(`${ADMIN}:pw-admin`).toString('base64')}` } })
        : await post(body);
      expect([file, res.status]).toEqual([file, 200]);
    }
    for (const file of unsupported) {
      const res = await post(fs.readFileSync(path.join(dir, file), 'utf8'));
      expect([file, res.status, (await res.text()).includes('a:ErrorInvalidRequest')]).toEqual([file, 500, true]);
    }
  });

  it('rejects what ews-javascript-api 0.15.3 sends unescaped, as Exchange would', async () => {
    const s = service();
    const msg = new EmailMessage(s);
    msg.Subject = 'Fish & chips'; // the library writes this into the XML as is
    const err = await ewsError(msg.Save(WellKnownFolderName.Drafts));
    expect(err.ResponseCode).toBe(ServiceError.ErrorSchemaValidation);
    await fake.flushValidation();
    expect(fake.schemaErrors.splice(0)).toEqual([expect.stringMatching(/^CreateItem request: .*parser error/)]);
  });
});

describe('snapshots', () => {
  const X = 'x@example.com';
  const Y = 'y@example.com';
  const Z = 'z@example.com';
  let other: FakeEws;
  beforeAll(async () => {
    other = await startFakeEws({ users: { [X]: 'pw', [Y]: 'pw', [Z]: 'pw' } });
  });
  afterAll(async () => {
    await other.close();
    expect(other.schemaErrors).toEqual([]);
    expect(other.internalErrors).toEqual([]);
  });
  const client = (user: string) => {
    const s = new ExchangeService(ExchangeVersion.Exchange2010_SP2);
    s.Credentials = new WebCredentials(user, 'pw');
    s.Url = new Uri(other.url);
    return s;
  };

  /** The same content, in a different order per mailbox, partly through the client. */
  async function fill(address: string, reversed: boolean): Promise<void> {
    const mb = other.mailbox(address);
    mb.addFolder('Inbox', 'Keep');
    const messages = [
      () => mb.addMessage('Inbox/Keep', mime(1), { isRead: true, flagged: true, categories: ['Red'], receivedAt: new Date(Date.UTC(2024, 0, 2)) }),
      () => mb.addMessage('Inbox', mime(2), { receivedAt: new Date(Date.UTC(2024, 0, 3)) }),
    ];
    for (const add of reversed ? messages.reverse() : messages) add();
    const contact = mb.addItem('Contacts', '<t:Contact><t:GivenName>Erin</t:GivenName><t:EmailAddresses><t:Entry Key="EmailAddress1">erin@example.com</t:Entry></t:EmailAddresses><t:Surname>Member</t:Surname></t:Contact>');
    mb.addItem('Contacts', `<t:DistributionList><t:DisplayName>Team</t:DisplayName><t:Members><t:Member><t:Mailbox><t:ItemId Id="${contact.id}"/></t:Mailbox></t:Member></t:Members></t:DistributionList>`);
    const series = mb.addItem(
      'Calendar',
      '<t:CalendarItem><t:Subject>Standup</t:Subject><t:UID>standup-uid</t:UID><t:Start>2024-01-08T09:00:00Z</t:Start><t:End>2024-01-08T09:15:00Z</t:End>' +
        '<t:Recurrence><t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:NumberedRecurrence><t:StartDate>2024-01-08Z</t:StartDate><t:NumberOfOccurrences>5</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence></t:CalendarItem>',
    );
    const s = client(address);
    const second = await Appointment.BindToOccurrence(s, new ItemId(series.id), 2);
    second.Location = 'Hallway';
    await second.Update(ConflictResolutionMode.AlwaysOverwrite, SendInvitationsOrCancellationsMode.SendToNone);
    await (await Appointment.BindToOccurrence(s, new ItemId(series.id), 4)).Delete(DeleteMode.HardDelete, SendCancellationsMode.SendToNone);
    const rule = `<t:Rule><t:DisplayName>Keep</t:DisplayName><t:Priority>1</t:Priority><t:IsEnabled>true</t:IsEnabled><t:Conditions><t:ContainsSubjectStrings><t:String>keep</t:String></t:ContainsSubjectStrings></t:Conditions><t:Actions><t:MoveToFolder><t:FolderId Id="${mb.folderByPath('Inbox/Keep')!.id}"/></t:MoveToFolder></t:Actions></t:Rule>`;
    mb.rules = [rule];
    mb.oof = { state: 'Enabled', externalAudience: 'All', internalReply: 'Out', externalReply: 'Out' };
  }

  it('compare equal for mailboxes filled the same way, and differ after one change', async () => {
    await fill(X, false);
    await fill(Y, true);
    const x = other.mailbox(X).snapshot();
    expect(other.mailbox(Y).snapshot()).toEqual(x);
    expect(JSON.parse(JSON.stringify(x))).toEqual(x);
    expect(x.items.find((i) => i.type === 'CalendarItem')).toMatchObject({ exceptions: { 2: { Location: '<t:Location>Hallway</t:Location>' } }, deletedOccurrences: [4] });
    expect(x.rules[0]).toContain('<t:FolderId Id="folder:Inbox/Keep"/>');
    const members = x.items.find((i) => i.type === 'DistributionList')!.properties.Members;
    expect(members).toContain('<t:ItemId Id="item:Contacts/Member, Erin"/>');

    const msg = other.mailbox(Y).items('Inbox')[0];
    const s = client(Y);
    const m = await EmailMessage.Bind(s, new ItemId(msg.id));
    m.IsRead = true;
    await m.Update(ConflictResolutionMode.AlwaysOverwrite);
    expect(other.mailbox(Y).snapshot()).not.toEqual(x);
  });

  it('shows a MIME copy with flags, read state and received time as restored exactly', async () => {
    const source = client(X);
    const target = client(Z);
    const props = new PropertySet(BasePropertySet.IdOnly, [ItemSchema.MimeContent, EmailMessageSchema.IsRead, ItemSchema.Categories, PR_MESSAGE_FLAGS, PR_MESSAGE_DELIVERY_TIME, PR_FLAG_STATUS]);
    other.mailbox(Z).addFolder('Inbox', 'Keep');
    for (const folder of ['Inbox', 'Inbox/Keep']) {
      const from = new FolderId(other.mailbox(X).folderByPath(folder)!.id);
      const to = new FolderId(other.mailbox(Z).folderByPath(folder)!.id);
      const found = await source.FindItems(from, new ItemView(100));
      for (const item of found.Items) {
        const m = await EmailMessage.Bind(source, item.Id, props);
        const copy = new EmailMessage(target);
        copy.MimeContent = m.MimeContent;
        copy.SetExtendedProperty(PR_MESSAGE_FLAGS, ext(m, PR_MESSAGE_FLAGS));
        copy.SetExtendedProperty(PR_MESSAGE_DELIVERY_TIME, ext(m, PR_MESSAGE_DELIVERY_TIME));
        const flagStatus = ext(m, PR_FLAG_STATUS);
        if (flagStatus !== undefined) copy.SetExtendedProperty(PR_FLAG_STATUS, flagStatus);
        copy.IsRead = m.IsRead;
        for (const c of m.Categories.GetEnumerator()) copy.Categories.Add(c);
        await copy.Save(to);
      }
    }
    const messages = (snap: { items: Array<{ type: string }> }) => snap.items.filter((i) => i.type === 'Message');
    expect(messages(other.mailbox(Z).snapshot())).toEqual(messages(other.mailbox(X).snapshot()));
  });
});
