// The destination's quota in the plan for Exchange (EWS) and Microsoft 365 (Graph): read as the
// mailbox's MAPI store properties on its root folder (size 0x0E08, receive quota 0x666A in KB),
// from the fake EWS (schema-checked) and the fake Graph (CSDL-checked); "does not say" when the
// server gives no quota.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEws, type FakeEws } from './fakes/ews';
import { startFakeGraph, type FakeGraph } from './fakes/graph';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage } from './support/mailbox';
import { startTern, type TestTern } from './support/tern';
import { plan } from '../commands/plan';
import { planCard } from '../commands/plan-view';

const USERS: Record<string, string> = { 'alice@ex.test': 'alice-pw', 'bob@ex.test': 'bob-pw', 'carl@ex.test': 'carl-pw' };
const TOKENS: Record<string, string> = { 'ann@m365.test': 'tok-ann', 'ben@m365.test': 'tok-ben' };
let ews: FakeEws;
let graph: FakeGraph;
let redis: TestRedis;
let tern: TestTern;

const ewsUrl = (user: string) => `ews+http://${encodeURIComponent(user)}:${USERS[user]}@127.0.0.1:${ews.port}/EWS/Exchange.asmx`;
const graphUrl = (user: string) => `graph+http://${encodeURIComponent(user)}:${TOKENS[user]}@127.0.0.1:${new URL(graph.url).port}`;
const at = (d: string) => new Date(`${d}T10:00:00Z`);
const big = makeMessage({ subject: 'Big', date: at('2024-03-01'), bodyBytes: 30_000 });
const small = makeMessage({ subject: 'Small', date: at('2024-03-02'), bodyBytes: 2_000 });
const there = makeMessage({ subject: 'Already there', date: at('2024-01-01'), bodyBytes: 5_000 });

beforeAll(async () => {
  [ews, graph, redis] = await Promise.all([startFakeEws({ users: USERS }), startFakeGraph({ users: TOKENS }), startRedis()]);
  tern = await startTern(redis.url);
  const alice = ews.mailbox('alice@ex.test');
  alice.addMessage('Inbox', big, { receivedAt: at('2024-03-01') });
  alice.addMessage('Inbox', small, { receivedAt: at('2024-03-02') });
  // bob: 5 KB used of a 32 KB quota; carl and ann set no quota.
  ews.mailbox('bob@ex.test').addMessage('Inbox', there, { receivedAt: at('2024-01-01') });
  ews.mailbox('bob@ex.test').quotaKb = 32;
  ews.mailbox('carl@ex.test').addMessage('Inbox', there, { receivedAt: at('2024-01-01') });
  graph.mailbox('ben@m365.test').addMessage('Inbox', there, { receivedAt: at('2024-01-01') });
  graph.mailbox('ben@m365.test').quotaKb = 1024;
}, 60_000);

afterAll(async () => {
  await tern?.close();
  await Promise.all([ews?.close(), graph?.close(), redis?.stop()]);
  expect(ews?.schemaErrors ?? []).toEqual([]);
  expect(graph?.schemaErrors ?? []).toEqual([]);
  expect(graph?.internalErrors ?? []).toEqual([]);
});

describe('the destination quota in a plan', () => {
  it('reads an Exchange mailbox quota over EWS and warns when the copy would not fit', async () => {
    const before = ews.mailbox('bob@ex.test').snapshot();
    const found = await plan(tern.service, { from: ewsUrl('alice@ex.test'), to: ewsUrl('bob@ex.test') }, tern.actor);
    expect(ews.mailbox('bob@ex.test').snapshot()).toEqual(before);
    const toCopy = found.totals.toCopyBytes;
    expect(toCopy).toBeGreaterThan(30_000);
    expect(found.quota).toEqual({ usedBytes: there.length, limitBytes: 32 * 1024, afterBytes: there.length + toCopy, fits: false });
    expect(found.warnings.some((w) => /over its quota/.test(w))).toBe(true);
    const card = planCard(found);
    expect(card.facts.find((f) => f.startsWith('Destination quota:'))).toMatch(/used of 32(\.0)? KB;.* after the copy — over the quota/);
  });

  it('reads a Microsoft 365 mailbox quota over Graph', async () => {
    const found = await plan(tern.service, { from: ewsUrl('alice@ex.test'), to: graphUrl('ben@m365.test') }, tern.actor);
    const used = there.length;
    expect(found.quota).toEqual({ usedBytes: used, limitBytes: 1024 * 1024, afterBytes: used + found.totals.toCopyBytes, fits: true });
    expect(JSON.parse(JSON.stringify(found)).quota.limitBytes).toBe(1024 * 1024);
    expect(planCard(found).facts.find((f) => f.startsWith('Destination quota:'))).not.toMatch(/does not say|over the quota/);
  });

  it('says the server does not say when an Exchange or Microsoft 365 mailbox gives no quota', async () => {
    for (const to of [ewsUrl('carl@ex.test'), graphUrl('ann@m365.test')]) {
      const found = await plan(tern.service, { from: ewsUrl('alice@ex.test'), to }, tern.actor);
      expect(found.quota).toBeUndefined();
      expect(planCard(found).facts).toContain('Destination quota: the server does not say');
    }
  });
});
