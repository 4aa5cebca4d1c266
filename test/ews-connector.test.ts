// The Exchange (EWS) connector, every EwsSession method, against the fake Exchange server
// (test/fakes/ews), through the real client library (ews-javascript-api).
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEws } from '../src/connectors/ews';
import type { EwsFolder, EwsSession, NewMessage } from '../src/connectors/ews/types';
import type { ContactData, EventData, GroupData, OofData, RuleData, TaskData } from '../src/ports/pim-items';
import type { AccountCredentials } from '../src/ports/account';
import { TernError } from '../src/errors';
import { MAX_BUSY_RETRIES, retryBusyItems } from '../src/connectors/ews/throttle';
import { startFakeEws } from './fakes/ews';
import { selfSignedProxy } from './support/tls-proxy';

type Fake = Awaited<ReturnType<typeof startFakeEws>>;

const PAGE_LIMIT = 7;
const TIMEOUT_MS = 5_000;
let fake: Fake;

function account(user: string, password: string, extra: Partial<AccountCredentials> = {}): AccountCredentials {
  const url = new URL(fake.url);
  return {
    protocol: 'ews',
    host: url.hostname,
    port: Number(url.port),
    secure: url.protocol === 'https:',
    insecure: true,
    path: url.pathname,
    user,
    password,
    ...extra,
  };
}

const open = (user = 'alice@example.com', password = 'alice-pw', extra: Partial<AccountCredentials> = {}) => openEws(account(user, password, extra), { timeoutMs: TIMEOUT_MS });

async function rejection(p: Promise<unknown>): Promise<TernError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TernError);
  return err as TernError;
}

function mime(n: number, extra = ''): Buffer {
  // CRLF line ends, 8-bit UTF-8 in the body, a tab and trailing spaces: all must survive byte for byte.
  return Buffer.from(
    `From: Alice Example <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: Message ${n}\r\nDate: Tue, 02 Jan 2024 03:04:05 +0000\r\n` +
      `Message-ID: <msg-${n}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n` +
      `Grüße aus Köln, n° ${n}\t \r\n${extra}.\r\n`,
    'utf8',
  );
}

const callsOf = (name: string) => fake.calls.filter((c: { operation: string }) => c.operation === name).length;

beforeAll(async () => {
  fake = await startFakeEws({
    users: { 'alice@example.com': 'alice-pw', 'bob@example.com': 'bob-pw', 'admin@example.com': 'admin-pw', 'helpdesk@example.com': 'helpdesk-pw' },
    admins: ['admin@example.com'],
    pageLimit: PAGE_LIMIT,
  });
});

afterAll(async () => {
  await fake?.close();
});

describe('opening', () => {
  it('logs in and names the mailbox', async () => {
    const ews = await open();
    expect(ews.mailbox).toBe('alice@example.com');
    await ews.close();
  });

  it('refuses a wrong password with AUTH_FAILED naming the server and the account, without the password', async () => {
    const err = await rejection(open('alice@example.com', 'wrong-secret'));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.userMessage).toContain('refused the login for alice@example.com');
    expect(err.userMessage).toContain(new URL(fake.url).hostname);
    expect(JSON.stringify({ m: err.message, u: err.userMessage, c: String(err.cause) })).not.toContain('wrong-secret');
  });

  it('says UNREACHABLE for a port nobody listens on', async () => {
    const err = await rejection(openEws({ ...account('alice@example.com', 'alice-pw'), port: 1 }, { timeoutMs: TIMEOUT_MS }));
    expect(err.code).toBe('UNREACHABLE');
  });

  it('acts for another mailbox by impersonation', async () => {
    fake.mailbox('bob@example.com').addFolder('Inbox', 'Only Bob', 'IPF.Note');
    const ews = await open('admin@example.com', 'admin-pw', { impersonate: 'bob@example.com' });
    expect(ews.mailbox).toBe('bob@example.com');
    expect((await ews.folders()).map((f) => f.path)).toContain('Inbox/Only Bob');
    await ews.close();
  });

  it('explains a refused impersonation: the account lacks ApplicationImpersonation', async () => {
    const err = await rejection(open('helpdesk@example.com', 'helpdesk-pw', { impersonate: 'bob@example.com' }));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.userMessage).toContain('ApplicationImpersonation');
    expect(err.userMessage).toContain('bob@example.com');
  });
});

