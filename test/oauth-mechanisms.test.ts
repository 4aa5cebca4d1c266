// OAuth2 logins on real servers: Dovecot with its oauth2 passdb (SASL XOAUTH2 and OAUTHBEARER),
// checking each token by introspection at a real authorization server (oidc-provider). Covered:
// which mechanism each path uses (IMAP session, pipelined IMAP writes, POP3), a token refused and
// renewed once, a token without the mail scope and a server without an OAuth2 mechanism (one
// sentence naming the side), and a CLI migration with TERN_FROM_ACCESS_TOKEN / TERN_TO_ACCESS_TOKEN
// in which no password is asked for and no token shows.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startAuthServer, type AuthServer } from './support/oidc';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account, ternEnv } from './support/tern';
import { runCli } from './support/cli-run';
import { storeDump } from './support/store-rows';
import { connector as imap } from '../src/connectors/imap/index';
import { connector as pop3 } from '../src/connectors/pop3/index';
import { openImap, closeImap } from '../src/connectors/imap/session';
import { openAppendPipe } from '../src/connectors/imap/append-pipe';
import type { AccountCredentials } from '../src/ports/account';
import { TernError } from '../src/errors';

let auth: AuthServer;
let both: DovecotServer;
let xoauth2Only: DovecotServer;
let passwordsOnly: DovecotServer;
let redis: TestRedis;

