// App-only access (client credentials) for every mailbox of a domain, against a real
// authorization server (oidc-provider) and a Dovecot that checks each token by introspection.
// oidc-provider's app tokens name no user, so this test's server puts the one mailbox they may
// act for in a `username` claim, which Dovecot's oauth2 passdb reads (as a real tenant's mail
// server knows the app may reach every mailbox of its tenant).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { APP_CLIENT, APP_SECRET, startAuthServer, type AuthServer } from './support/oidc';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { ternEnv } from './support/tern';
import { runCli } from './support/cli-run';

let auth: AuthServer;
let dovecot: DovecotServer;
let redis: TestRedis;
let dir: string;
const ALICE = 'alice@example.com';

beforeAll(async () => {
  auth = await startAuthServer({ appMailbox: ALICE });
  [dovecot, redis] = await Promise.all([
    startDovecot('slash', { users: `${ALICE}:alicepass bob:bobpass`, oauth2: { introspectionUrl: auth.introspectionUrl, usernameAttribute: 'username' } }),
    startRedis(),
  ]);
  for (let i = 0; i < 3; i++) await seedMessage({ host: '127.0.0.1', port: dovecot.imapPort, user: ALICE, password: 'alicepass' }, 'INBOX', makeMessage({ subject: `app ${i}`, body: `b${i}` }));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-app-'));
  fs.writeFileSync(path.join(dir, 'secret'), `${APP_SECRET}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'wrong'), 'not-the-secret\n', { mode: 0o600 });
}, 60_000);

afterAll(async () => {
  await Promise.all([dovecot?.stop(), redis?.stop()]);
  await auth?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('tern app add (client credentials per domain)', () => {
  it('a wrong secret is said at once and nothing is kept; with the right one, any mailbox of the domain moves without a sign-in', async () => {
    const env = ternEnv(redis.url);
    const add = (file: string) => runCli(['app', 'add', 'example.com', '--issuer', auth.issuer, '--client-id', APP_CLIENT, '--client-secret-file', path.join(dir, file), '--scope', 'mail'], env);
    const wrong = await add('wrong');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^tern: 127\.0\.0\.1:\d+ refused the app client id or secret for example\.com \(invalid_client.*\): check it with tern app add/);
    expect((await runCli(['app', 'list'], env)).stdout.trim()).toBe('No app-only access set up.');

    const ok = await add('secret');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe(`App-only access for example.com at 127.0.0.1:${new URL(auth.issuer).port} is set up: its mailboxes' ?auth=oauth2 URLs need no sign-in.`);
    const listed = await runCli(['app', 'list'], env);
    expect(listed.stdout.trim()).toBe(`example.com\t${auth.issuer}\t${APP_CLIENT}\tmail`);
    expect(listed.stdout + ok.stdout + ok.stderr).not.toContain(APP_SECRET);

    const m = await runCli(['migrate', '--from', `imap://alice%40example.com@127.0.0.1:${dovecot.imapPort}?auth=oauth2`, '--to', `imap://bob:bobpass@127.0.0.1:${dovecot.imapPort}`, '--json'], env);
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout.trim().split('\n').pop()!)).toMatchObject({ status: 'completed', steps: [{ total: 3, copied: 3 }] });
    const bob = await snapshotMailbox({ host: '127.0.0.1', port: dovecot.imapPort, user: 'bob', password: 'bobpass' });
    expect(bob.folders.find((f) => f.path === 'INBOX')?.messages).toHaveLength(3);
    expect(fs.readFileSync(path.join(dovecot.dir, 'log/dovecot.log'), 'utf8')).toMatch(/Login: user=<alice@example\.com>, method=OAUTHBEARER/);

    expect((await runCli(['app', 'remove', 'example.com'], env)).stdout.trim()).toBe('Removed app-only access for example.com.');
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  });
});
