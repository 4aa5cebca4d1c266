// App-only access proved by a key rather than a secret, against a real authorization server
// (oidc-provider) and a Dovecot that checks every token by introspection:
//  - a Google service account with domain-wide delegation: the JWT bearer grant (RFC 7523), the
//    assertion signed with the account's private key and naming the mailbox as `sub`. The test
//    server registers that grant and verifies the signature against the account's public key, as
//    Google does; the token then acts for that mailbox.
//  - a Microsoft-style certificate app: client credentials with a client assertion
//    (private_key_jwt) signed by the certificate's key, the certificate named by its SHA-1
//    thumbprint in the x5t header. The server checks it against the certificate's public key.
// Tokens name their mailbox in a `username` claim, which Dovecot's oauth2 passdb reads.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startAuthServer, type AuthServer } from './support/oidc';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { ternEnv } from './support/tern';
import { runCli } from './support/cli-run';

let auth: AuthServer;
let dovecot: DovecotServer;
let redis: TestRedis;
let dir: string;
const ANN = 'ann@example.com';
const CERT_MAILBOX = 'cid@example.org';
const SERVICE_ACCOUNT = 'tern-mover@tern-test.iam.gserviceaccount.com';
const CERT_CLIENT = 'tern-cert-app';

const pem = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const keyFile = (name: string, privateKey: string, tokenUri: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ type: 'service_account', project_id: 'tern-test', private_key_id: 'k-1', private_key: privateKey, client_email: SERVICE_ACCOUNT, client_id: '1234', token_uri: tokenUri }), { mode: 0o600 });
  return file;
};
const serviceAccount = pem();
const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-app-keys-'));
  // The app's certificate, and another one that was never registered.
  for (const name of ['app', 'other']) openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=tern ${name}`, '-days', '2', '-keyout', `${name}.key`, '-out', `${name}.crt`]);
  auth = await startAuthServer({
    appMailbox: CERT_MAILBOX,
    certificateClient: { clientId: CERT_CLIENT, certificatePem: fs.readFileSync(path.join(dir, 'app.crt'), 'utf8') },
    serviceAccount: { clientEmail: SERVICE_ACCOUNT, publicKeyPem: serviceAccount.publicKey },
  });
  [dovecot, redis] = await Promise.all([
    startDovecot('slash', { users: `${ANN}:annpass ${CERT_MAILBOX}:cidpass bob:bobpass`, oauth2: { introspectionUrl: auth.introspectionUrl, usernameAttribute: 'username' } }),
    startRedis(),
  ]);
  for (const [user, password] of [[ANN, 'annpass'], [CERT_MAILBOX, 'cidpass']]) {
    for (let i = 0; i < 2; i++) await seedMessage({ host: '127.0.0.1', port: dovecot.imapPort, user, password }, 'INBOX', makeMessage({ subject: `${user} ${i}` }));
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([dovecot?.stop(), redis?.stop()]);
  await auth?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const migrateFrom = (env: Record<string, string>, user: string, to: string) =>
  runCli(['migrate', '--from', `imap://${encodeURIComponent(user)}@127.0.0.1:${dovecot.imapPort}?auth=oauth2`, '--to', `imap://${to}:${to}pass@127.0.0.1:${dovecot.imapPort}`, '--json'], env);

