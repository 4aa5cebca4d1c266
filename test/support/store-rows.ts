// What a Tern's store holds, read the way an attacker with the database would: the rows of a
// table, or everything, from SQLite (TERN_DATA_DIR/tern.db) or PostgreSQL (DATABASE_URL), the
// dialect the environment `env` gave the Tern.
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

type Row = Record<string, unknown>;

async function onPostgres<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function onSqlite<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'tern.db'), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Every row of `table` (a store table name). */
export async function storeRows(env: Record<string, string | undefined>, table: string): Promise<Row[]> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`storeRows: "${table}" is not a table name`);
  if (env.DATABASE_URL) return onPostgres(env.DATABASE_URL, async (c) => (await c.query(`select * from ${table}`)).rows as Row[]);
  return onSqlite(env.TERN_DATA_DIR!, (db) => db.prepare(`select * from ${table}`).all() as Row[]);
}

/** Every row of every table, as text: what a secret must never be found in. */
export async function storeDump(env: Record<string, string | undefined>): Promise<string> {
  const tables = env.DATABASE_URL
    ? await onPostgres(env.DATABASE_URL, async (c) => (await c.query<{ t: string }>("select tablename as t from pg_tables where schemaname = 'public'")).rows.map((r) => r.t))
    : onSqlite(env.TERN_DATA_DIR!, (db) => (db.prepare("select name as t from sqlite_master where type = 'table'").all() as Array<{ t: string }>).map((r) => r.t));
  const parts = await Promise.all(tables.filter((t) => /^[a-z_]+$/.test(t)).map(async (t) => `${t}: ${JSON.stringify(await storeRows(env, t))}`));
  return parts.join('\n');
}
