import { defineConfig } from 'drizzle-kit';

/** PostgreSQL migrations (DATABASE_URL): `npx drizzle-kit generate --config drizzle.pg.config.ts`. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema-pg.ts',
  out: './src/store/migrations-pg',
});
