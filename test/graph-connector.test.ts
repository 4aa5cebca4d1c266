// The Graph connector's limits against the fake Graph: at most 4 requests in flight per mailbox
// (and no fewer when there is work for 4), Retry-After waited out for the whole mailbox,
// requests throttled inside a $batch sent again alone, messages too large reported rather than
// failed silently, and a token refused once refreshed through the account's TokenProvider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from './fakes/graph';
import { GraphHttp } from '../src/connectors/graph/http';
import { loadConnector } from '../src/connectors/registry';
import type { AccountCredentials } from '../src/ports/account';
import type { MailDestination, WriteOutcome } from '../src/ports/mail';
import { makeMessage } from './support/mailbox';

const TOKENS = { 'kim@m365.test': 'tok-kim', 'lee@m365.test': 'tok-lee', 'max@m365.test': 'tok-max' };
let fake: FakeGraph;

beforeAll(async () => {
  fake = await startFakeGraph({ users: TOKENS, latencyMs: 20 });
}, 60_000);

afterAll(async () => {
  await fake?.close();
  expect(fake?.schemaErrors ?? []).toEqual([]);
  expect(fake?.internalErrors ?? []).toEqual([]);
});

function accountOf(user: keyof typeof TOKENS, extra: Partial<AccountCredentials> = {}): AccountCredentials {
  const url = new URL(fake.url);
  return { protocol: 'graph', host: url.hostname, port: Number(url.port), secure: false, insecure: false, user, password: TOKENS[user], ...extra };
}

describe('Graph connector limits', () => {
  it('keeps exactly 4 requests in flight for one mailbox however many are asked at once', async () => {
    const http = new GraphHttp(accountOf('kim@m365.test'), 10_000);
    await Promise.all(Array.from({ length: 16 }, () => http.call('GET', `${http.userPath}/mailFolders/inbox`)));
    expect(fake.peakConcurrency.get('kim@m365.test')).toBe(4);
  });

  it('a 429 is waited out for its Retry-After; requests throttled inside a $batch go again, the others are kept', async () => {
    const http = new GraphHttp(accountOf('lee@m365.test'), 10_000);
    fake.throttle('lee@m365.test', { status: 429, retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    await http.call('GET', `${http.userPath}/mailFolders/inbox`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);

    // Inside a batch: the fake throttles sub-requests (each names the mailbox), not the $batch envelope.
    const box = fake.mailbox('lee@m365.test');
    const raw = makeMessage({ subject: 'batched' });
    const callsBefore = fake.calls.length;
    const requests = Array.from({ length: 5 }, () => ({ method: 'POST', url: `${http.userPath}/mailFolders/inbox/messages`, headers: { 'Content-Type': 'text/plain' }, body: raw.toString('base64') }));
    fake.throttle('lee@m365.test', { status: 429, retryAfterSeconds: 1, times: 2 });
    const answers = await http.batch(requests);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(box.messagesIn(box.folder('inbox')!.id)).toHaveLength(5);
    const statuses = fake.calls.slice(callsBefore).map((c) => `${c.batched ? 'sub' : 'envelope'}:${c.status}`);
    expect(statuses.filter((s) => s.endsWith(':429'))).toHaveLength(2);
    expect(statuses.filter((s) => s === 'sub:201')).toHaveLength(5);
  });

  it('a message over 150 MB, or too large for one Graph request, is answered { refused } with the reason; the rest lands', async () => {
    const connector = await loadConnector('graph');
    const dest: MailDestination = await connector.mailDestination!(accountOf('max@m365.test'), { timeoutMs: 20_000 });
    const { folder } = await dest.ensureFolder('Sizes', () => {});
    const small = makeMessage({ subject: 'small', messageId: '<small@m365.test>' });
    const big = makeMessage({ subject: 'big', bodyBytes: 5 * 1024 * 1024 });
    const huge = Buffer.concat([makeMessage({ subject: 'huge' }), Buffer.alloc(150 * 1024 * 1024)]);
    const answers: WriteOutcome[] = [];
    const lane = await dest.openLane();
    const message = (raw: Buffer, i: number) => ({ raw, flags: [], dedupeKey: `k${i}`, mark: `T-SIZE/${i}` });
    await lane.write(folder, [small, big, huge].map(message), (i, o) => (answers[i] = o));
    expect('id' in answers[0]).toBe(true);
    expect(answers[1]).toEqual({ refused: expect.stringMatching(/5\.0 MB: Microsoft Graph takes at most 4 MB in one request/), code: 'RequestEntityTooLarge' });
    expect(answers[2]).toEqual({ refused: expect.stringMatching(/150\.0 MB: Microsoft 365 takes messages up to 150 MB/), code: 'MessageTooLarge' });
    const box = fake.mailbox('max@m365.test');
    expect(box.messagesIn(box.folderByPath('Sizes')!.id).map((m) => m.mime.equals(small))).toEqual([true]);
    await dest.close();
  });

  it('a token Graph refuses is refreshed once through the TokenProvider, and used from then on', async () => {
    let refreshed = 0;
    const tokens = { accessToken: async (options?: { renew?: boolean }) => (options?.renew ? (refreshed++, TOKENS['kim@m365.test']) : 'expired-token') };
    const http = new GraphHttp(accountOf('kim@m365.test', { password: '', tokens }), 10_000);
    expect((await http.call('GET', `${http.userPath}/mailFolders/inbox`)).json).toMatchObject({ displayName: 'Inbox' });
    expect((await http.call('GET', `${http.userPath}/mailFolders/drafts`)).json).toMatchObject({ displayName: 'Drafts' });
    expect(refreshed).toBe(1);
  });
});
