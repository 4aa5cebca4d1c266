// Checks the test seeding helper (test/support/mailbox.ts): a folder whose connection drops
// mid-way is topped up to exactly its count, each message once, so set-up survives a loaded machine.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { makeMessage, seedFolders, withImap } from './support/mailbox';
import { account } from './support/tern';
import { until } from './support/until';

let dovecot: DovecotServer;
let link: LatencyProxy;

beforeAll(async () => {
  dovecot = await startDovecot('slash');
  link = await startLatencyProxy(dovecot.imapPort, 4);
});

afterAll(async () => {
  await link?.close();
  await dovecot?.stop();
});

async function subjects(folder: string): Promise<string[]> {
  return withImap(account(dovecot, 'alice'), async (c) => {
    await c.mailboxOpen(folder, { readOnly: true });
    const out: string[] = [];
    for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope?.subject ?? '');
    return out;
  });
}

async function count(folder: string): Promise<number> {
  return withImap(account(dovecot, 'alice'), async (c) => {
    const status = await c.status(folder, { messages: true });
    return status ? (status.messages ?? 0) : 0;
  });
}

it('seedFolders tops a folder up after its connection drops, each message once', async () => {
  const viaLink = { ...account(dovecot, 'alice'), port: link.port };
  const seeding = seedFolders(viaLink, ['INBOX', 'Cut'], 80, (folder, i) => ({ raw: makeMessage({ subject: `${folder} ${i}`, bodyBytes: 512 }) }));
  let seedFailed: unknown;
  seeding.catch((err) => (seedFailed = err ?? new Error('seeding failed')));
  // A seeding that fails before the cut fails the test with its own error, not a timeout.
  await until('the first messages', async () => {
    if (seedFailed) throw seedFailed;
    return (await count('Cut').catch(() => 0)) >= 10;
  }, 60_000, 10);
  await link.cut();
  const atCut = await count('Cut');
  expect(atCut).toBeLessThan(80); // the cut came mid-way, so the top-up is what this test checks
  await new Promise((r) => setTimeout(r, 300));
  await link.restore();
  await seeding;
  for (const folder of ['INBOX', 'Cut']) expect((await subjects(folder)).sort()).toEqual(Array.from({ length: 80 }, (_, i) => `${folder} ${i}`).sort());
}, 120_000);