describe('transport', () => {
  it('waits out ErrorServerBusy (BackOffMilliseconds) and retries', async () => {
    const ews = await open();
    const before = fake.calls.length;
    fake.throttleNext(2, 150);
    const started = Date.now();
    const folders = await ews.folders();
    expect(folders.length).toBeGreaterThan(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(fake.calls.length - before).toBeGreaterThanOrEqual(3);
    await ews.close();
  });

  it('gives up after a bounded number of ErrorServerBusy answers, with a clear error', async () => {
    const ews = await open();
    fake.throttleNext(MAX_BUSY_RETRIES + 1, 5);
    const err = await rejection(ews.folders());
    expect(err.code).toBe('PROTOCOL_ERROR');
    expect(err.userMessage).toContain('ErrorServerBusy');
    // A busy server may be free later: the task is tried again.
    expect(err).toMatchObject({ retryable: true, serverCode: 'ErrorServerBusy' });
    expect((await ews.folders()).length).toBeGreaterThan(5);
    await ews.close();
  });

  it('retries only the items of a batch the server answered busy', async () => {
    let calls = 0;
    const seen: string[][] = [];
    const results = await retryBusyItems(
      ['a', 'b', 'c'],
      async (batch) => {
        calls++;
        seen.push(batch);
        return batch.map((x) => ({ x, busy: calls === 1 && x === 'b' }));
      },
      (r) => ({ busy: r.busy, backOffMs: 10 }),
    );
    expect(seen).toEqual([['a', 'b', 'c'], ['b']]);
    expect(results.map((r) => r.x)).toEqual(['a', 'b', 'c']);
    expect(results.every((r) => !r.busy)).toBe(true);
  });

  it('turns an HTML 500 (a proxy page) into a clear error instead of a hanging promise', async () => {
    const ews = await open();
    const inbox = (await ews.folders()).find((f) => f.wellKnown === 'inbox')!;
    const count = await ews.countItems(inbox.id);
    fake.failNext(500, '<html><body><h1>Proxy Error</h1></body></html>', 'text/html');
    const err = await rejection(ews.countItems(inbox.id));
    expect(err.code).toBe('PROTOCOL_ERROR');
    expect(err.userMessage).toMatch(/HTTP 500/);
    expect(err).toMatchObject({ retryable: true, httpStatus: 500 });
    // The session is still usable afterwards.
    expect(await ews.countItems(inbox.id)).toBe(count);
    await ews.close();
  });

  it.each([
    [404, /no Exchange Web Services/],
    [302, /redirected/],
    [403, /refused EWS access/],
  ])('an HTTP %i says what is wrong, with its status, and is not worth another try', async (status, said) => {
    const ews = await open();
    const inbox = (await ews.folders()).find((f) => f.wellKnown === 'inbox')!;
    fake.failNext(status, 'Nope', 'text/plain');
    const err = await rejection(ews.countItems(inbox.id));
    expect(err.userMessage).toMatch(said);
    expect(err).toMatchObject({ retryable: false, httpStatus: status });
    await ews.close();
  });
});

/** A local HTTP server answering every request with `answer` (or never, for 'hang'); it records the requests' Authorization headers. */
async function localServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void | 'hang'): Promise<{ port: number; auth: string[]; close(): Promise<void> }> {
  const auth: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    auth.push(String(req.headers.authorization ?? ''));
    req.resume();
    req.on('end', () => answer(req, res));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    auth,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('transport edges', () => {
  it('bounds a request the server never answers by timeoutMs (TIMEOUT)', async () => {
    const silent = await localServer(() => 'hang');
    try {
      const started = Date.now();
      const err = await rejection(openEws({ ...account('alice@example.com', 'alice-pw'), port: silent.port, insecure: false }, { timeoutMs: 800 }));
      expect(err.code).toBe('TIMEOUT');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await silent.close();
    }
  });

  it('signs with NTLM when asked (no Basic header, no password), and fails clearly when the server offers no NTLM', async () => {
    const server = await localServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('no');
    });
    try {
      const err = await rejection(openEws({ ...account('EXAMPLE\\alice', 'alice-pw'), port: server.port, auth: 'ntlm' }, { timeoutMs: TIMEOUT_MS }));
      expect(err.code).toBe('AUTH_FAILED');
      expect(err.userMessage).toContain('does not accept NTLM');
      expect(server.auth.length).toBeGreaterThan(0);
      expect(server.auth[0]).toMatch(/^NTLM /);
      expect(server.auth.some((a) => a.startsWith('Basic'))).toBe(false);
      expect(JSON.stringify({ m: err.userMessage, c: String(err.cause) })).not.toContain('alice-pw');
    } finally {
      await server.close();
    }
  });

  it('speaks HTTPS: a self-signed certificate is refused (TLS_FAILED) unless the account accepts it', async () => {
    const proxy = await selfSignedProxy(fake.port);
    try {
      const secure = { ...account('alice@example.com', 'alice-pw'), port: proxy.port, secure: true };
      const err = await rejection(openEws({ ...secure, insecure: false }, { timeoutMs: TIMEOUT_MS }));
      expect(err.code).toBe('TLS_FAILED');
      const ews = await openEws({ ...secure, insecure: true }, { timeoutMs: TIMEOUT_MS });
      expect((await ews.folders()).some((f) => f.wellKnown === 'inbox')).toBe(true);
      await ews.close();
    } finally {
      await proxy.close();
    }
  });
});

