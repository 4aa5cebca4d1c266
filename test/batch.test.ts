// Batches from a CSV: every row checked against real Dovecot logins, bad rows said by line and
// column while good rows go, one batch ID over ordinary tasks, cancel / roll back the whole
// batch, and fair turns between two batches (each row a real migration, through the real CLI).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { account, startTern, ternEnv } from './support/tern';
import { makeMessage, seedMessage, withImap } from './support/mailbox';
import { runCli } from './support/cli-run';
import { parseBatchCsv } from '../commands/batch-csv';
import { batch, cancelBatch, rollbackBatch } from '../commands/batch';

const secrets = { env: { TERN_PW_ALL: 'x' } };

describe('batch CSV', () => {
  it('reads rows by column name, bare addresses autodetected, items in one cell', () => {
    const { rows, problems } = parseBatchCsv('Destination,Source,Items,destination_password,source_password\r\nimap://b%40x.org@mail.x.org,alice@example.com,"emails;contacts",env:TERN_PW_ALL,env:TERN_PW_ALL\r\n', secrets);
    expect(problems).toEqual([]);
    expect(rows).toHaveLength(1);
    expect(rows[0].line).toBe(2);
    expect(rows[0].request.source).toMatchObject({ protocol: 'imap', host: 'auto', user: 'alice@example.com', password: 'x', secure: true });
    expect(rows[0].request.destination).toMatchObject({ host: 'mail.x.org', user: 'b@x.org', password: 'x' });
    expect(rows[0].request.items).toEqual(['emails', 'contacts']);
  });

  it('says each bad row by line and column, and keeps the good ones', () => {
    const csv = [
      'source,destination,items,notify,source_password,destination_password',
      'a@x.org,b@y.org,emails,,env:TERN_PW_ALL,env:TERN_PW_ALL',
      'a2@x.org,b2@y.org,mails,,env:TERN_PW_ALL,env:TERN_PW_ALL',
      '"imap://c@h',
      'x:1",d@y.org,emails,,env:TERN_PW_ALL,env:TERN_PW_ALL',
      'e@x.org,f@y.org,emails,,hunter2,env:TERN_PW_ALL',
      'g@x.org,h@y.org,emails,,env:SLACK_BOT_TOKEN,env:TERN_PW_ALL',
      'i@x.org,j@y.org,emails,,env:TERN_PW_MISSING,env:TERN_PW_ALL',
      'imaps://k:secret@x.org,l@y.org,emails,,,env:TERN_PW_ALL',
      'a@x.org,b@y.org,emails,,env:TERN_PW_ALL,env:TERN_PW_ALL',
      'm@x.org,n@y.org,emails,,file:/etc/hostname,env:TERN_PW_ALL',
      'o@x.org,imap://p@y.org?auth=oauth2,emails,,env:TERN_PW_ALL,',
    ].join('\n');
    const { rows, problems } = parseBatchCsv(csv, secrets);
    expect(rows.map((r) => r.line)).toEqual([2, 12]);
    expect(problems.map((p) => [p.line, p.column])).toEqual([
      [3, 'items'],
      [4, 'source'],
      [6, 'source_password'],
      [7, 'source_password'],
      [8, 'source_password'],
      [9, 'source'],
      [10, 'source'],
      [11, 'source_password'],
    ]);
    expect(problems[0].message).toBe('Unknown item "mails". Choose from: emails, contacts, contactGroups, calendars, tasks, inboxRules, outOfOffice.');
    expect(problems[2].message).toMatch(/must be a reference, env:TERN_PW_NAME or file:PATH, not the password itself/);
    expect(problems[3].message).toMatch(/env:SLACK_BOT_TOKEN is not allowed: password variables must be named TERN_PW_something/);
    expect(problems[4].message).toBe('The environment variable TERN_PW_MISSING is not set where this CSV is read.');
    expect(problems[5].message).toMatch(/The source URL carries a password/);
    expect(problems[6].message).toBe('The same migration as line 2; give each source and destination pair once.');
    expect(problems[7].message).toMatch(/file: references are read by tern batch on a terminal only/);
    // No secret in any message.
    expect(JSON.stringify(problems)).not.toMatch(/hunter2|k:secret/);
  });

  it('refuses a file without the required columns, or with unknown ones, as a whole', () => {
    expect(() => parseBatchCsv('source,dest\na,b\n', secrets)).toThrow('Line 1: unknown column "dest". The columns are source, destination, items, notify, source_password, destination_password (source and destination required).');
    expect(() => parseBatchCsv('source,items\na,emails\n', secrets)).toThrow(/Line 1: the CSV has no "destination" column/);
    expect(() => parseBatchCsv('', secrets)).toThrow(/The CSV is empty/);
  });
});

