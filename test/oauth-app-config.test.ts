// App-only access configured once in the environment (TERN_APP_MICROSOFT_*, TERN_APP_GOOGLE_*),
// beside `tern app add`'s: validated at start with every invalid variable named, used for any
// mailbox of its domains without a sign-in, and winning over a stored registration of the same
// domain. A real authorization server (oidc-provider, answering Microsoft's endpoint paths too)
// and a Dovecot that checks each token by introspection, the mailbox named in a `username` claim.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { APP_CLIENT, APP_SECRET, OUTLOOK_APP_SCOPE, startAuthServer, type AuthServer } from './support/oidc';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage } from './support/mailbox';
import { ternEnv } from './support/tern';
import { runCli } from './support/cli-run';
import { loadConfig } from '../src/config';
import { TernError } from '../src/errors';

let auth: AuthServer;
let dovecot: DovecotServer;
let redis: TestRedis;
let dir: string;
const ANN = 'ann@example.com';
const ALICE = 'alice@contoso-app.test';
const SERVICE_ACCOUNT = 'tern-mover@tern-test.iam.gserviceaccount.com';
const GOOGLE_SCOPE = 'https://mail.google.com/';
const MICROSOFT_SCOPE = OUTLOOK_APP_SCOPE;

const pem = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const serviceAccount = pem();
const keyFile = (name: string, privateKey: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ type: 'service_account', private_key_id: 'k-1', private_key: privateKey, client_email: SERVICE_ACCOUNT, token_uri: `${auth.issuer}/token` }), { mode: 0o600 });
  return file;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-app-config-'));
  auth = await startAuthServer({ appMailbox: ALICE, serviceAccount: { clientEmail: SERVICE_ACCOUNT, publicKeyPem: serviceAccount.publicKey } });
  [dovecot, redis] = await Promise.all([
    // Gmail's scope, as Google's service-account tokens carry it (the Microsoft test has a server of its own).
    startDovecot('slash', { users: `${ANN}:annpass bob:bobpass`, oauth2: { introspectionUrl: auth.introspectionUrl, usernameAttribute: 'username', scope: GOOGLE_SCOPE } }),
    startRedis(),
  ]);
  await seedMessage({ host: '127.0.0.1', port: dovecot.imapPort, user: ANN, password: 'annpass' }, 'INBOX', makeMessage({ subject: 'ann mail' }));
}, 60_000);

afterAll(async () => {
  await Promise.all([dovecot?.stop(), redis?.stop()]);
  await auth?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const migrateFrom = (env: Record<string, string>, user: string, server = dovecot) =>
  runCli(['migrate', '--from', `imap://${encodeURIComponent(user)}@127.0.0.1:${server.imapPort}?auth=oauth2`, '--to', `imap://bob:bobpass@127.0.0.1:${server.imapPort}`, '--json'], env);
const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as TernError).userMessage;
  }
  return 'valid';
};

describe('validated at start, every invalid variable named', () => {
  it('a Microsoft app without its client id, with both a secret and a certificate, a bad domain; a Google one without domains and with a broken key', () => {
    fs.writeFileSync(path.join(dir, 'not.json'), 'nope');
    const said = problems({
      TERN_APP_MICROSOFT_TENANT: 'contoso.test',
      TERN_APP_MICROSOFT_DOMAINS: 'contoso.test, not a domain',
      TERN_APP_MICROSOFT_CLIENT_SECRET: 's3cr3t-value',
      TERN_APP_MICROSOFT_CERTIFICATE_FILE: path.join(dir, 'app.pem'),
      TERN_APP_GOOGLE_SERVICE_ACCOUNT_FILE: path.join(dir, 'not.json'),
    });
    expect(said.split('\n')).toEqual([
      'Invalid configuration:',
      '  TERN_APP_MICROSOFT_DOMAINS: "not a domain" is not a mail domain (e.g. contoso.com, comma-separated).',
      '  TERN_APP_MICROSOFT_CLIENT_ID: set the application (client) id registered in Entra ID.',
      '  TERN_APP_MICROSOFT_CLIENT_SECRET, TERN_APP_MICROSOFT_CERTIFICATE_FILE: set exactly one (the client secret, or the certificate file with its private key).',
      '  TERN_APP_GOOGLE_DOMAINS: set the Google Workspace domains the service account acts in (comma-separated).',
      `  TERN_APP_GOOGLE_SERVICE_ACCOUNT_FILE ${path.join(dir, 'not.json')} is not JSON: give the service account's JSON key from Google Cloud's console.`,
    ]);
    // The secret itself is never part of what is said.
    expect(said).not.toContain('s3cr3t-value');
    expect(problems({ TERN_APP_MICROSOFT_TENANT: '6f1c2d3e-0000-4000-8000-000000000000', TERN_APP_MICROSOFT_CLIENT_ID: 'x', TERN_APP_MICROSOFT_CLIENT_SECRET: 'y' })).toBe(
      'Invalid configuration:\n  TERN_APP_MICROSOFT_DOMAINS: set the mail domains the app reaches (comma-separated), as TERN_APP_MICROSOFT_TENANT is a tenant id.',
    );
  });
});