describe('folders', () => {
  let ews: EwsSession;
  beforeAll(async () => {
    ews = await open();
  });
  afterAll(() => ews.close());

  it('lists every folder with paths and the well-known ones marked', async () => {
    const folders = await ews.folders();
    const byWellKnown = new Map(folders.filter((f) => f.wellKnown).map((f) => [f.wellKnown, f]));
    for (const name of ['inbox', 'sentitems', 'drafts', 'deleteditems', 'junkemail', 'archive', 'contacts', 'calendar', 'tasks'] as const) {
      expect(byWellKnown.get(name), name).toBeDefined();
    }
    expect(byWellKnown.get('inbox')!.path).toBe('Inbox');
    expect(byWellKnown.get('inbox')!.parentId).toBeUndefined();
    expect(byWellKnown.get('contacts')!.folderClass).toBe('IPF.Contact');
  });

  it('creates nested folders of each class, counts and deletes them (twice is fine)', async () => {
    const inbox = (await ews.folders()).find((f) => f.wellKnown === 'inbox')!;
    const work = await ews.createFolder(inbox.id, 'Work/Projects', 'IPF.Note');
    expect(work).toMatchObject({ path: 'Inbox/Work_Projects', displayName: 'Work/Projects', parentId: inbox.id, folderClass: 'IPF.Note', totalCount: 0 });
    const top = await ews.createFolder(undefined, 'Team Contacts', 'IPF.Contact');
    expect(top.parentId).toBeUndefined();
    const listed = await ews.folders();
    expect(listed.find((f) => f.id === work.id)?.path).toBe('Inbox/Work_Projects');
    expect(listed.find((f) => f.id === top.id)?.folderClass).toBe('IPF.Contact');
    expect(await ews.countItems(work.id)).toBe(0);
    await ews.deleteFolder(work.id);
    await ews.deleteFolder(work.id);
    expect((await ews.folders()).some((f) => f.id === work.id)).toBe(false);
  });
});

describe('messages', () => {
  let ews: EwsSession;
  let folder: EwsFolder;
  beforeAll(async () => {
    ews = await open();
    const inbox = (await ews.folders()).find((f) => f.wellKnown === 'inbox')!;
    folder = await ews.createFolder(inbox.id, 'Imported', 'IPF.Note');
  });
  afterAll(() => ews.close());

  it('round-trips MIME byte for byte, with read state, flag, categories and delivery time; not a draft', async () => {
    const messages: NewMessage[] = [
      { mime: mime(1), isRead: true, flagged: false, categories: [], receivedAt: '2024-01-02T03:04:05.000Z' },
      { mime: mime(2, 'x'.repeat(5000)), isRead: false, flagged: true, categories: ['Red category', 'Ünïcode'], receivedAt: '2023-06-30T22:00:00.000Z' },
      { mime: mime(3), isRead: true, flagged: true, categories: ['Blue'] },
    ];
    const results = await ews.createMessages(folder.id, messages);
    expect(results.every((r) => 'id' in r)).toBe(true);
    const ids = results.map((r) => (r as { id: string }).id);

    const sources = await ews.fetchMime([...ids, 'AAMkAGdvbmUAAA==']);
    expect(sources.size).toBe(3);
    ids.forEach((id, i) => expect(sources.get(id)!.equals(messages[i].mime), `message ${i + 1}`).toBe(true));

    const scanned = await ews.scanMessages(folder.id);
    const byId = new Map(scanned.map((m) => [m.id, m]));
    expect(byId.get(ids[0])).toMatchObject({ isRead: true, flagged: false, categories: [], internetMessageId: '<msg-1@example.com>', receivedAt: '2024-01-02T03:04:05.000Z', subject: 'Message 1', from: 'alice@example.com' });
    expect(byId.get(ids[1])).toMatchObject({ isRead: false, flagged: true, categories: ['Red category', 'Ünïcode'], receivedAt: '2023-06-30T22:00:00.000Z' });
    expect(byId.get(ids[2])).toMatchObject({ isRead: true, flagged: true, categories: ['Blue'] });
    expect(byId.get(ids[1])!.size).toBeGreaterThan(5000);

    const stored = fake.mailbox('alice@example.com').items('Inbox/Imported');
    for (const item of stored) {
      const flags = Number(item.extended['0x0E07']);
      expect(flags & 8, 'MSGFLAG_UNSENT').toBe(0);
      expect(item.messageDisposition).toBe('SaveOnly');
    }
    expect(Number(stored.find((s) => s.id === ids[0])!.extended['0x0E07']) & 1).toBe(1);
    expect(Number(stored.find((s) => s.id === ids[1])!.extended['0x0E07']) & 1).toBe(0);
  });

  it('pages FindItem past the server cap and batches CreateItem by 50', async () => {
    const box = await ews.createFolder(folder.id, 'Many', 'IPF.Note');
    const before = callsOf('CreateItem');
    const many: NewMessage[] = Array.from({ length: 61 }, (_, i) => ({ mime: mime(100 + i), isRead: i % 2 === 0, flagged: false, categories: [] }));
    const results = await ews.createMessages(box.id, many);
    expect(results.filter((r) => 'id' in r)).toHaveLength(61);
    expect(callsOf('CreateItem') - before).toBe(2);
    const findBefore = callsOf('FindItem');
    const scanned = await ews.scanMessages(box.id);
    expect(scanned).toHaveLength(61);
    expect(new Set(scanned.map((m) => m.id)).size).toBe(61);
    expect(callsOf('FindItem') - findBefore).toBeGreaterThanOrEqual(Math.ceil(61 / PAGE_LIMIT));
    expect(await ews.countItems(box.id)).toBe(61);
    expect((await ews.listItemIds(box.id)).sort()).toEqual(scanned.map((m) => m.id).sort());
  });

  it('sends a refused batch again one message at a time (HTTP 413: too large)', async () => {
    const box = await ews.createFolder(folder.id, 'Retried', 'IPF.Note');
    fake.failNext(413, 'Request Entity Too Large', 'text/plain');
    const results = await ews.createMessages(box.id, [1, 2, 3].map((n) => ({ mime: mime(200 + n), isRead: true, flagged: false, categories: [] })));
    expect(results.every((r) => 'id' in r)).toBe(true);
    expect(await ews.countItems(box.id)).toBe(3);
  });

  it('reads messages seeded at the server (a source mailbox)', async () => {
    const bob = fake.mailbox('bob@example.com');
    const seeded = bob.addMessage('Inbox', mime(7), { isRead: true, flagged: true, categories: ['Green'], receivedAt: new Date('2022-02-02T02:02:02Z') });
    const source = await open('bob@example.com', 'bob-pw');
    const inbox = (await source.folders()).find((f) => f.wellKnown === 'inbox')!;
    const found = (await source.scanMessages(inbox.id)).find((m) => m.id === seeded.id);
    expect(found).toMatchObject({ isRead: true, flagged: true, categories: ['Green'], receivedAt: '2022-02-02T02:02:02.000Z' });
    expect((await source.fetchMime([seeded.id])).get(seeded.id)!.equals(mime(7))).toBe(true);
    await source.close();
  });
});

