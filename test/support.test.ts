// Checks the test harness itself (test/support/*) against real Dovecot and Redis, so product
// tests can rely on it.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotFlavour, type DovecotServer } from './support/dovecot';
import { contentView, makeMessage, seedMessage, snapshotMailbox, withImap, type Account } from './support/mailbox';
import { freePort, freePortPair } from './support/ports';
import { startRedis } from './support/redis';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const account = (srv: DovecotServer, user: string, password: string): Account => ({
  host: srv.host,
  port: srv.imapPort,
  user,
  password,
});

describe('ports', () => {
  it('hands out usable, distinct ports', async () => {
    const p = await freePort();
    const [a, b] = await freePortPair();
    expect(p).toBeGreaterThan(0);
    expect(a).not.toBe(b);
  });
});

const expectations: Record<DovecotFlavour, { prefix: string; delimiter: string; projects: string }> = {
  slash: { prefix: '', delimiter: '/', projects: 'Projects/2024' },
  'dot-inbox-prefix': { prefix: 'INBOX.', delimiter: '.', projects: 'INBOX.Projects.2024' },
};

describe.each(Object.keys(expectations) as DovecotFlavour[])('dovecot %s', (flavour) => {
  const want = expectations[flavour];
  let srv: DovecotServer;
  let alice: Account;

  beforeAll(async () => {
    srv = await startDovecot(flavour);
    alice = account(srv, 'alice', 'alicepass');
  }, 60_000);
  afterAll(async () => {
    await srv?.stop();
  }, 60_000);

  it('reports the expected namespace', async () => {
    expect(srv.prefix).toBe(want.prefix);
    expect(srv.separator).toBe(want.delimiter);
    const ns = await withImap(alice, async (c) => c.namespace);
    expect(ns).toEqual({ prefix: want.prefix, delimiter: want.delimiter });
  });

  it('lists the special-use folders under the prefix', async () => {
    const snap = await snapshotMailbox(alice);
    const byUse = Object.fromEntries(snap.folders.filter((f) => f.specialUse).map((f) => [f.specialUse, f.path]));
    expect(byUse).toMatchObject({
      '\\Inbox': 'INBOX',
      '\\Sent': `${want.prefix}Sent`,
      '\\Drafts': `${want.prefix}Drafts`,
      '\\Trash': `${want.prefix}Trash`,
      '\\Junk': `${want.prefix}Junk`,
    });
    for (const f of snap.folders) expect(f.delimiter).toBe(want.delimiter);
  });

  it('creates nested folders with the server delimiter', async () => {
    await withImap(alice, async (c) => {
      const res = await c.mailboxCreate(want.projects);
      expect(res.path).toBe(want.projects);
      const paths = (await c.list()).map((l) => l.path);
      expect(paths).toContain(want.projects);
    });
    expect(await srv.doveadm(['mailbox', 'list', '-u', 'alice'])).toContain(want.projects);
  });

  it('round-trips seeded messages through a snapshot', async () => {
    const folder = `${want.prefix}Seeded`;
    const internalDate = new Date('2021-03-04T05:06:07.000Z');
    const raw = makeMessage({ subject: 'Seed Réunion', date: internalDate, body: 'line one\nline two' });
    const bare = makeMessage({ subject: 'No id', messageId: null });
    const uid1 = await seedMessage(alice, folder, raw, { flags: ['\\Seen', '\\Flagged', '$Label1'], internalDate });
    const uid2 = await seedMessage(alice, folder, bare);
    expect(uid2).toBeGreaterThan(uid1);
    expect(bare.toString()).not.toMatch(/^Message-ID:/im);
    expect(raw.toString()).toMatch(/^Message-ID: <[^>]+@tern\.test>\r$/im);

    const snap = await snapshotMailbox(alice);
    const seeded = snap.folders.find((f) => f.path === folder);
    expect(seeded?.messages).toHaveLength(2);
    const [m1, m2] = seeded!.messages;
    expect(m1).toEqual({
      uid: uid1,
      flags: ['$Label1', '\\Flagged', '\\Seen'],
      internalDate: internalDate.toISOString(),
      size: raw.length,
      sha256: sha256(raw),
    });
    expect(m2.sha256).toBe(sha256(bare));
    expect(m2.flags).toEqual([]);

    const view = contentView(snap);
    expect(view[folder]).toEqual(
      [`${sha256(raw)} $Label1,\\Flagged,\\Seen ${internalDate.toISOString()}`, `${sha256(bare)}  ${m2.internalDate}`].sort(),
    );
  });

  it('snapshots large messages', async () => {
    const big = makeMessage({ subject: 'big', bodyBytes: 3 * 1024 * 1024 });
    await seedMessage(alice, 'INBOX', big);
    const inbox = (await snapshotMailbox(alice)).folders.find((f) => f.path === 'INBOX');
    expect(inbox?.messages.map((m) => m.sha256)).toContain(sha256(big));
  }, 30_000);

  it('lets a user added at runtime log in', async () => {
    await srv.addUser('dave', 'davepass');
    const dave = account(srv, 'dave', 'davepass');
    expect(await withImap(dave, async (c) => c.authenticated)).toBeTruthy();
    await expect(withImap({ ...dave, password: 'wrong' }, async () => true)).rejects.toThrow();
  });
});

describe('makeMessage', () => {
  it('builds a CRLF message of the requested size', () => {
    const bytes = 1024 * 1024;
    const m = makeMessage({ subject: 'size', bodyBytes: bytes });
    const text = m.toString('latin1');
    const headerEnd = text.indexOf('\r\n\r\n') + 4;
    expect(m.length - headerEnd).toBe(bytes);
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text).not.toMatch(/\r[^\n]/);
    expect(Math.max(...text.split('\r\n').map((l) => l.length))).toBeLessThanOrEqual(76);
  });
});

describe('redis', () => {
  it('answers PING', async () => {
    const r = await startRedis();
    const client = new Redis(r.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
      await r.stop();
    }
  }, 30_000);
});