beforeAll(async () => {
  auth = await startAuthServer();
  [both, xoauth2Only, passwordsOnly, redis] = await Promise.all([
    startDovecot('slash', { oauth2: { introspectionUrl: auth.introspectionUrl } }),
    startDovecot('slash', { oauth2: { introspectionUrl: auth.introspectionUrl, mechanisms: 'xoauth2' } }),
    startDovecot('slash'),
    startRedis(),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([both?.stop(), xoauth2Only?.stop(), passwordsOnly?.stop(), redis?.stop()]);
  await auth?.stop();
});

const oauthAccount = (server: DovecotServer, user: string, token: string, protocol: 'imap' | 'pop3' = 'imap'): AccountCredentials => ({
  protocol,
  host: '127.0.0.1',
  port: protocol === 'imap' ? server.imapPort : server.pop3Port,
  secure: false,
  insecure: false,
  user,
  password: token,
  auth: 'oauth2',
});

/** The mechanisms of the logins Dovecot logged for `user`, in order. */
function loginMethods(server: DovecotServer, user: string): string[] {
  const log = fs.readFileSync(path.join(server.dir, 'log/dovecot.log'), 'utf8');
  return [...log.matchAll(new RegExp(`Login: user=<${user}>, method=([A-Z0-9-]+)`, 'g'))].map((m) => m[1]);
}

const failureOf = async (p: Promise<unknown>): Promise<TernError> => {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(TernError);
  return err as TernError;
};

describe('OAuth2 mechanisms against Dovecot and oidc-provider', () => {
  it('IMAP logs in with OAUTHBEARER where offered, else XOAUTH2', async () => {
    const token = await auth.mint('alice', 'openid mail');
    await imap.check(oauthAccount(both, 'alice', token), { timeoutMs: 10_000 });
    await imap.check(oauthAccount(xoauth2Only, 'alice', token), { timeoutMs: 10_000 });
    expect(loginMethods(both, 'alice')).toEqual(['OAUTHBEARER']);
    expect(loginMethods(xoauth2Only, 'alice')).toEqual(['XOAUTH2']);
  });

  it('pipelined IMAP writes and POP3 log in with XOAUTH2', async () => {
    const token = await auth.mint('bob', 'mail');
    const pipe = await openAppendPipe(oauthAccount(both, 'bob', token), 10_000);
    expect(pipe).toBeDefined();
    const written = await pipe!.append('INBOX', makeMessage({ subject: 'by pipe', body: 'x' }), [], undefined);
    expect(written.uid).toBeGreaterThan(0);
    await pipe!.close();
    const source = await pop3.mailSource!(oauthAccount(both, 'bob', token, 'pop3'), { timeoutMs: 10_000 });
    const tree = await source.folders();
    expect(tree.folders.map((f) => f.path)).toEqual(['INBOX']);
    await source.close();
    expect(loginMethods(both, 'bob')).toEqual(['XOAUTH2', 'XOAUTH2']);
  });

  it('a refused token is renewed once by the provider, then the login passes', async () => {
    const good = await auth.mint('carol', 'mail');
    const asked: boolean[] = [];
    const tokens = { accessToken: async (o?: { renew?: boolean }) => (asked.push(o?.renew ?? false), o?.renew ? good : 'expired-or-revoked') };
    for (const open of [() => openImap({ ...oauthAccount(both, 'carol', ''), tokens }).then(closeImap), () => imap.check({ ...oauthAccount(xoauth2Only, 'carol', ''), tokens }, { timeoutMs: 10_000 })]) {
      asked.length = 0;
      await open();
      expect(asked).toEqual([false, true]);
    }
    asked.length = 0;
    await pop3.check({ ...oauthAccount(both, 'carol', '', 'pop3'), tokens }, { timeoutMs: 10_000 });
    expect(asked).toEqual([false, true]);
  });

  it('a token without the mail scope is refused in one sentence that says so, on IMAP and POP3', async () => {
    const token = await auth.mint('alice', 'openid');
    for (const a of [oauthAccount(both, 'alice', token), oauthAccount(both, 'alice', token, 'pop3')]) {
      const err = await failureOf((a.protocol === 'imap' ? imap : pop3).check(a, { timeoutMs: 10_000 }));
      expect(err.code).toBe('AUTH_FAILED');
      expect(err.userMessage).toMatch(new RegExp(`^${a.protocol} server 127\\.0\\.0\\.1:${a.port} refused the OAuth2 token for alice: .*lack the mail scope: sign in again`));
      expect(err.userMessage).not.toContain(token);
      expect(err.retryable).toBe(false);
    }
  });

  it('a server without XOAUTH2/OAUTHBEARER says so, on IMAP and POP3', async () => {
    const token = await auth.mint('alice', 'mail');
    for (const a of [oauthAccount(passwordsOnly, 'alice', token), oauthAccount(passwordsOnly, 'alice', token, 'pop3')]) {
      const err = await failureOf((a.protocol === 'imap' ? imap : pop3).check(a, { timeoutMs: 10_000 }));
      expect(err.userMessage).toBe(`${a.protocol} server 127.0.0.1:${a.port} does not offer OAuth2 sign-in (neither XOAUTH2 nor OAUTHBEARER): remove ?auth=oauth2 from the account URL and log in with a password.`);
    }
    // The pipe leaves such a server to the session (which says the above).
    expect(await openAppendPipe(oauthAccount(passwordsOnly, 'alice', token), 10_000)).toBeUndefined();
  });
});

describe('tern migrate with TERN_FROM_ACCESS_TOKEN / TERN_TO_ACCESS_TOKEN', () => {
  it('copies the mailbox with both sides on OAuth2, asks no password, and no token shows anywhere', async () => {
    const fromToken = await auth.mint('alice', 'openid mail');
    const toToken = await auth.mint('bob', 'openid mail');
    for (let i = 0; i < 3; i++) await seedMessage(account(xoauth2Only, 'alice'), i === 0 ? 'INBOX' : 'Projects', makeMessage({ subject: `oauth ${i}`, body: `body ${i}` }));
    const env = ternEnv(redis.url, { TERN_FROM_ACCESS_TOKEN: fromToken, TERN_TO_ACCESS_TOKEN: toToken, LOG_LEVEL: 'debug' });
    const from = `imap://alice@127.0.0.1:${xoauth2Only.imapPort}?auth=oauth2`;
    const to = `imap://bob@127.0.0.1:${both.imapPort}?auth=oauth2`;
    const r = await runCli(['migrate', '--from', from, '--to', to, '--json'], env, { interactive: true });
    expect(r.code, r.stderr).toBe(0);
    const task = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(task.status).toBe('completed');
    expect(task.steps[0]).toMatchObject({ total: 3, copied: 3 });
    expect(task.source).toBe(from);
    expect(task.destination).toBe(to);
    const bob = await snapshotMailbox(account(both, 'bob'));
    expect(bob.folders.find((f) => f.path === 'Projects')?.messages).toHaveLength(2);
    // The tokens are in the vault (encrypted), never in output, logs or the store in the clear.
    for (const token of [fromToken, toToken]) {
      expect(r.stdout + r.stderr).not.toContain(token);
      const dump = await storeDump(env);
      expect(dump).toContain(task.id); // the store holds the task (sanity check of the dump)
      expect(dump).not.toContain(token);
    }
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  });

  it('an OAuth2 URL with no token and no sign-in is refused before anything is queued, naming the side', async () => {
    const env = ternEnv(redis.url);
    const r = await runCli(['migrate', '--from', `imap://alice@127.0.0.1:${both.imapPort}?auth=oauth2`, '--to', `imap://bob:bobpass@127.0.0.1:${both.imapPort}`], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tern: The source account alice has ?auth=oauth2 but no issuer to sign in at: add ?issuer=URL&client_id=…');
    const r2 = await runCli(['migrate', '--from', `imap://alice@127.0.0.1:${both.imapPort}?auth=oauth2&issuer=${auth.issuer}&client_id=tern-device`, '--to', `imap://bob:bobpass@127.0.0.1:${both.imapPort}`], env);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`tern: The source account alice has not signed in yet: run tern login 'imap://alice@127.0.0.1:${both.imapPort}?auth=oauth2&issuer=`);
    expect((await runCli(['list', '--json'], env)).stdout.trim()).toBe('[]');
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  });
});