describe('Google: a service account with domain-wide delegation', () => {
  it('a key the server does not know is refused at once and nothing kept; the right key moves any mailbox of the domain, acting for it', async () => {
    const env = ternEnv(redis.url);
    const wrong = await runCli(['app', 'add', 'example.com', '--issuer', 'google', '--service-account-file', keyFile('wrong.json', pem().privateKey, `${auth.issuer}/token`)], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(new RegExp(`^tern: Google refused the service account ${SERVICE_ACCOUNT.replace(/\./g, '\\.')} for example\\.com \\(invalid_grant.*\\): check its key file and that domain-wide delegation allows it the mail scope`));
    expect((await runCli(['app', 'list'], env)).stdout.trim()).toBe('No app-only access set up.');

    const ok = await runCli(['app', 'add', 'example.com', '--issuer', 'google', '--service-account-file', keyFile('key.json', serviceAccount.privateKey, `${auth.issuer}/token`), '--scope', 'mail'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe("App-only access for example.com at Google is set up: its mailboxes' ?auth=oauth2 URLs need no sign-in.");
    expect((await runCli(['app', 'list'], env)).stdout.trim()).toBe(`example.com\tgoogle\t${SERVICE_ACCOUNT}\tmail\t(service-account)`);

    const m = await migrateFrom(env, ANN, 'bob');
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout.trim().split('\n').pop()!)).toMatchObject({ status: 'completed', steps: [{ copied: 2 }] });
    // The assertions asked to act for the mailbox itself, and Dovecot let that user in with the token.
    expect(auth.assertionSubjects).toContain(ANN);
    expect(fs.readFileSync(path.join(dovecot.dir, 'log/dovecot.log'), 'utf8')).toMatch(/Login: user=<ann@example\.com>, method=OAUTHBEARER/);
    expect(m.stdout + m.stderr).not.toContain('PRIVATE KEY');
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  }, 120_000);

  it('a file that is not a service account key is said with what is wrong', async () => {
    const env = ternEnv(redis.url);
    fs.writeFileSync(path.join(dir, 'user.json'), JSON.stringify({ type: 'authorized_user', client_id: 'x' }));
    const r = await runCli(['app', 'add', 'example.com', '--issuer', 'google', '--service-account-file', path.join(dir, 'user.json')], env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`tern: --service-account-file ${path.join(dir, 'user.json')} is not a service account key (its "type" is not "service_account"): give the JSON key from Google Cloud's console.`);
    const secret = await runCli(['app', 'add', 'example.com', '--issuer', 'google', '--client-id', 'x', '--client-secret-file', path.join(dir, 'user.json')], env);
    expect(secret.stderr.trim()).toMatch(/^tern: Google app-only access is a service account with domain-wide delegation: give its key file with --service-account-file/);
  });
});

describe('Microsoft-style: an app with a certificate (private_key_jwt, x5t)', () => {
  it('a certificate the app does not have is refused; the right one signs an assertion naming it by thumbprint, and mail moves', async () => {
    const env = ternEnv(redis.url);
    const add = (cert: string) => runCli(['app', 'add', 'example.org', '--issuer', auth.issuer, '--client-id', CERT_CLIENT, '--certificate-file', path.join(dir, `${cert}.crt`), '--private-key-file', path.join(dir, `${cert}.key`), '--scope', 'mail'], env);
    const wrong = await add('other');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^tern: 127\.0\.0\.1:\d+ refused the app client id or certificate for example\.org \(invalid_client.*\): check it with tern app add \(client id, certificate, admin consent\)\./);

    const ok = await add('app');
    expect(ok.code, ok.stderr).toBe(0);
    // The x5t header is the certificate's SHA-1 thumbprint, base64url (what Entra ID finds the certificate by).
    const sha1 = openssl(['x509', '-in', 'app.crt', '-noout', '-fingerprint', '-sha1']).trim().replace(/^.*=/, '').replace(/:/g, '');
    expect(auth.assertionHeaders.at(-1)).toMatchObject({ alg: 'RS256', x5t: Buffer.from(sha1, 'hex').toString('base64url') });

    const m = await migrateFrom(env, CERT_MAILBOX, 'bob');
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout.trim().split('\n').pop()!)).toMatchObject({ status: 'completed', steps: [{ copied: 2 }] });
    const bob = await snapshotMailbox({ host: '127.0.0.1', port: dovecot.imapPort, user: 'bob', password: 'bobpass' });
    expect(bob.folders.find((f) => f.path === 'INBOX')?.messages.length).toBeGreaterThanOrEqual(2);
    fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  }, 120_000);

  it('a key that does not belong to the certificate is said before anything is asked', async () => {
    const env = ternEnv(redis.url);
    const r = await runCli(['app', 'add', 'example.org', '--issuer', auth.issuer, '--client-id', CERT_CLIENT, '--certificate-file', path.join(dir, 'app.crt'), '--private-key-file', path.join(dir, 'other.key')], env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`tern: The private key in --private-key-file ${path.join(dir, 'other.key')} does not belong to the certificate in ${path.join(dir, 'app.crt')}.`);
  });
});
