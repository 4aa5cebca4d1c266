import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import pg from 'pg';
import { Vault, loadSecretKey } from '../src/store/vault';
import { SignIns } from '../src/store/sign-ins';
import { OAuthApps } from '../src/store/oauth-apps';
import { openTestStore, storeKinds, type TestStore } from './support/stores';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tern-unit-'));

describe('configuration', () => {
  it('has defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ rollbackWindowHours: 48, redisUrl: undefined, logLevel: 'info', redisPrefix: 'tern' });
    expect(c.dataDir).toBe(path.resolve('./data'));
  });

  it('names each invalid variable', () => {
    const message = (() => {
      try {
        loadConfig({ TERN_ROLLBACK_WINDOW_HOURS: 'soon', REDIS_URL: 'localhost:6379', LOG_LEVEL: 'loud' });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/TERN_ROLLBACK_WINDOW_HOURS: TERN_ROLLBACK_WINDOW_HOURS must be a number of hours/);
    expect(message).toMatch(/REDIS_URL: REDIS_URL must start with redis:\/\//);
    expect(message).toMatch(/LOG_LEVEL: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
    expect(() => loadConfig({ TERN_WORKER_CONCURRENCY: '0' })).toThrow(/TERN_WORKER_CONCURRENCY must be greater than 0/);
    expect(() => loadConfig({ TERN_WORKER_CONCURRENCY: '1.5' })).toThrow(/TERN_WORKER_CONCURRENCY must be a whole number/);
    expect(() => loadConfig({ TERN_MAX_RUNNING_TASKS: '-1' })).toThrow(/TERN_MAX_RUNNING_TASKS must be 0 \(no cap\) or more/);
    expect(() => loadConfig({ TERN_METRICS_PORT: '70000' })).toThrow(/TERN_METRICS_PORT must be from 1 to 65535/);
    expect(() => loadConfig({ SLACK_API_URL: 'slack' })).toThrow(/SLACK_API_URL must be a URL/);
    expect(() => loadConfig({ DISCORD_READ_MESSAGES: 'yes' })).toThrow(/DISCORD_READ_MESSAGES must be 1 or 0/);
    expect(loadConfig({ TERN_METRICS_PORT: '9464', TERN_MAX_RUNNING_TASKS: '0' })).toMatchObject({ metrics: { host: '127.0.0.1', port: 9464 }, limits: { all: 0, perSourceHost: 10 }, workerConcurrency: 2 });
  });

  it('takes SMTP settings: the sender defaults to the SMTP user when it is an address, else it is required', () => {
    expect(loadConfig({}).smtp).toBeUndefined();
    expect(loadConfig({ SMTP_URL: 'smtp://tern%40example.com:pw@mail.example.com:587' }).smtp).toEqual({ url: 'smtp://tern%40example.com:pw@mail.example.com:587', from: 'Tern <tern@example.com>' });
    expect(loadConfig({ SMTP_URL: 'smtps://u:pw@mail.example.com', SMTP_FROM: 'ops@example.com' }).smtp?.from).toBe('ops@example.com');
    expect(() => loadConfig({ SMTP_URL: 'smtp://u:pw@mail.example.com' })).toThrow(/SMTP_FROM: set the sender address/);
    expect(() => loadConfig({ SMTP_URL: 'smtp://u:pw@mail.example.com', SMTP_FROM: 'nobody' })).toThrow(/SMTP_FROM: "nobody" is not an e-mail address/);
    expect(() => loadConfig({ SMTP_URL: 'mail.example.com:25' })).toThrow(/SMTP_URL must look like smtp:\/\//);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ REDIS_URL: '', TERN_ROLLBACK_WINDOW_HOURS: '' }).rollbackWindowHours).toBe(48);
  });
});

describe('credential vault', () => {
  it('generates a 0600 key file when TERN_SECRET_KEY is unset, and reuses it', () => {
    const dir = tmp();
    const key = loadSecretKey(undefined, dir);
    const file = path.join(dir, 'secret.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecretKey(undefined, dir).equals(key)).toBe(true);
    expect(key.length).toBe(32);
  });

  it('refuses a key of the wrong size with a hint', () => {
    expect(() => loadSecretKey('c2hvcnQ=', tmp())).toThrow(/32 bytes.*openssl rand -base64 32/);
  });
});

/** Every byte the store keeps: the SQLite file and its WAL, or every PostgreSQL row of the table. */
async function storedBytes(store: TestStore, table: string): Promise<Buffer> {
  if (store.kind === 'sqlite') {
    const file = path.join(store.dataDir, 'tern.db');
    return Buffer.concat([fs.readFileSync(file), fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
  }
  const client = new pg.Client({ connectionString: store.databaseUrl });
  await client.connect();
  try {
    return Buffer.from(JSON.stringify((await client.query(`select * from ${table}`)).rows));
  } finally {
    await client.end();
  }
}

describe.each(storeKinds)('credential vault (%s)', (kind) => {
  it('stores passwords encrypted, reads them back, and forgets them', async () => {
    const store = await openTestStore(kind);
    const vault = new Vault(store.db, loadSecretKey(undefined, store.dataDir));
    await vault.put('T-AAAAAAAA', 'source', 'hunter2-très-secret');
    expect(await vault.get('T-AAAAAAAA', 'source')).toBe('hunter2-très-secret');
    const bytes = await storedBytes(store, 'credentials');
    expect(bytes.includes(Buffer.from('T-AAAAAAAA'))).toBe(true); // the row is there…
    expect(bytes.includes(Buffer.from('hunter2'))).toBe(false); // …sealed
    await vault.deleteTask('T-AAAAAAAA');
    expect(await vault.get('T-AAAAAAAA', 'source')).toBeUndefined();
    await store.close();
  });

  it('checks a key against the secrets the store holds: credentials, sign-ins and app credentials', async () => {
    const store = await openTestStore(kind);
    const right = new Vault(store.db, Buffer.alloc(32, 3));
    const wrong = new Vault(store.db, Buffer.alloc(32, 4));
    expect(await wrong.checkKey()).toEqual({ checked: 0, opened: 0 }); // an empty store proves nothing
    await right.put('T-CCCCCCCC', 'source', 'pw');
    await new SignIns(store.db, right).put('imap:alice@x.org', { refreshToken: 'refresh-secret' });
    await new OAuthApps(store.db, right).put({ domain: 'x.org', issuer: 'https://login.x.org', clientId: 'c', credential: { kind: 'secret', secret: 'app-secret' } });
    expect(await right.checkKey()).toEqual({ checked: 3, opened: 3 });
    expect(await wrong.checkKey()).toEqual({ checked: 3, opened: 0 });
    await wrong.put('T-DDDDDDDD', 'source', 'pw'); // a task sealed by a machine with the other key
    expect(await right.checkKey()).toEqual({ checked: 4, opened: 3 });
    await store.close();
  });

  it('says so when the key changed', async () => {
    const store = await openTestStore(kind);
    await new Vault(store.db, Buffer.alloc(32, 1)).put('T-BBBBBBBB', 'destination', 'pw');
    await expect(new Vault(store.db, Buffer.alloc(32, 2)).get('T-BBBBBBBB', 'destination')).rejects.toThrow(/not the key they were saved with/);
    await store.close();
  });
});

describe('logs', () => {
  it('redact passwords, tokens and URLs that carry credentials, wherever a config object ends up', () => {
    const file = path.join(tmp(), 'log.jsonl');
    const fd = fs.openSync(file, 'w');
    const log = createLogger('info', { pretty: false, destination: fd });
    const config = loadConfig({ SMTP_URL: 'smtp://u%40x.com:Smtp-Secret-1@mail.x.com', SLACK_BOT_TOKEN: 'xoxb-Bot-Secret-2', SLACK_SIGNING_SECRET: 'Sign-Secret-3', DISCORD_TOKEN: 'Discord-Secret-6', DISCORD_APPLICATION_ID: '123456789012345678', TERN_FROM_PASSWORD: 'From-Secret-7', REDIS_URL: 'redis://:Redis-Secret-4@r:6379', DATABASE_URL: 'postgres://tern:Db-Secret-8@db:5432/tern' });
    log.info({ config, account: { user: 'alice', password: 'Pw-Secret-5' } }, 'hello');
    log.flush();
    fs.closeSync(fd);
    const written = fs.readFileSync(file, 'utf8');
    expect(written).toContain('[redacted]');
    expect(written).toContain('alice');
    for (const secret of ['Smtp-Secret-1', 'xoxb-Bot-Secret-2', 'Sign-Secret-3', 'Redis-Secret-4', 'Pw-Secret-5', 'Discord-Secret-6', 'From-Secret-7', 'Db-Secret-8']) expect(written).not.toContain(secret);
  });
});
