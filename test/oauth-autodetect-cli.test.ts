// `tern migrate` / `tern plan` with an account to be detected ("…@auto", or a bare address) and no
// password: the server is detected first, and a Microsoft or Google one signs in with the device
// flow on a terminal (never asked a password), or is refused in a script naming tern login and
// TERN_FROM_ACCESS_TOKEN. DNS from a local responder (TERN_DNS_SERVERS); the "Microsoft" sign-in
// host is the test oidc-provider (TERN_MICROSOFT_LOGIN_URL), which answers Microsoft's endpoint
// paths; Dovecot checks each token by introspection.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDns, type TestDns } from './support/dns-server';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { DEVICE_CLIENT, startAuthServer, type AuthServer } from './support/oidc';
import { startRedis, type TestRedis } from './support/redis';
import { account, ternEnv } from './support/tern';
import { makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { runCli, runCliAnsweringCodes } from './support/cli-run';

let auth: AuthServer;
let dns: TestDns;
let dovecot: DovecotServer;
let redis: TestRedis;
const SSO_USER = 'gus@sso-auto.test';
const M365_USER = 'hal@firm365-cli.test';

beforeAll(async () => {
  auth = await startAuthServer();
  [dns, dovecot, redis] = await Promise.all([startDns(), startDovecot('slash', { oauth2: { introspectionUrl: auth.introspectionUrl } }), startRedis()]);
  await dovecot.addUser(SSO_USER, 'guspass');
  for (let i = 0; i < 2; i++) await seedMessage({ host: '127.0.0.1', port: dovecot.imapPort, user: SSO_USER, password: 'guspass' }, 'INBOX', makeMessage({ subject: `detected ${i}`, body: `b${i}` }));
  // "localhost" resolves without DNS, so the IMAP client reaches the test Dovecot.
  dns.add({ type: 'SRV', name: '_imap._tcp.sso-auto.test', target: 'localhost', port: dovecot.imapPort });
  // A custom domain whose mail is at Microsoft 365 (its MX says so).
  dns.add({ type: 'MX', name: 'firm365-cli.test', exchange: 'firm365-cli-test.mail.protection.outlook.com' });
}, 60_000);

afterAll(async () => {
  await Promise.all([dns?.close(), dovecot?.stop(), redis?.stop()]);
  await auth?.stop();
});

const withCode = runCliAnsweringCodes;

const envFor = () => ternEnv(redis.url, { TERN_DNS_SERVERS: dns.address, TERN_MICROSOFT_CLIENT_ID: DEVICE_CLIENT, TERN_MICROSOFT_LOGIN_URL: auth.issuer });
const carol = () => `imap://carol:carolpass@127.0.0.1:${dovecot.imapPort}`;
const listed = async (env: Record<string, string>) => JSON.parse((await runCli(['list', '--json'], env)).stdout.trim()) as unknown[];

describe('a detected account without a password, on a terminal', () => {
  it('is detected before it signs in: the device flow signs in the detected server, and the migration completes without a password', async () => {
    const env = envFor();
    const from = `imap://${encodeURIComponent(SSO_USER)}@auto?auth=oauth2&issuer=${encodeURIComponent(auth.issuer)}&client_id=${DEVICE_CLIENT}&scope=${encodeURIComponent('openid offline_access mail')}`;
    // `interactive`: a password prompt would fail the command (the helper's askSecret rejects).
    const r = await withCode(['migrate', '--from', from, '--to', carol(), '--json'], env, (code) => auth.approve(code, SSO_USER), true);
    expect(r.code, r.stderr).toBe(0);
    expect(r.codes).toBe(1);
    expect(r.stderr).toContain(`Signed in the source account ${SSO_USER} at 127.0.0.1:${new URL(auth.issuer).port}.`);
    const task = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(task).toMatchObject({ status: 'completed', steps: [{ total: 2, copied: 2 }] });
    expect(task.source).toContain(`@localhost:${dovecot.imapPort}`);
    expect((await snapshotMailbox(account(dovecot, 'carol'))).folders.find((f) => f.path === 'INBOX')?.messages).toHaveLength(2);
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  }, 90_000);

  it('a bare address whose MX is Microsoft 365: says so, starts the device flow at Microsoft instead of asking a password; a denied code is one sentence, nothing queued', async () => {
    const env = envFor();
    const r = await withCode(['plan', '--from', M365_USER, '--to', carol()], env, (code) => auth.deny(code), true);
    expect(r.codes).toBe(1);
    expect(r.stderr).toContain('firm365-cli.test is Microsoft 365: signing in with Microsoft.\n');
    expect(r.stderr).toMatch(new RegExp(`To sign in the source account, open ${auth.issuer}/device and enter the code`));
    // The code came from Microsoft's device endpoint for the configured tenant (organizations by default).
    expect(auth.microsoftTenants).toContain('organizations');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('tern: The sign-in at Microsoft was denied: nothing was started. Run tern login again and approve it.');
    expect(r.stderr).not.toMatch(/password/i);
    expect(await listed(env)).toEqual([]);
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  }, 60_000);
});

describe('a detected account without a password, in a script', () => {
  it('is refused at once, naming tern login and TERN_FROM_ACCESS_TOKEN; no code is shown and nothing is queued', async () => {
    const env = envFor();
    const r = await withCode(['migrate', '--from', `imap://${encodeURIComponent(M365_USER)}@auto`, '--to', carol()], env, async () => {}, false);
    expect(r.codes).toBe(0);
    expect(r.stderr).toContain('firm365-cli.test is Microsoft 365: signing in with Microsoft.\n');
    expect(r.stderr).toContain(`tern: The source account ${M365_USER} has not signed in yet: run tern login 'graph://${encodeURIComponent(M365_USER)}@firm365-cli.test?auth=oauth2' first or set TERN_FROM_ACCESS_TOKEN (on a terminal, tern migrate signs in itself).`);
    expect(r.code).toBe(1);
    expect(await listed(env)).toEqual([]);
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  }, 60_000);
});
