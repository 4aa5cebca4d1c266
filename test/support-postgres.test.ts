// Checks the PostgreSQL test harness (test/support/postgres.ts): its own server, not the machine's,
// durability off, a fresh empty database per call, passwords enforced, nothing left after stop().
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgres, testPostgres, type TestPostgres } from './support/postgres';

async function query(url: string, text: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('test PostgreSQL', () => {
  let own: TestPostgres | undefined;
  afterAll(() => own?.stop());

  it('runs its own server with durability off on a loopback port other than 5432', async () => {
    const server = await testPostgres();
    expect(server.port).not.toBe(5432);
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    const [row] = await query(server.url, "select current_setting('fsync') f, current_setting('synchronous_commit') s, current_setting('full_page_writes') w");
    expect(row).toEqual({ f: 'off', s: 'off', w: 'off' });
    expect(await testPostgres()).toBe(server); // one per worker process
  });

  it('hands out fresh, separate databases', async () => {
    const server = await testPostgres();
    const a = await server.createDatabase();
    const b = await server.createDatabase();
    expect(a).not.toBe(b);
    await query(a, 'create table only_in_a (x int)');
    expect(await query(a, "select count(*)::int n from pg_tables where tablename = 'only_in_a'")).toEqual([{ n: 1 }]);
    expect(await query(b, "select count(*)::int n from pg_tables where schemaname = 'public'")).toEqual([{ n: 0 }]);
  });

  it('refuses a wrong password', async () => {
    const url = new URL((await testPostgres()).url);
    url.password = 'wrong';
    await expect(query(url.toString(), 'select 1')).rejects.toThrow(/password authentication failed/);
  });

  it('stop() shuts the server down', async () => {
    own = await startPostgres();
    await query(own.url, 'select 1');
    await own.stop();
    await expect(query(own.url, 'select 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