describe('used without a sign-in, and winning over tern app add', () => {
  it('Google: a configured service account moves a mailbox of its domain; tern app list shows it; tern app add for that domain is refused', async () => {
    const env = ternEnv(redis.url, { TERN_APP_GOOGLE_SERVICE_ACCOUNT_FILE: keyFile('key.json', serviceAccount.privateKey), TERN_APP_GOOGLE_DOMAINS: 'example.com' });
    const m = await migrateFrom(env, ANN);
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout.trim().split('\n').pop()!)).toMatchObject({ status: 'completed', steps: [{ copied: 1 }] });
    expect(auth.assertionSubjects).toContain(ANN);
    expect((await runCli(['app', 'list'], env)).stdout.trim()).toBe(`example.com\tgoogle\t${SERVICE_ACCOUNT}\t(service-account)\t(configured: TERN_APP_GOOGLE_*)`);
    const add = await runCli(['app', 'add', 'example.com', '--issuer', 'google', '--service-account-file', keyFile('key2.json', serviceAccount.privateKey)], env);
    expect(add.code).toBe(2);
    expect(add.stderr.trim()).toBe('tern: App-only access for example.com is configured in TERN_APP_GOOGLE_*, which wins over tern app add: change it there (and restart Tern).');
    expect(m.stdout + m.stderr).not.toContain('PRIVATE KEY');
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  }, 120_000);

  it('Microsoft: configured with a client secret, tokens come from its tenant at Microsoft; the configuration wins over a stored registration', async () => {
    // Microsoft's mail servers want Outlook's scope of app tokens.
    const outlook = await startDovecot('slash', { users: `${ALICE}:alicepass bob:bobpass`, oauth2: { introspectionUrl: auth.introspectionUrl, usernameAttribute: 'username', scope: MICROSOFT_SCOPE } });
    await seedMessage({ host: '127.0.0.1', port: outlook.imapPort, user: ALICE, password: 'alicepass' }, 'INBOX', makeMessage({ subject: 'alice mail' }));
    const env = ternEnv(redis.url, { TERN_MICROSOFT_LOGIN_URL: auth.issuer });
    fs.writeFileSync(path.join(dir, 'secret'), `${APP_SECRET}\n`, { mode: 0o600 });
    // A working registration stored first, by tern app add…
    const stored = await runCli(['app', 'add', 'contoso-app.test', '--issuer', auth.issuer, '--client-id', APP_CLIENT, '--client-secret-file', path.join(dir, 'secret'), '--scope', MICROSOFT_SCOPE], env);
    expect(stored.code, stored.stderr).toBe(0);
    // …then a configured one with a wrong secret: the configuration is the one used (and named in the refusal).
    const wrong = { ...env, TERN_APP_MICROSOFT_TENANT: 'contoso-app.test', TERN_APP_MICROSOFT_CLIENT_ID: APP_CLIENT, TERN_APP_MICROSOFT_CLIENT_SECRET: 'not-the-secret' };
    const refused = await migrateFrom(wrong, ALICE, outlook);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/refused the app client id or secret for contoso-app\.test \(invalid_client.*\): check TERN_APP_MICROSOFT_\* \(client id, secret, admin consent\)\./);
    expect(refused.stdout + refused.stderr).not.toContain('not-the-secret');
    const right = { ...wrong, TERN_APP_MICROSOFT_CLIENT_SECRET: APP_SECRET };
    const m = await migrateFrom(right, ALICE, outlook);
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout.trim().split('\n').pop()!)).toMatchObject({ status: 'completed', steps: [{ copied: 1 }] });
    // Microsoft's token endpoint of the configured tenant was asked.
    expect(auth.microsoftTenants).toContain('contoso-app.test');
    expect(m.stdout + m.stderr).not.toContain(APP_SECRET);
    await outlook.stop();
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  }, 120_000);
});