/** What a read-back item must equal: the written data, bar what the copy gets anew. */
function comparable<T extends { sourceId: string; folder: string }>(item: T): Omit<T, 'sourceId' | 'folder' | 'id' | 'stamp'> {
  const { sourceId: _s, folder: _f, id: _i, stamp: _st, ...rest } = item as T & { id?: string; stamp?: string };
  return rest;
}

describe('PIM items', () => {
  let ews: EwsSession;
  let contacts: EwsFolder;
  let calendar: EwsFolder;
  let tasks: EwsFolder;
  beforeAll(async () => {
    ews = await open();
    const folders = await ews.folders();
    contacts = await ews.createFolder(folders.find((f) => f.wellKnown === 'contacts')!.id, 'Copied contacts', 'IPF.Contact');
    calendar = await ews.createFolder(folders.find((f) => f.wellKnown === 'calendar')!.id, 'Copied calendar', 'IPF.Appointment');
    tasks = await ews.createFolder(folders.find((f) => f.wellKnown === 'tasks')!.id, 'Copied tasks', 'IPF.Task');
  });
  afterAll(() => ews.close());

  const photo = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex').toString('base64');
  const contact: ContactData = {
    kind: 'contact',
    sourceId: 'src-contact-1',
    folder: 'Contacts',
    subject: 'Carol Example',
    body: { type: 'text', content: 'Met at the conference.' },
    categories: ['Clients'],
    importance: 'High',
    sensitivity: 'Private',
    displayName: 'Carol Example',
    fileAs: 'Example, Carol',
    givenName: 'Carol',
    middleName: 'Ann',
    surname: 'Example',
    nickname: 'Caz',
    initials: 'C.A.E.',
    generation: 'Jr.',
    companyName: 'Example Corp',
    department: 'Sales',
    jobTitle: 'Director',
    officeLocation: 'Building 2',
    manager: 'Dave Boss',
    assistantName: 'Eve Helper',
    profession: 'Engineer',
    spouseName: 'Frank',
    emails: [
      { key: 'EmailAddress1', address: 'carol@example.com', name: 'Carol Example' },
      { key: 'EmailAddress2', address: 'carol.home@example.net' },
    ],
    phones: { BusinessPhone: '+1 555 0100', MobilePhone: '+1 555 0101', HomeFax: '+1 555 0102' },
    addresses: {
      Business: { street: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'USA' },
      Home: { street: '2 Elm St', city: 'Shelbyville' },
    },
    imAddresses: { ImAddress1: 'carol@im.example.com' },
    birthday: '1980-06-01',
    anniversary: '2005-09-17',
    businessHomePage: 'https://example.com/carol',
  };

  it('writes a contact with every field, and reads it back equal, with the stamp', async () => {
    const id = await ews.createItem(contacts.id, contact, { stamp: 'stamp-contact-1' });
    const [back] = await ews.readItems('contact', contacts, [id]);
    expect(back.id).toBe(id);
    expect(back.stamp).toBe('stamp-contact-1');
    expect(back.sourceId).toBe(id);
    expect(back.folder).toBe(contacts.path);
    expect(comparable(back as ContactData)).toEqual(comparable(contact));
  });

  it('escapes what it writes: "&", "<" and quotes in names, subjects and categories', async () => {
    const odd: ContactData = { ...contact, sourceId: 'src-odd', displayName: 'Tom & Jerry <TJ> "the duo"', subject: 'A&B <c>', categories: ['R&D'], body: { type: 'html', content: '<p>Tom &amp; Jerry</p>' } };
    const id = await ews.createItem(contacts.id, odd, { stamp: 'key&<"x">' });
    const [back] = await ews.readItems('contact', contacts, [id]);
    expect(back.stamp).toBe('key&<"x">');
    expect(comparable(back as ContactData)).toEqual(comparable(odd));
  });

  // The photo is a contact-photo file attachment: sent inline with CreateItem (Exchange2010_SP2+),
  // listed by GetItem, its content loaded with GetAttachment.
  it('writes and reads the contact photo, its name and content type kept', async () => {
    const withPhoto: ContactData = { ...contact, sourceId: 'src-photo', photo: { name: 'ContactPicture.jpg', contentType: 'image/png', base64: photo } };
    const before = { create: callsOf('CreateAttachment'), get: callsOf('GetAttachment') };
    const id = await ews.createItem(contacts.id, withPhoto, { stamp: 'stamp-photo' });
    // The server answered the inline attachment's id, so the library sent no CreateAttachment after CreateItem.
    expect(callsOf('CreateAttachment')).toBe(before.create);
    const stored = fake.mailbox('alice@example.com').items().find((i) => i.id === id)!;
    expect(stored.attachments.map((a) => ({ name: a.name, contentType: a.contentType, isContactPhoto: a.isContactPhoto, base64: a.content.toString('base64') }))).toEqual([
      { name: 'ContactPicture.jpg', contentType: 'image/png', isContactPhoto: true, base64: photo },
    ]);
    const [back] = (await ews.readItems('contact', contacts, [id])) as ContactData[];
    expect(callsOf('GetAttachment')).toBe(before.get + 1);
    expect(back.photo).toEqual(withPhoto.photo);
    expect(comparable(back)).toEqual(comparable(withPhoto));
  });

  it('writes a group whose contact member is re-pointed at the copy, one-off members kept', async () => {
    const copy = await ews.createItem(contacts.id, { ...contact, sourceId: 'src-contact-2' }, { stamp: 'stamp-contact-2' });
    const group: GroupData = {
      kind: 'group',
      sourceId: 'src-group-1',
      folder: 'Contacts',
      categories: [],
      subject: 'Team',
      displayName: 'Team',
      members: [
        { name: 'Carol Example', address: 'carol@example.com', routingType: 'SMTP', contactSourceId: 'src-contact-2' },
        { name: 'Dave One-off', address: 'dave@example.org', routingType: 'SMTP' },
      ],
    };
    const id = await ews.createItem(contacts.id, group, { stamp: 'stamp-group-1', contactIds: new Map([['src-contact-2', copy]]) });
    const [back] = (await ews.readItems('group', contacts, [id])) as Array<GroupData & { stamp?: string }>;
    expect(back.stamp).toBe('stamp-group-1');
    expect(back.displayName).toBe('Team');
    expect(back.members).toEqual([
      { name: 'Carol Example', address: 'carol@example.com', routingType: 'SMTP', contactSourceId: copy },
      { name: 'Dave One-off', address: 'dave@example.org', routingType: 'SMTP' },
    ]);
    // The folder mixes both kinds: each read gives only the kind asked for.
    const all = await ews.listItemIds(contacts.id);
    expect(all).toEqual(expect.arrayContaining([id, copy]));
    expect((await ews.readItems('group', contacts, all)).map((g) => g.id)).toEqual([id]);
    expect((await ews.readItems('contact', contacts, all)).map((c) => c.kind)).not.toContain('group');
  });

  const weekly: EventData = {
    kind: 'event',
    sourceId: 'src-event-1',
    folder: 'Calendar',
    subject: 'Weekly sync',
    body: { type: 'html', content: '<p>Agenda</p>' },
    categories: ['Meetings'],
    importance: 'Normal',
    sensitivity: 'Normal',
    start: '2024-01-08T08:00:00.000Z',
    end: '2024-01-08T09:00:00.000Z',
    isAllDay: false,
    location: 'Room 1',
    startTimeZone: 'W. Europe Standard Time',
    endTimeZone: 'W. Europe Standard Time',
    reminderSet: true,
    reminderMinutes: 15,
    busyStatus: 'Busy',
    requiredAttendees: [{ name: 'Bob', address: 'bob@example.com' }],
    optionalAttendees: [{ address: 'carol@example.org' }],
    resources: [],
    isMeeting: true,
    recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['Monday'], firstDayOfWeek: 'Monday' }, startDate: '2024-01-08', end: { type: 'numbered', count: 10 } },
    modifiedOccurrences: [{ originalStart: '2024-01-15T08:00:00.000Z', start: '2024-01-15T10:00:00.000Z', end: '2024-01-15T11:30:00.000Z', subject: 'Weekly sync (moved)', location: 'Room 2' }],
    deletedOccurrences: ['2024-01-22T08:00:00.000Z'],
  };

  it('writes a recurring event with a moved and a deleted occurrence (SendToNone, a new UID) and reads it back equal', async () => {
    const id = await ews.createItem(calendar.id, weekly, { stamp: 'stamp-event-1' });
    const [back] = await ews.readItems('event', calendar, [id]);
    expect(back.stamp).toBe('stamp-event-1');
    const { organizer: _o, ...rest } = comparable(back as EventData);
    expect(rest).toEqual(comparable(weekly));
    const stored = fake.mailbox('alice@example.com').items(calendar.path);
    const master = stored.find((s) => s.id === id)!;
    expect(master.sendMeetingInvitations).toBe('SendToNone');
    expect(master.xml).toMatch(/<t:UID>/);
    expect(await ews.listItemIds(calendar.id)).toContain(id);
  });

  it('writes a single all-day event and one in another time zone', async () => {
    const allDay: EventData = {
      ...weekly,
      sourceId: 'src-event-2',
      subject: 'Holiday',
      body: undefined,
      categories: [],
      start: '2024-03-10',
      end: '2024-03-11',
      isAllDay: true,
      location: undefined,
      startTimeZone: 'Pacific Standard Time',
      endTimeZone: 'Pacific Standard Time',
      reminderSet: false,
      reminderMinutes: undefined,
      busyStatus: 'Free',
      requiredAttendees: [],
      optionalAttendees: [],
      isMeeting: false,
      recurrence: undefined,
      modifiedOccurrences: [],
      deletedOccurrences: [],
    };
    const clean = (e: EventData) => JSON.parse(JSON.stringify(e)) as EventData;
    const id = await ews.createItem(calendar.id, clean(allDay), { stamp: 'stamp-event-2' });
    const [back] = await ews.readItems('event', calendar, [id]);
    const { organizer: _o, reminderMinutes: _r, ...rest } = comparable(back as EventData);
    const { reminderMinutes: _r2, ...expected } = comparable(clean(allDay));
    expect(rest).toEqual(expected);
  });

  it('round-trips every recurrence pattern', async () => {
    const patterns: Array<NonNullable<EventData['recurrence']>> = [
      { pattern: { type: 'daily', interval: 2 }, startDate: '2024-04-01', end: { type: 'endDate', endDate: '2024-04-30' } },
      { pattern: { type: 'weekly', interval: 2, daysOfWeek: ['Tuesday', 'Thursday'] }, startDate: '2024-04-02', end: { type: 'numbered', count: 6 } },
      { pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 15 }, startDate: '2024-04-15', end: { type: 'noEnd' } },
      { pattern: { type: 'relativeMonthly', interval: 1, dayOfWeek: 'Tuesday', index: 'Second' }, startDate: '2024-04-09', end: { type: 'numbered', count: 5 } },
      { pattern: { type: 'absoluteYearly', month: 'April', dayOfMonth: 20 }, startDate: '2024-04-20', end: { type: 'noEnd' } },
      { pattern: { type: 'relativeYearly', month: 'November', dayOfWeek: 'Friday', index: 'Last' }, startDate: '2024-11-29', end: { type: 'numbered', count: 3 } },
    ];
    for (const [i, recurrence] of patterns.entries()) {
      const start = `${recurrence.startDate}T07:00:00.000Z`;
      const event: EventData = { ...weekly, sourceId: `src-pattern-${i}`, subject: `Pattern ${i}`, start, end: `${recurrence.startDate}T07:30:00.000Z`, recurrence, modifiedOccurrences: [], deletedOccurrences: [] };
      const id = await ews.createItem(calendar.id, event, { stamp: `stamp-pattern-${i}` });
      const [back] = (await ews.readItems('event', calendar, [id])) as EventData[];
      expect(back.recurrence, recurrence.pattern.type).toEqual(recurrence);
    }
  });

  const task: TaskData = {
    kind: 'task',
    sourceId: 'src-task-1',
    folder: 'Tasks',
    subject: 'File the report',
    body: { type: 'text', content: 'Quarterly.' },
    categories: ['Work'],
    importance: 'High',
    sensitivity: 'Normal',
    startDate: '2024-02-01',
    dueDate: '2024-02-10',
    status: 'InProgress',
    percentComplete: 40,
    recurrence: { pattern: { type: 'regenerating', unit: 'weekly', interval: 2 }, startDate: '2024-02-01', end: { type: 'noEnd' } },
    reminderSet: true,
    reminderDueBy: '2024-02-09T08:00:00.000Z',
    owner: 'Alice Example',
    totalWorkMinutes: 120,
    actualWorkMinutes: 45,
    mileage: '12 km',
    billingInformation: 'Project X',
    companies: ['Example Corp', 'Other Ltd'],
  };

  it('writes tasks (a regenerating one, a completed monthly one) and reads them back equal', async () => {
    const done: TaskData = {
      ...task,
      sourceId: 'src-task-2',
      subject: 'Pay the rent',
      status: 'Completed',
      percentComplete: 100,
      completeDate: '2024-02-03',
      recurrence: { pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 3 }, startDate: '2024-01-03', end: { type: 'endDate', endDate: '2024-12-03' } },
      reminderSet: false,
      reminderDueBy: undefined,
    };
    const ids = [await ews.createItem(tasks.id, task, { stamp: 'stamp-task-1' }), await ews.createItem(tasks.id, JSON.parse(JSON.stringify(done)), { stamp: 'stamp-task-2' })];
    const back = await ews.readItems('task', tasks, ids);
    expect(back.map((b) => b.stamp)).toEqual(['stamp-task-1', 'stamp-task-2']);
    expect(comparable(back[0] as TaskData)).toEqual(comparable(task));
    expect(comparable(back[1] as TaskData)).toEqual(comparable(JSON.parse(JSON.stringify(done)) as TaskData));
  });

  it('deletes items in batches; items already gone are no error', async () => {
    const ids = await ews.listItemIds(tasks.id);
    expect(ids.length).toBe(2);
    await ews.deleteItems(ids);
    await ews.deleteItems(ids);
    expect(await ews.listItemIds(tasks.id)).toEqual([]);
    expect(await ews.readItems('task', tasks, ids)).toEqual([]);
  });
});

