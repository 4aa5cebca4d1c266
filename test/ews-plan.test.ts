// The plan through the same ports for Exchange (the fake EWS, driven by ews-javascript-api inside
// the connector): per-folder counts and what is there already, counts of the other kinds, the
// options applied to an Exchange source, and no write of any kind sent to the destination.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEws, type FakeEws } from './fakes/ews';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage } from './support/mailbox';
import { startTern, type TestTern } from './support/tern';
import { plan } from '../commands/plan';
import { openEws } from '../src/connectors/ews';
import { parseAccountUrl } from '../src/accounts';
import type { ContactData } from '../src/ports/pim-items';

const USERS: Record<string, string> = { 'alice@ex.test': 'alice-pw', 'bob@ex.test': 'bob-pw' };
let fake: FakeEws;
let redis: TestRedis;
let tern: TestTern;

const ewsUrl = (user: string) => `ews+http://${encodeURIComponent(user)}:${encodeURIComponent(USERS[user])}@127.0.0.1:${fake.port}/EWS/Exchange.asmx`;
const day = (d: string) => new Date(`${d}T10:00:00Z`);
const hello = makeMessage({ subject: 'Hello', messageId: '<hello@ex.test>', date: day('2024-02-01') });

beforeAll(async () => {
  [fake, redis] = await Promise.all([startFakeEws({ users: USERS }), startRedis()]);
  tern = await startTern(redis.url);
  const alice = fake.mailbox('alice@ex.test');
  alice.addFolder('', 'Projects');
  alice.addMessage('Inbox', hello, { receivedAt: day('2024-02-01') });
  alice.addMessage('Inbox', makeMessage({ subject: 'Later', date: day('2024-08-01'), bodyBytes: 4000 }), { receivedAt: day('2024-08-01') });
  for (let i = 0; i < 3; i++) alice.addMessage('Projects', makeMessage({ subject: `Project ${i}` }), { receivedAt: day(`2023-0${i + 1}-01`) });
  const ews = await openEws({ ...parseAccountUrl(ewsUrl('alice@ex.test'), 'source'), password: USERS['alice@ex.test'] }, { timeoutMs: 10_000 });
  const folders = await ews.folders();
  const contact: ContactData = { kind: 'contact', sourceId: 'c1', folder: 'Contacts', categories: [], displayName: 'Dana Example', givenName: 'Dana', surname: 'Example', emails: [{ key: 'EmailAddress1', address: 'dana@example.org' }], phones: [], addresses: [], imAddresses: [], companies: [] } as unknown as ContactData;
  await ews.createItem(folders.find((f) => f.wellKnown === 'contacts')!.id, contact, { stamp: 'seed' });
  fake.mailbox('bob@ex.test').addMessage('Inbox', hello, { receivedAt: day('2024-02-01') });
});

afterAll(async () => {
  await tern?.close();
  await Promise.all([fake?.close(), redis?.stop()]);
  expect(fake?.schemaErrors ?? []).toEqual([]);
});

describe('a plan between Exchange mailboxes', () => {
  it('counts folders, what is there already and the other kinds, and sends the destination nothing that writes', async () => {
    const before = fake.mailbox('bob@ex.test').snapshot();
    const callsBefore = fake.calls.length;
    const found = await plan(tern.service, { from: ewsUrl('alice@ex.test'), to: ewsUrl('bob@ex.test'), items: 'emails,contacts,calendars' }, tern.actor);
    expect(fake.mailbox('bob@ex.test').snapshot()).toEqual(before);
    const writes = fake.calls.slice(callsBefore).filter((c) => /<m:(Create|Update|Delete|Move|Copy|Set|Empty)\w*\b/.test(c.request));
    expect(writes.map((c) => c.request.slice(0, 200))).toEqual([]);
    // The check above reads operations as ews-javascript-api names them (<m:FindItem …>).
    expect(fake.calls.slice(callsBefore).some((c) => /<m:FindItem\b/.test(c.request))).toBe(true);

    const inbox = found.folders.find((f) => f.sourceFolder === 'INBOX')!;
    expect(inbox).toMatchObject({ exists: true, count: 2, alreadyPresent: 1, toCopy: 1 });
    expect(found.folders.find((f) => f.sourceFolder === 'Projects')).toMatchObject({ exists: false, count: 3, toCopy: 3, alreadyPresent: 0 });
    expect(found.kinds).toEqual([
      { kind: 'emails', carried: true },
      { kind: 'contacts', carried: true, count: 1 },
      { kind: 'calendars', carried: true, count: 0 },
    ]);
    expect(found.quota).toBeUndefined();
    expect(found.etaSeconds).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(found)).not.toContain('alice-pw');
  });

  it('applies a date range and a folder exclusion to an Exchange source', async () => {
    const found = await plan(tern.service, { from: ewsUrl('alice@ex.test'), to: ewsUrl('bob@ex.test'), options: { since: '2024-06-01', excludeFolders: 'projects' } }, tern.actor);
    expect(found.folders.map((f) => f.sourceFolder)).not.toContain('Projects');
    expect(found.folders.find((f) => f.sourceFolder === 'INBOX')).toMatchObject({ count: 1, leftOut: 1, alreadyPresent: 0, toCopy: 1 });
  });
});
