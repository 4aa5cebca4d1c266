// vitest global setup for `TEST_STORE=postgres`: one PostgreSQL for the whole run, its URL handed
// to the test workers (they inherit the environment) in TEST_POSTGRES_URL. See databaseForDataDir.
import { startPostgres } from './postgres';

export default async function setup(): Promise<() => Promise<void>> {
  const server = await startPostgres();
  process.env.TEST_POSTGRES_URL = server.url;
  return () => server.stop();
}