// File attachments (PimBase.attachments) of events, tasks and contacts: sent inline with CreateItem,
// listed by GetItem, their content loaded with one GetAttachment per item that has any.
describe('PIM file attachments', () => {
  let ews: EwsSession;
  let contacts: EwsFolder;
  let calendar: EwsFolder;
  let tasks: EwsFolder;
  beforeAll(async () => {
    ews = await open();
    const folders = await ews.folders();
    contacts = await ews.createFolder(folders.find((f) => f.wellKnown === 'contacts')!.id, 'Attached contacts', 'IPF.Contact');
    calendar = await ews.createFolder(folders.find((f) => f.wellKnown === 'calendar')!.id, 'Attached calendar', 'IPF.Appointment');
    tasks = await ews.createFolder(folders.find((f) => f.wellKnown === 'tasks')!.id, 'Attached tasks', 'IPF.Task');
  });
  afterAll(() => ews.close());

  // Every byte value, a PDF header and some bulk: base64 must come back byte for byte.
  const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n', 'latin1'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.alloc(5000, 0xa5)]);
  const pdf = { name: 'Agenda & notes.pdf', contentType: 'application/pdf', base64: bytes.toString('base64') };
  const storedOf = (id: string) => fake.mailbox('alice@example.com').items().find((i) => i.id === id)!;

  it('an event keeps its attachment, byte for byte, and nothing more is asked of an event without one', async () => {
    const event: EventData = {
      kind: 'event',
      sourceId: 'src-att-event',
      folder: 'Calendar',
      subject: 'Board meeting',
      categories: [],
      start: '2024-05-06T09:00:00.000Z',
      end: '2024-05-06T10:00:00.000Z',
      isAllDay: false,
      startTimeZone: 'UTC',
      endTimeZone: 'UTC',
      reminderSet: false,
      requiredAttendees: [],
      optionalAttendees: [],
      resources: [],
      isMeeting: false,
      modifiedOccurrences: [],
      deletedOccurrences: [],
      attachments: [pdf],
    };
    const before = { create: callsOf('CreateAttachment'), get: callsOf('GetAttachment') };
    const id = await ews.createItem(calendar.id, event, { stamp: 'stamp-att-event' });
    // Inline with CreateItem: no CreateAttachment afterwards.
    expect(callsOf('CreateAttachment')).toBe(before.create);
    const stored = storedOf(id).attachments;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ name: pdf.name, contentType: 'application/pdf', isInline: false, isContactPhoto: false });
    expect(stored[0].content.equals(bytes)).toBe(true);
    const [back] = (await ews.readItems('event', calendar, [id])) as EventData[];
    expect(callsOf('GetAttachment')).toBe(before.get + 1);
    expect(back.attachments).toEqual([pdf]);
    expect(Buffer.from(back.attachments![0].base64, 'base64').equals(bytes)).toBe(true);

    const { attachments: _a, ...plain } = event;
    const bare = await ews.createItem(calendar.id, { ...plain, sourceId: 'src-att-none' }, { stamp: 'stamp-att-none' });
    const get = callsOf('GetAttachment');
    const [none] = (await ews.readItems('event', calendar, [bare])) as EventData[];
    expect(none.attachments).toBeUndefined();
    expect(callsOf('GetAttachment')).toBe(get);
    // A read for stamps only fetches no content.
    const [light] = (await ews.readItems('event', calendar, [id], { attachments: false })) as EventData[];
    expect(light.attachments).toBeUndefined();
    expect(callsOf('GetAttachment')).toBe(get);
  });

  it('a task keeps its attachments, an inline one with its Content-ID', async () => {
    const image = { name: 'chart.png', contentType: 'image/png', base64: Buffer.from('89504e470d0a1a0a00', 'hex').toString('base64'), contentId: 'chart@tern', isInline: true };
    const task: TaskData = {
      kind: 'task',
      sourceId: 'src-att-task',
      folder: 'Tasks',
      subject: 'Review the document',
      body: { type: 'html', content: '<p><img src="cid:chart@tern"></p>' },
      categories: [],
      status: 'NotStarted',
      percentComplete: 0,
      reminderSet: false,
      companies: [],
      attachments: [pdf, image],
    };
    const id = await ews.createItem(tasks.id, task, { stamp: 'stamp-att-task' });
    const snap = fake.mailbox('alice@example.com').snapshot().items.find((i) => i.attachments?.some((a) => a.name === 'chart.png'))!;
    expect(snap.attachments).toEqual([
      expect.objectContaining({ name: pdf.name, contentType: 'application/pdf', isInline: false }),
      expect.objectContaining({ name: 'chart.png', contentType: 'image/png', contentId: 'chart@tern', isInline: true }),
    ]);
    const get = callsOf('GetAttachment');
    const [back] = (await ews.readItems('task', tasks, [id])) as TaskData[];
    // Both in one GetAttachment.
    expect(callsOf('GetAttachment')).toBe(get + 1);
    expect(back.attachments).toEqual([pdf, image]);
  });

  it('a contact keeps its attachment apart from its photo, which is never repeated among them', async () => {
    const photo = { name: 'ContactPicture.jpg', contentType: 'image/jpeg', base64: Buffer.from('ffd8ffe000104a464946', 'hex').toString('base64') };
    const contact: ContactData = {
      kind: 'contact',
      sourceId: 'src-att-contact',
      folder: 'Contacts',
      categories: [],
      displayName: 'Grace Attached',
      givenName: 'Grace',
      surname: 'Attached',
      emails: [{ key: 'EmailAddress1', address: 'grace@example.com' }],
      phones: {},
      addresses: {},
      imAddresses: {},
      photo,
      attachments: [pdf],
    };
    const id = await ews.createItem(contacts.id, contact, { stamp: 'stamp-att-contact' });
    expect(storedOf(id).attachments.map((a) => [a.name, a.isContactPhoto])).toEqual([
      ['ContactPicture.jpg', true],
      [pdf.name, false],
    ]);
    const [back] = (await ews.readItems('contact', contacts, [id])) as ContactData[];
    expect(back.photo).toEqual(photo);
    expect(back.attachments).toEqual([pdf]);
    expect(Buffer.from(back.attachments![0].base64, 'base64').equals(bytes)).toBe(true);
  });

  it('the fake saw only valid EWS for all of it', async () => {
    await fake.flushValidation();
    expect(fake.schemaErrors).toEqual([]);
    expect(fake.internalErrors).toEqual([]);
  });
});

