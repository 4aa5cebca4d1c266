// The SQLite store (schema.ts) and the PostgreSQL store (schema-pg.ts, DATABASE_URL) must hold the
// same tables, columns, keys, indexes and defaults, and each dialect's migrations must build exactly
// what its schema declares: a column added on one side only, or without its migration, fails here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/db';
import * as sqliteSchema from '../src/store/schema';
import * as pgSchema from '../src/store/schema-pg';
import { testPostgres } from './support/postgres';
import { declaredShape, postgresShape, sqliteShape, type SchemaShape } from './support/store-shape';

const sqliteDeclared = declaredShape(sqliteSchema);
const pgDeclared = declaredShape(pgSchema);

describe('store schema: SQLite and PostgreSQL', () => {
  it('declare the same tables', () => {
    expect(Object.keys(pgDeclared)).toEqual(Object.keys(sqliteDeclared));
    // Every table of the store, not an empty pair that compares equal.
    expect(Object.keys(sqliteDeclared)).toEqual(expect.arrayContaining(['tasks', 'steps', 'journal', 'batches', 'batch_tasks', 'failed_items', 'sign_ins', 'oauth_apps']));
  });

  it.each(Object.keys(sqliteDeclared))('declare the same columns, primary key and indexes for %s', (table) => {
    expect(pgDeclared[table]).toEqual(sqliteDeclared[table]);
  });
});

describe('store migrations build the declared schema', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-schema-'));
  let sqliteMigrated: SchemaShape;
  let pgMigrated: SchemaShape;

  beforeAll(async () => {
    const sqliteStore = await openStore({ dataDir: dir });
    await sqliteStore.close();
    const file = new Database(path.join(dir, 'tern.db'), { readonly: true });
    sqliteMigrated = sqliteShape(file);
    file.close();

    const url = await (await testPostgres()).createDatabase();
    const pgStore = await openStore({ dataDir: dir, databaseUrl: url });
    await pgStore.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    pgMigrated = await postgresShape(client);
    await client.end();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('SQLite migrations give schema.ts', () => {
    expect(sqliteMigrated).toEqual(sqliteDeclared);
  });

  it('PostgreSQL migrations give schema-pg.ts', () => {
    expect(pgMigrated).toEqual(pgDeclared);
  });

  it('both migrated databases are the same', () => {
    expect(pgMigrated).toEqual(sqliteMigrated);
  });
});
