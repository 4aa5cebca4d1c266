// Both store dialects for store tests: `describe.each(storeKinds)` and openTestStore(kind), or
// useTestStore(kind) inside a describe. SQLite lives in a temp data dir; PostgreSQL in a fresh
// database of the worker's test server (test/support/postgres.ts), with a temp data dir beside it
// (the vault's key file lives there).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openStore, type Db } from '../../src/store/db';
import { testPostgres } from './postgres';

export type StoreKind = 'sqlite' | 'postgres';
export const storeKinds: StoreKind[] = ['sqlite', 'postgres'];

export interface TestStore {
  kind: StoreKind;
  db: Db;
  dataDir: string;
  /** Set for PostgreSQL: what DATABASE_URL would be. */
  databaseUrl?: string;
  /** Another connection (pool) to the same store, as a second process or machine would have. */
  openAnother(): Promise<Db>;
  close(): Promise<void>;
}

export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tern-store-${kind}-`));
  const databaseUrl = kind === 'postgres' ? await (await testPostgres()).createDatabase() : undefined;
  const db = await openStore({ dataDir, databaseUrl });
  const others: Db[] = [];
  return {
    kind,
    db,
    dataDir,
    databaseUrl,
    async openAnother() {
      const other = await openStore({ dataDir, databaseUrl });
      others.push(other);
      return other;
    },
    async close() {
      await Promise.all([db, ...others].map((d) => d.close()));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens a store of `kind` before the describe's tests and closes it after them. */
export function useTestStore(kind: StoreKind): { readonly store: TestStore; readonly db: Db } {
  let store: TestStore | undefined;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(() => store?.close());
  const opened = () => {
    if (!store) throw new Error('useTestStore: the store opens in beforeAll; use it inside tests');
    return store;
  };
  return {
    get store() {
      return opened();
    },
    get db() {
      return opened().db;
    },
  };
}
