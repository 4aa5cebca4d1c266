// The store's schema in one dialect-free shape, to compare SQLite with PostgreSQL: from drizzle's
// table definitions (getTableConfig) and from a migrated database (introspection).
import { is } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type Database from 'better-sqlite3';
import type pg from 'pg';

export interface ColumnShape {
  name: string;
  /** integer (SQLite integer, PostgreSQL bigint/bigserial) or text. */
  kind: 'integer' | 'text';
  notNull: boolean;
  /** The default as text ('0', '[]'), 'auto' for an auto-increment id, or null. */
  default: string | null;
}
export interface IndexShape { name: string; columns: string[]; unique: boolean }
export interface TableShape { columns: ColumnShape[]; primaryKey: string[]; indexes: IndexShape[] }
export type SchemaShape = Record<string, TableShape>;

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

function sortTables(shape: SchemaShape): SchemaShape {
  return Object.fromEntries(
    Object.keys(shape)
      .sort()
      .map((name) => [name, { ...shape[name]!, columns: [...shape[name]!.columns].sort(byName), indexes: [...shape[name]!.indexes].sort(byName) }]),
  );
}

function kindOf(sqlType: string, table: string, column: string): ColumnShape['kind'] {
  const t = sqlType.toLowerCase();
  if (t === 'text') return 'text';
  if (['integer', 'bigint', 'bigserial'].includes(t)) return 'integer';
  throw new Error(`${table}.${column}: type ${sqlType} has no counterpart in the other dialect`);
}

function literal(value: unknown): string | null {
  return value === undefined || value === null ? null : String(value);
}

/** The shape drizzle's table definitions declare (schema.ts or schema-pg.ts). */
export function declaredShape(module: Record<string, unknown>): SchemaShape {
  const shape: SchemaShape = {};
  for (const value of Object.values(module)) {
    // The two dialects' configs have the same fields; only an auto-increment id is said differently.
    const c = is(value, SQLiteTable) ? sqliteConfig(value) : is(value, PgTable) ? pgConfig(value) : undefined;
    if (!c) continue;
    const single = c.columns.filter((col) => col.primary).map((col) => col.name);
    shape[c.name] = {
      columns: c.columns.map((col) => ({
        name: col.name,
        kind: kindOf(col.getSQLType(), c.name, col.name),
        notNull: col.notNull,
        default: (col as { autoIncrement?: boolean }).autoIncrement || col.getSQLType() === 'bigserial' ? 'auto' : literal(col.default),
      })),
      primaryKey: single.length ? single : (c.primaryKeys[0]?.columns.map((col) => col.name) ?? []),
      indexes: c.indexes.map((i) => ({ name: i.config.name ?? '', columns: i.config.columns.map((col) => (col as { name: string }).name), unique: !!i.config.unique })),
    };
  }
  return sortTables(shape);
}

/** '0' → 0-as-text, "'[]'" → '[]', "'[]'::text" → '[]' (the defaults as both databases print them). */
function unquote(sqlDefault: string | null): string | null {
  if (sqlDefault === null) return null;
  const bare = sqlDefault.replace(/::[a-z ]+$/i, '');
  return /^'.*'$/s.test(bare) ? bare.slice(1, -1).replace(/''/g, "'") : bare;
}

/** The shape of a migrated SQLite database (drizzle's own bookkeeping table left out). */
export function sqliteShape(db: Database.Database): SchemaShape {
  const shape: SchemaShape = {};
  const tables = db.prepare("select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'").all() as Array<{ name: string; sql: string }>;
  for (const { name, sql } of tables) {
    const cols = db.prepare(`pragma table_info("${name}")`).all() as Array<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>;
    const auto = /autoincrement/i.test(sql);
    const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    const indexes = (db.prepare(`pragma index_list("${name}")`).all() as Array<{ name: string; unique: number; origin: string }>)
      .filter((i) => i.origin === 'c')
      .map((i) => ({ name: i.name, unique: i.unique === 1, columns: (db.prepare(`pragma index_info("${i.name}")`).all() as Array<{ name: string }>).map((c) => c.name) }));
    shape[name] = {
      columns: cols.map((c) => ({
        name: c.name,
        kind: kindOf(c.type, name, c.name),
        // An INTEGER PRIMARY KEY is the rowid: never null, whatever table_info says.
        notNull: c.notnull === 1 || (c.pk > 0 && pk.length === 1 && c.type.toLowerCase() === 'integer'),
        default: auto && c.pk > 0 ? 'auto' : unquote(c.dflt_value),
      })),
      primaryKey: pk.map((c) => c.name),
      indexes,
    };
  }
  return sortTables(shape);
}

/** The shape of a migrated PostgreSQL database's public schema (drizzle keeps its own in "drizzle"). */
export async function postgresShape(client: pg.ClientBase): Promise<SchemaShape> {
  const shape: SchemaShape = {};
  const cols = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
    "select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position",
  );
  for (const c of cols.rows) {
    const table = (shape[c.table_name] ??= { columns: [], primaryKey: [], indexes: [] });
    const serial = c.column_default?.startsWith('nextval(') ?? false;
    table.columns.push({ name: c.column_name, kind: kindOf(c.data_type, c.table_name, c.column_name), notNull: c.is_nullable === 'NO', default: serial ? 'auto' : unquote(c.column_default) });
  }
  const idx = await client.query<{ table: string; name: string; primary: boolean; unique: boolean; columns: string[] }>(
    `select t.relname as table, i.relname as name, x.indisprimary as primary, x.indisunique as unique,
            array(select a.attname from unnest(x.indkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = t.oid and a.attnum = k.n order by k.o)::text[] as columns
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace s on s.oid = t.relnamespace
      where s.nspname = 'public'`,
  );
  for (const i of idx.rows) {
    const table = shape[i.table]!;
    if (i.primary) table.primaryKey = i.columns;
    else table.indexes.push({ name: i.name, columns: i.columns, unique: i.unique });
  }
  return sortTables(shape);
}