describe('batches against Dovecot', () => {
  let dovecot: DovecotServer;
  let redis: TestRedis;
  const users = ['s1', 's2', 's3', 'd1', 'd2', 'd3', 'fa1', 'fa2', 'fa3', 'fb1', 'fb2', 'fda1', 'fda2', 'fda3', 'fdb1', 'fdb2'];

  beforeAll(async () => {
    [dovecot, redis] = await Promise.all([startDovecot('slash'), startRedis()]);
    for (const u of users) await dovecot.addUser(u, `${u}pass`);
    for (const u of ['s1', 's2', 's3', 'fa1', 'fa2', 'fa3', 'fb1', 'fb2']) {
      for (let i = 0; i < 3; i++) await seedMessage(account(dovecot, u), 'INBOX', makeMessage({ subject: `${u} ${i}`, messageId: `<${u}.${i}@batch.test>` }));
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all([dovecot?.stop(), redis?.stop()]);
  });

  const url = (u: string) => `imap://${u}@127.0.0.1:${dovecot.imapPort}`;
  const countIn = (u: string) => withImap(account(dovecot, u), async (c) => (await c.mailboxOpen('INBOX', { readOnly: true })).exists);

  it('--dry-run checks every login and queues nothing; the real run queues the good rows as one batch', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-batch-'));
    fs.writeFileSync(path.join(dir, 'd2.pw'), 'd2pass\n');
    const csv = path.join(dir, 'company.csv');
    fs.writeFileSync(
      csv,
      [
        'source,destination,source_password,destination_password',
        `${url('s1')},${url('d1')},env:TERN_PW_S1,env:TERN_PW_D1`,
        `${url('s2')},${url('d2')},env:TERN_PW_S2,file:${path.join(dir, 'd2.pw')}`,
        `${url('s3')},${url('d3')},env:TERN_PW_WRONG,env:TERN_PW_D3`,
      ].join('\n') + '\n',
    );
    const env = ternEnv(redis.url, { TERN_PW_S1: 's1pass', TERN_PW_D1: 'd1pass', TERN_PW_S2: 's2pass', TERN_PW_D3: 'd3pass', TERN_PW_WRONG: 'nope' });
    try {
      const dry = await runCli(['batch', csv, '--dry-run'], env);
      expect(dry.code).toBe(3);
      expect(dry.stdout).toMatch(/^Dry run: 2 rows would be queued, 1 refused\. Nothing was queued\./);
      expect(dry.stdout).toMatch(/line 4, column source: .*s3/);
      expect(dry.stdout).not.toMatch(/nope|s1pass|d2pass/);
      expect((await runCli(['list', '--json'], env)).stdout.trim()).toBe('[]');

      const real = await runCli(['batch', csv, '--json'], env);
      expect(real.code).toBe(3);
      const out = JSON.parse(real.stdout) as { batch: string; queued: Array<{ line: number; taskId: string }>; refused: Array<{ line: number; column: string }> };
      expect(out.batch).toMatch(/^B-[0-9A-Z]{8}$/);
      expect(out.queued.map((q) => q.line)).toEqual([2, 3]);
      expect(out.refused.map((r) => [r.line, r.column])).toEqual([[4, 'source']]);
      // The batch's tasks are ordinary tasks; a worker runs them.
      const tern = await startTern(redis.url, { TERN_DATA_DIR: env.TERN_DATA_DIR, TERN_REDIS_PREFIX: env.TERN_REDIS_PREFIX, TERN_SECRET_KEY: env.TERN_SECRET_KEY });
      try {
        await tern.startWorker();
        for (const q of out.queued) await tern.waitFor(q.taskId);
        const status = await runCli(['status', out.batch, '--json'], env);
        const view = JSON.parse(status.stdout);
        expect(view.counts).toEqual({ completed: 2 });
        expect(view.copied).toBe(6);
        expect(view.throughput).toBeGreaterThan(0);
        expect(view.ended).toBe(true);
        expect(view.refused).toEqual([expect.objectContaining({ line: 4, column: 'source' })]);
        expect(await countIn('d1')).toBe(3);
        expect(await countIn('d2')).toBe(3);
        // Rolling the whole batch back removes what each task copied.
        const rolled = await runCli(['rollback', out.batch], env);
        expect(rolled.stdout).toMatch(/rollback queued for 2 tasks/);
        for (const q of out.queued) await tern.waitFor(q.taskId, (t) => t.status === 'rolled_back');
        expect(await countIn('d1')).toBe(0);
        expect(await countIn('d2')).toBe(0);
      } finally {
        await tern.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('batches take turns: a batch queued later does not wait behind every row of an earlier one; cancel stops a whole batch', async () => {
    const tern = await startTern(redis.url, { TERN_WORKER_CONCURRENCY: '1', TERN_PW_A: 'x' });
    try {
      const rowsOf = (pairs: Array<[string, string]>) => ['source,destination,source_password,destination_password', ...pairs.map(([s, d]) => `${url(s)},${url(d)},env:TERN_PW_${s.toUpperCase()},env:TERN_PW_${d.toUpperCase()}`)].join('\n');
      const env = Object.fromEntries([...users].map((u) => [`TERN_PW_${u.toUpperCase()}`, `${u}pass`]));
      const a = await batch(tern.service, { csv: rowsOf([['fa1', 'fda1'], ['fa2', 'fda2'], ['fa3', 'fda3']]), name: 'a.csv', secrets: { env } }, tern.actor);
      const b = await batch(tern.service, { csv: rowsOf([['fb1', 'fdb1'], ['fb2', 'fdb2']]), name: 'b.csv', secrets: { env } }, tern.actor);
      expect(a.refused).toEqual([]);
      expect(b.refused).toEqual([]);
      const worker = await tern.startWorker();
      const ids = [...a.good, ...b.good].map((g) => g.taskId!);
      const ended = await Promise.all(ids.map((id) => tern.waitFor(id)));
      const order = ended.sort((x, y) => Date.parse(x.startedAt!) - Date.parse(y.startedAt!)).map((t) => t.id);
      const [a1, a2, a3] = a.good.map((g) => g.taskId);
      const [b1, b2] = b.good.map((g) => g.taskId);
      // One worker, one task at a time: a1, b1, a2, b2, a3 (not a1, a2, a3, b1, b2).
      expect(order).toEqual([a1, b1, a2, b2, a3]);

      // A batch cancelled before a worker takes its rows: every task ends cancelled.
      await worker.close();
      const c = await batch(tern.service, { csv: rowsOf([['fa1', 'fdb1'], ['fa2', 'fdb2']]), name: 'c.csv', secrets: { env } }, tern.actor);
      const cancelled = await cancelBatch(tern.service, { batchId: c.batch!.id }, tern.actor);
      expect(cancelled.done.sort()).toEqual(c.good.map((g) => g.taskId).sort());
      const final = await Promise.all(c.good.map((g) => tern.waitFor(g.taskId!)));
      expect(final.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
      expect((await tern.service.batches.summary(c.batch!.id)).counts).toEqual({ cancelled: 2 });
      // Someone else may not roll it back.
      await expect(rollbackBatch(tern.service, { batchId: c.batch!.id }, { id: 'test:other', label: 'other', admin: false })).rejects.toThrow(/Only the person who started B-/);
    } finally {
      await tern.close();
    }
  }, 180_000);
});
