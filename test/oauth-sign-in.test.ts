// `tern login` and `tern migrate` with the device authorization grant (RFC 8628) at a real
// authorization server (oidc-provider), approved or denied by a scripted browser on its own device
// pages, and mail servers that check each token by introspection (Dovecot's oauth2 passdb).
// Bad input: a denied or expired code, an unknown issuer, a wrong client id, a sign-in without the
// mail scope: one sentence each, nothing stored or queued.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { DEVICE_CLIENT, startAuthServer, type AuthServer } from './support/oidc';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account, ternEnv } from './support/tern';
import { runCli, runCliAnsweringCodes } from './support/cli-run';
import { freePort } from './support/ports';
import { storeRows } from './support/store-rows';

let auth: AuthServer;
let dovecot: DovecotServer;
let redis: TestRedis;

beforeAll(async () => {
  auth = await startAuthServer();
  [dovecot, redis] = await Promise.all([startDovecot('slash', { oauth2: { introspectionUrl: auth.introspectionUrl } }), startRedis()]);
  for (let i = 0; i < 4; i++) await seedMessage(account(dovecot, 'alice'), 'INBOX', makeMessage({ subject: `signed in ${i}`, body: `b${i}` }));
}, 60_000);

afterAll(async () => {
  await Promise.all([dovecot?.stop(), redis?.stop()]);
  await auth?.stop();
});

const SCOPE = encodeURIComponent('openid offline_access mail');
const oauthUrl = (user: string, extra = '') => `imap://${user}@127.0.0.1:${dovecot.imapPort}?auth=oauth2&issuer=${encodeURIComponent(auth.issuer)}&client_id=${DEVICE_CLIENT}&scope=${SCOPE}${extra}`;

const withCode = runCliAnsweringCodes;

const signInRows = (env: Record<string, string>) => storeRows(env, 'sign_ins') as Promise<Array<Record<string, string>>>;

describe('tern login (device code)', () => {
  it('shows the code, waits for the approval, keeps the sign-in sealed; migrate then uses it without a password', async () => {
    const env = ternEnv(redis.url);
    const r = await withCode(['login', oauthUrl('alice')], env, (code) => auth.approve(code, 'alice'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.codes).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^To sign in the account, open ${auth.issuer}/device and enter the code [A-Z]{4}-[A-Z]{4} \\(or open ${auth.issuer}/device\\?user_code=`));
    expect(r.stdout.trim()).toBe('Signed in alice at 127.0.0.1:' + new URL(auth.issuer).port + ': its tasks use this sign-in from now on.');
    const rows = await signInRows(env);
    expect(rows).toHaveLength(1);
    expect(rows[0].account).toBe(`${auth.issuer}\n${DEVICE_CLIENT}\nalice`);
    expect(rows[0].scope).toContain('mail');

    const m = await runCli(['migrate', '--from', oauthUrl('alice'), '--to', `imap://carol:carolpass@127.0.0.1:${dovecot.imapPort}`, '--json'], env);
    expect(m.code, m.stderr).toBe(0);
    const task = JSON.parse(m.stdout.trim().split('\n').pop()!);
    expect(task).toMatchObject({ status: 'completed', steps: [{ total: 4, copied: 4 }] });
    expect(JSON.stringify(task)).not.toMatch(/token/i);
    expect((await snapshotMailbox(account(dovecot, 'carol'))).folders.find((f) => f.path === 'INBOX')?.messages).toHaveLength(4);
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  });

  it('migrate on a terminal signs in first when there is no sign-in yet', async () => {
    const env = ternEnv(redis.url);
    const r = await withCode(['migrate', '--from', oauthUrl('alice'), '--to', oauthUrl('bob'), '--json'], env, (code, said) => auth.approve(code, /source account/.test(said) ? 'alice' : 'bob'), true);
    expect(r.code, r.stderr).toBe(0);
    expect(r.codes).toBe(2);
    expect(r.stderr).toContain('To sign in the source account, open');
    expect(r.stderr).toContain('Signed in the source account alice at 127.0.0.1:');
    expect(r.stderr).toContain('Signed in the destination account bob at 127.0.0.1:');
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ status: 'completed', steps: [{ copied: 4 }] });
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  });

  it('a denied sign-in, a wrong client id, an unknown issuer: one sentence, nothing stored', async () => {
    const env = ternEnv(redis.url);
    const denied = await withCode(['login', oauthUrl('alice')], env, (code) => auth.deny(code));
    expect(denied.code).toBe(1);
    expect(denied.stderr.trim().split('\n').pop()).toBe('tern: The sign-in at 127.0.0.1:' + new URL(auth.issuer).port + ' was denied: nothing was started. Run tern login again and approve it.');

    const wrongClient = await runCli(['login', oauthUrl('alice').replace(DEVICE_CLIENT, 'no-such-client')], env);
    expect(wrongClient.code).toBe(1);
    expect(wrongClient.stderr).toMatch(/^tern: 127\.0\.0\.1:\d+ does not know client id no-such-client for device sign-in \(invalid_client.*\): check \?client_id=/);

    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const unknown = await runCli(['login', `imap://alice@127.0.0.1:${dovecot.imapPort}?auth=oauth2&issuer=${encodeURIComponent(nowhere)}&client_id=x`], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(new RegExp(`^tern: ${nowhere} is not an OAuth2 issuer Tern can use: its metadata \\(/.well-known/openid-configuration\\) could not be read \\(.*\\)\\. Check \\?issuer= in the account URL\\.\\n$`));
    expect(await signInRows(env)).toEqual([]);
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  });

  it('a code that expires before anyone signs in: one sentence saying to sign in again in time, nothing stored', async () => {
    // An issuer whose device codes live 2 s: the first poll (after 5 s) finds it expired.
    const quick = await startAuthServer({ deviceCodeTtl: 2 });
    try {
      const env = ternEnv(redis.url);
      const url = `imap://alice@127.0.0.1:${dovecot.imapPort}?auth=oauth2&issuer=${encodeURIComponent(quick.issuer)}&client_id=${DEVICE_CLIENT}&scope=${SCOPE}`;
      const r = await withCode(['login', url], env, async () => {});
      expect(r.codes).toBe(1);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n').pop()).toBe(`tern: The sign-in code expired before the sign-in at 127.0.0.1:${new URL(quick.issuer).port} was completed: run tern login again and enter the new code in time.`);
      expect(await signInRows(env)).toEqual([]);
      fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
    } finally {
      await quick.stop();
    }
  }, 60_000);

  it('a sign-in without the mail scope is refused by the mail server at once, and not kept', async () => {
    const env = ternEnv(redis.url);
    const url = oauthUrl('alice').replace(SCOPE, encodeURIComponent('openid offline_access'));
    const r = await withCode(['login', url], env, (code) => auth.approve(code, 'alice'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^tern: imap server 127\.0\.0\.1:\d+ refused the OAuth2 token for alice: .*lack the mail scope: sign in again with `tern login` \(asking for mail access\)\.$/);
    expect(await signInRows(env)).toEqual([]);
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  });
});