describe('inbox rules and automatic replies', () => {
  let ews: EwsSession;
  beforeAll(async () => {
    ews = await open('bob@example.com', 'bob-pw');
  });
  afterAll(() => ews.close());

  it('round-trips rules, folder references as mail folder paths ("INBOX/…"), and refuses a path that does not exist', async () => {
    const inbox = (await ews.folders()).find((f) => f.wellKnown === 'inbox')!;
    await ews.createFolder(inbox.id, 'Newsletters', 'IPF.Note');
    const rules: RuleData[] = [
      {
        displayName: 'Move newsletters',
        priority: 1,
        isEnabled: true,
        conditions: { containsSubjectStrings: ['Newsletter', 'Digest'], fromAddresses: [{ emailAddress: 'news@example.org' }] },
        exceptions: { hasAttachments: true },
        actions: { moveToFolder: 'INBOX/Newsletters', stopProcessingRules: true },
      },
      { displayName: 'Flag the boss', priority: 2, isEnabled: false, conditions: { importance: 'High' }, exceptions: {}, actions: { markImportance: 'High', assignCategories: ['Boss'] } },
    ];
    await ews.writeRules(rules);
    const back = await ews.readRules();
    expect(back.hasClientRules).toBe(false);
    expect(back.rules).toEqual(rules);

    // Writing the same collection again changes nothing; one rule less deletes just that one.
    await ews.writeRules(back.rules);
    await ews.writeRules([back.rules[0]]);
    expect((await ews.readRules()).rules).toEqual([rules[0]]);
    // A snapshot an older version took names the folder by its display path: still understood.
    await ews.writeRules([{ ...rules[0], actions: { moveToFolder: 'Inbox/Newsletters', stopProcessingRules: true } }]);
    expect((await ews.readRules()).rules).toEqual([rules[0]]);

    const err = await rejection(ews.writeRules([...rules, { ...rules[0], displayName: 'Lost', priority: 3, actions: { moveToFolder: 'Inbox/Does not exist' } }]));
    expect(err.userMessage).toContain('Inbox/Does not exist');
    expect((await ews.readRules()).rules).toEqual([rules[0]]);
  });

  it('reads and writes the rules of an impersonated mailbox', async () => {
    const admin = await open('admin@example.com', 'admin-pw', { impersonate: 'alice@example.com' });
    const rule: RuleData = { displayName: 'Mark as read', priority: 1, isEnabled: true, conditions: { containsSenderStrings: ['noreply'] }, exceptions: {}, actions: { markAsRead: true } };
    await admin.writeRules([rule]);
    expect((await admin.readRules()).rules).toEqual([rule]);
    expect(fake.mailbox('alice@example.com').rules.map((r) => r.displayName)).toEqual(['Mark as read']);
    await admin.close();
  });

  it('reports client-side rules (an Outlook rule blob)', async () => {
    fake.mailbox('bob@example.com').hasOutlookRuleBlob = true;
    expect((await ews.readRules()).hasClientRules).toBe(true);
  });

  it('round-trips the out-of-office settings', async () => {
    const scheduled: OofData = {
      state: 'Scheduled',
      externalAudience: 'Known',
      start: '2024-07-01T08:00:00.000Z',
      end: '2024-07-15T17:00:00.000Z',
      internalReply: '<html><body>Away until the 15th.</body></html>',
      externalReply: '<html><body>Out of office.</body></html>',
    };
    await ews.writeOof(scheduled);
    expect(await ews.readOof()).toEqual(scheduled);
    const enabled: OofData = { state: 'Enabled', externalAudience: 'None', internalReply: 'Back soon', externalReply: '' };
    await ews.writeOof(enabled);
    expect(await ews.readOof()).toEqual(enabled);
  });
});

describe('the fake saw only valid EWS', () => {
  it('has no schema errors in any request or response, and the fake never failed itself', async () => {
    await fake.flushValidation();
    expect(fake.schemaErrors).toEqual([]);
    expect(fake.internalErrors).toEqual([]);
  });
});
