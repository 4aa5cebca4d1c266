import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as sqliteTables from './schema';
import { gatedOrm } from './sqlite-gate';
import { TernError } from '../errors';

/** The store's tables; schema.ts (SQLite) and schema-pg.ts have the same names and columns. */
export type Tables = typeof import('./schema-pg');
/**
 * The ORM every store class writes its queries with, in the awaited form both drivers run. It is
 * typed as the PostgreSQL one; on SQLite the same calls reach drizzle's better-sqlite3 driver.
 */
export type Orm = NodePgDatabase<Tables>;
/** drizzle on better-sqlite3, typed with the SQLite tables (Db.syncTransaction). */
export type SqliteOrm = BetterSQLite3Database<typeof sqliteTables>;
/** What a query runs on: the ORM, or a transaction of it. */
export type Query = Pick<Orm, 'select' | 'insert' | 'update' | 'delete'>;

/** An open store: PostgreSQL (DATABASE_URL) or the SQLite file in the data folder. */
export interface Db {
  dialect: 'sqlite' | 'postgres';
  orm: Orm;
  t: Tables;
  /** Runs `fn` in one transaction (committed when it resolves, rolled back when it throws). */
  transaction<T>(fn: (tx: Query) => Promise<T>): Promise<T>;
  /**
   * SQLite only: runs a synchronous `fn` in one transaction of its own, on drizzle's SQLite
   * driver, where prepared statements can be kept and run row by row (microseconds each, with no
   * statement built per call). PostgreSQL has none: a round trip per row would cost more.
   */
  syncTransaction?<T>(fn: (sqlite: SqliteOrm) => T): Promise<T>;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const SQLITE_MIGRATIONS = path.join(here, 'migrations');
const PG_MIGRATIONS = path.join(here, 'migrations-pg');

/**
 * Opens the store and applies pending migrations: PostgreSQL when `databaseUrl` is set
 * (postgres://…), otherwise SQLite at DATA_DIR/tern.db. The drivers load only for their dialect.
 */
export async function openStore(options: { dataDir: string; databaseUrl?: string }): Promise<Db> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(path.join(options.dataDir, 'tern.db'));
}

/** DATABASE_URL as shown in errors: the password masked. */
export function shownDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the DATABASE_URL given';
  }
}

async function openPostgres(url: string): Promise<Db> {
  // Loaded for PostgreSQL only, like its driver: SQLite runs never load drizzle's pg-core tables.
  const [{ default: pg }, { drizzle }, { migrate }, pgTables] = await Promise.all([import('pg'), import('drizzle-orm/node-postgres'), import('drizzle-orm/node-postgres/migrator'), import('./schema-pg')]);
  const pool = new pg.Pool({ connectionString: url });
  // An idle client's error (the server restarted) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const orm = drizzle(pool, { schema: pgTables });
  try {
    await migrate(orm, { migrationsFolder: PG_MIGRATIONS });
  } catch (err) {
    await pool.end().catch(() => undefined);
    // drizzle wraps the driver's error ("Failed query: …"): the driver's own words say why.
    let root = err as Error & { cause?: unknown };
    while (root.cause instanceof Error) root = root.cause;
    const why = root.message?.split('\n')[0] ?? String(err);
    throw new TernError('STORE_UNAVAILABLE', `Cannot open the PostgreSQL store at ${shownDatabaseUrl(url)} (${why}). Check DATABASE_URL, or unset it to use SQLite in TERN_DATA_DIR.`, { cause: err });
  }
  return {
    dialect: 'postgres',
    orm,
    t: pgTables,
    transaction: (fn) => orm.transaction((tx) => fn(tx)),
    close: () => pool.end(),
  };
}

async function openSqlite(file: string): Promise<Db> {
  const [{ default: Database }, { drizzle }, { migrate }] = await Promise.all([import('better-sqlite3'), import('drizzle-orm/better-sqlite3'), import('drizzle-orm/better-sqlite3/migrator')]);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // WAL lets the CLI read while a worker in another process writes; busy_timeout rides out the locks.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const native = drizzle(sqlite, { schema: sqliteTables });
  migrate(native, { migrationsFolder: SQLITE_MIGRATIONS });
  // The one cast: the awaited query builders of both drivers take the same calls (see Orm).
  const direct = native as unknown as Orm;
  const t = sqliteTables as unknown as Tables;
  let last: Promise<unknown> = Promise.resolve();
  // The transaction open on the connection, if any: other callers' queries wait for it (sqlite-gate.ts).
  let open: Promise<unknown> | undefined;
  return {
    dialect: 'sqlite',
    orm: gatedOrm(direct, () => open),
    t,
    // better-sqlite3's own transactions are synchronous; an async body needs BEGIN/COMMIT by hand,
    // one transaction at a time on the one connection (queued here). The body's queries (on `tx`,
    // ungated) are the only ones that run while it is open: the gate holds every other caller's.
    transaction: <T>(fn: (tx: Query) => Promise<T>) => {
      const run = last.then(async () => {
        native.run(sql`BEGIN IMMEDIATE`);
        let end!: () => void;
        open = new Promise<void>((resolve) => (end = resolve));
        try {
          const result = await fn(direct);
          native.run(sql`COMMIT`);
          return result;
        } catch (err) {
          if (sqlite.inTransaction) native.run(sql`ROLLBACK`);
          throw err;
        } finally {
          open = undefined;
          end();
        }
      });
      last = run.catch(() => undefined);
      return run;
    },
    syncTransaction: async <T>(fn: (sqlite: SqliteOrm) => T) => {
      // Not inside another caller's open transaction (better-sqlite3 would nest it as a savepoint,
      // and that caller's rollback would undo it): after it, with nothing awaited in between.
      for (let o = open; o; o = open) await o;
      return sqlite.transaction(() => fn(native))();
    },
    close: async () => {
      await last;
      sqlite.close();
    },
  };
}
