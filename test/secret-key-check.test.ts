// Machines sharing one store need one TERN_SECRET_KEY: a worker whose key opens none of the stored
// credentials would fail every task it took, so it refuses to start, saying what to set.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedis, type TestRedis } from './support/redis';
import { startTern, type TestTern } from './support/tern';
import { TernError } from '../src/errors';

let redis: TestRedis;
const terns: TestTern[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const t of terns.reverse()) await t.close();
  await redis?.stop();
});

it('a worker with another TERN_SECRET_KEY than the stored credentials were sealed with does not start', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-data-'));
  const [keyA, keyB] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
  const first = await startTern(redis.url, { TERN_DATA_DIR: dataDir, TERN_SECRET_KEY: keyA });
  terns.push(first);
  await first.startWorker(); // an empty store: nothing to check against
  await first.runtime.vault.put('T-KEYCHECK', 'source', 'the-password');

  const other = await startTern(redis.url, { TERN_DATA_DIR: dataDir, TERN_SECRET_KEY: keyB });
  terns.push(other);
  const refused = await other.startWorker().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(refused).toBeInstanceOf(TernError);
  expect((refused as TernError).code).toBe('CONFIG_INVALID');
  expect((refused as TernError).message).toMatch(/TERN_SECRET_KEY here opens none of the 1 stored credentials/);
  expect((refused as TernError).message).not.toContain(keyB);

  const same = await startTern(redis.url, { TERN_DATA_DIR: dataDir, TERN_SECRET_KEY: keyA });
  terns.push(same);
  await expect(same.startWorker()).resolves.toBeDefined();
}, 60_000);
