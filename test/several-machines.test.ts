// Several machines: two `tern worker` processes with data folders of their own share one Redis and
// one PostgreSQL (DATABASE_URL), as on two hosts. Twenty mailboxes are queued through the service;
// one worker is killed outright mid-way; the other finishes everything: every task completes once,
// and every destination holds exactly its source's messages (none lost, none twice).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../commands/migrate';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { makeMessage, withImap, type Account } from './support/mailbox';
import { testPostgres } from './support/postgres';
import { startRedis, type TestRedis } from './support/redis';
import { account, imapUrl, startTern, ternEnv, type TestTern } from './support/tern';
import { spawnTern, type TernProcess } from './support/tern-process';
import { until } from './support/until';

const MAILBOXES = 20;
const PER_MAILBOX = 30;
const users = Array.from({ length: MAILBOXES }, (_, i) => String(i + 1).padStart(2, '0'));

let dovecot: DovecotServer;
let redis: TestRedis;
let slow: LatencyProxy;
let tern: TestTern;
const workers: TernProcess[] = [];
const dirs: string[] = [];

const dataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-machine-'));
  dirs.push(dir);
  return dir;
};

/** Every message's Message-ID in a mailbox (all folders), sorted: duplicates stay visible. */
async function messageIds(acc: Account): Promise<string[]> {
  return withImap(acc, async (c) => {
    const ids: string[] = [];
    for (const folder of await c.list()) {
      if (folder.flags.has('\\Noselect') || folder.flags.has('\\NonExistent')) continue;
      const box = await c.mailboxOpen(folder.path, { readOnly: true });
      if (box.exists === 0) continue;
      for await (const m of c.fetch('1:*', { envelope: true })) ids.push(`${folder.path} ${m.envelope?.messageId}`);
    }
    return ids.sort();
  });
}

beforeAll(async () => {
  const logins = users.flatMap((u) => [`src${u}:src${u}pass`, `dst${u}:dst${u}pass`]).join(' ');
  [dovecot, redis] = await Promise.all([startDovecot('slash', { users: logins }), startRedis()]);
  // A slow link to the destination keeps each task busy for a few seconds, so one can be cut mid-way.
  slow = await startLatencyProxy(dovecot.imapPort, 40);
  await Promise.all(
    users.map((u) =>
      withImap(account(dovecot, `src${u}`), async (c) => {
        await c.mailboxCreate('Work');
        for (let i = 0; i < PER_MAILBOX; i++) {
          await c.append(i % 3 ? 'INBOX' : 'Work', makeMessage({ subject: `${u} #${i}`, bodyBytes: 2048, messageId: `<m${u}-${i}@machines.test>` }), ['\\Seen']);
        }
      }),
    ),
  );
});

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  await tern?.close();
  await slow?.close();
  await Promise.all([dovecot?.stop(), redis?.stop()]);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('several machines on one PostgreSQL and one Redis', () => {
  it('a worker killed mid-way: the other finishes every task, each once, nothing lost or copied twice', async () => {
    const databaseUrl = await (await testPostgres()).createDatabase();
    // What every machine shares: Redis (and its prefix), DATABASE_URL and the credential key. Each
    // has its own data folder. A short job lock hands a dead worker's jobs over within seconds.
    const shared = ternEnv(redis.url, { DATABASE_URL: databaseUrl, TERN_JOB_LOCK_MS: '2000', TERN_CONNECTIONS_PER_ACCOUNT: '1', TERN_IMAP_PIPELINING: '0', LOG_LEVEL: 'warn' });
    dirs.push(shared.TERN_DATA_DIR!);
    const machine = () => ({ ...shared, TERN_DATA_DIR: dataDir() });
    tern = await startTern(redis.url, machine()); // the bot's machine: queues the tasks, runs none
    const [doomed, survivor] = [spawnTern(['worker'], machine()), spawnTern(['worker'], machine())];
    workers.push(doomed, survivor);

    const ids: string[] = [];
    for (const u of users) ids.push((await migrate(tern.service, { from: imapUrl(dovecot, `src${u}`), to: `imap://dst${u}:dst${u}pass@127.0.0.1:${slow.port}` }, tern.actor)).id);

    // Kill the first worker while it holds a task's lease (mid-copy), after some tasks have ended.
    // A task counts as cut only once its e-mail step has started, with less than a third of its
    // messages copied (as last saved, at most 500 ms old): with one APPEND per round trip over the
    // slow link it cannot end in the moment between this look and the kill.
    const holders = async () => Promise.all(ids.map(async (id) => (await tern.runtime.tasks.row(id))!));
    const midCopy = async (id: string) => {
      const step = (await tern.runtime.tasks.get(id))?.steps[0];
      return step?.status === 'running' && step.copied < PER_MAILBOX / 3;
    };
    let cut: string[] = [];
    await until(
      'the first worker to be mid-task, with some tasks done',
      async () => {
        const rows = await holders();
        const held = rows.filter((r) => r.status === 'running' && r.leaseHolder?.includes(`:${doomed.child.pid}:`)).map((r) => r.id);
        cut = [];
        for (const id of held) if (await midCopy(id)) cut.push(id);
        return cut.length > 0 && rows.filter((r) => r.status === 'completed').length >= 2;
      },
      120_000,
      20,
    );
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const doneAtKill = (await holders()).filter((r) => r.status === 'completed').length;
    expect(doneAtKill, 'killed mid-way, not at the end').toBeLessThan(MAILBOXES);

    const ended = await Promise.all(ids.map((id) => tern.waitFor(id)));
    expect(ended.map((t) => t.status)).toEqual(ids.map(() => 'completed'));
    for (const t of ended) expect(t.steps[0]).toMatchObject({ kind: 'emails', total: PER_MAILBOX, copied: PER_MAILBOX, alreadyPresent: 0, failed: 0 });

    for (const [i, u] of users.entries()) {
      const src = await messageIds(account(dovecot, `src${u}`));
      const dst = await messageIds(account(dovecot, `dst${u}`));
      expect(src).toHaveLength(PER_MAILBOX);
      expect(dst, `dst${u}: exactly src${u}'s messages`).toEqual(src);
      // Each copy journaled once (a rollback would remove exactly these), and the task ended once.
      const journaled = await tern.runtime.journal.entries(ids[i]!, { kind: 'message' });
      expect(journaled).toHaveLength(PER_MAILBOX);
      expect(new Set(journaled.map((e) => `${e.folder}:${e.ref}`)).size).toBe(PER_MAILBOX);
      const audit = (await tern.runtime.tasks.auditLog(ids[i]!)).map((a) => a.action);
      expect(audit.filter((a) => a === 'task.completed'), `${ids[i]} completed once`).toHaveLength(1);
    }
    // The tasks cut short were resumed by the other worker: their e-mail step started twice.
    for (const id of cut) expect((await tern.runtime.tasks.auditLog(id)).filter((a) => a.action === 'step.start')).toHaveLength(2);
    expect(survivor.child.exitCode).toBeNull();
    // The store was PostgreSQL on every machine: no SQLite file in any data folder.
    for (const dir of dirs) expect(fs.existsSync(path.join(dir, 'tern.db')), dir).toBe(false);
  }, 300_000);
});
