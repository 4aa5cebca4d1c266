// Autodetection where users meet it: `tern detect`, account URLs whose host is "auto", and the
// chat form's Autodetect server type. DNS answers come from a local responder (TERN_DNS_SERVERS).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDns, type TestDns } from './support/dns-server';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage } from './support/mailbox';
import { imapUrl, projectRoot, startTern, type TestTern } from './support/tern';
import { migrate } from '../commands/migrate';
import { submitMigrateForm, FormErrors } from '../commands/migrate-form';
import { TernError } from '../src/errors';

let dns: TestDns;
let slash: DovecotServer;
let dotted: DovecotServer;
let redis: TestRedis;
let tern: TestTern;
const USER = 'erin@srv-auto.test';

beforeAll(async () => {
  [dns, slash, dotted, redis] = await Promise.all([startDns(), startDovecot('slash'), startDovecot('dot-inbox-prefix'), startRedis()]);
  await slash.addUser(USER, 'erinpass');
  // "localhost" resolves without DNS, so the IMAP client reaches the test Dovecot.
  dns.add({ type: 'SRV', name: '_imap._tcp.srv-auto.test', target: 'localhost', port: slash.imapPort });
  dns.add({ type: 'SRV', name: '_pop3._tcp.srv-auto.test', target: 'localhost', port: slash.pop3Port });
  await seedMessage({ host: '127.0.0.1', port: slash.imapPort, user: USER, password: 'erinpass' }, 'INBOX', makeMessage({ subject: 'Found by SRV', date: new Date(Date.UTC(2024, 0, 2)) }), {});
  tern = await startTern(redis.url, { TERN_DNS_SERVERS: dns.address });
  await tern.startWorker();
});

afterAll(async () => {
  await tern?.close();
  await Promise.all([dns?.close(), slash?.stop(), dotted?.stop(), redis?.stop()]);
});

const detected = `source settings detected: IMAP localhost:${0}, from DNS SRV _imap._tcp.srv-auto.test`;

describe('an account URL with the host "auto"', () => {
  it('is resolved to the detected server, which the task shows, and the migration runs', async () => {
    const task = await migrate(tern.service, { from: `imap://${encodeURIComponent(USER)}:erinpass@auto`, to: imapUrl(dotted, 'bob') }, tern.actor);
    expect(task.source).toBe(`imap://${encodeURIComponent(USER)}@localhost:${slash.imapPort}`);
    expect(task.detected).toEqual([detected.replace(':0', `:${slash.imapPort}`)]);
    const final = await tern.waitFor(task.id);
    expect(final.status).toBe('completed');
    expect(final.steps[0]).toMatchObject({ copied: 1 });
  });

  it('pop3://…@auto takes the POP3 server', async () => {
    const task = await migrate(tern.service, { from: `pop3://${encodeURIComponent(USER)}:erinpass@auto`, to: imapUrl(dotted, 'carol') }, tern.actor);
    expect(task.source).toBe(`pop3://${encodeURIComponent(USER)}@localhost:${slash.pop3Port}`);
    expect((await tern.waitFor(task.id)).status).toBe('completed');
  });

  it('nothing found: a clear error on that side, nothing created', async () => {
    const before = (await tern.service.list(tern.actor)).length;
    const err = (await migrate(tern.service, { from: imapUrl(slash, 'alice'), to: 'imap://zed%40nowhere-auto.test:pw@auto' }, tern.actor).catch((e: unknown) => e)) as TernError;
    expect(err).toBeInstanceOf(TernError);
    expect(err).toMatchObject({ code: 'BAD_ACCOUNT_URL', field: 'destination' });
    expect(err.userMessage).toMatch(/^Destination account: no IMAP server was found for nowhere-auto\.test\./);
    expect(err.userMessage).toContain('instead of "auto"');
    expect(await tern.service.list(tern.actor)).toHaveLength(before);
  });
});

describe('an "auto" address at Microsoft 365, without a password', () => {
  it('is taken as an OAuth2 account at Microsoft, and the one-line refusal says how to sign it in; nothing is queued', async () => {
    dns.add({ type: 'MX', name: 'firm365-auto.test', exchange: 'firm365-auto-test.mail.protection.outlook.com' });
    const before = (await tern.service.list(tern.actor)).length;
    const err = (await migrate(tern.service, { from: 'imap://gus%40firm365-auto.test@auto', to: imapUrl(dotted, 'bob') }, tern.actor).catch((e: unknown) => e)) as TernError;
    expect(err).toBeInstanceOf(TernError);
    // This Tern has no Microsoft client id: the sentence says so, for the OAuth2 account autodetect chose.
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', field: 'source' });
    expect(err.userMessage).toBe('The source account signs in with Microsoft, but no client id is set: register Tern as an application with Microsoft and set TERN_MICROSOFT_CLIENT_ID (or add &client_id=… to the URL).');
    expect(await tern.service.list(tern.actor)).toHaveLength(before);
  });
});

describe('an "auto" address without a password whose server is neither Microsoft nor Google', () => {
  it('is refused once detected, naming what was found and where to give the password', async () => {
    const err = (await migrate(tern.service, { from: `imap://${encodeURIComponent(USER)}@auto`, to: imapUrl(dotted, 'bob') }, tern.actor).catch((e: unknown) => e)) as TernError;
    expect(err).toMatchObject({ code: 'BAD_ACCOUNT_URL', field: 'source' });
    expect(err.userMessage).toBe(`No password for the source account ${USER} (settings detected: IMAP localhost:${slash.imapPort}, from DNS SRV _imap._tcp.srv-auto.test): set TERN_FROM_PASSWORD, give --from-password-file, or type it when asked on a terminal.`);
  });
});

describe('the chat form with the Autodetect server type', () => {
  it('needs only the address and the password', async () => {
    const task = await submitMigrateForm(
      tern.service,
      {
        source: { type: 'auto', login: USER, password: 'erinpass' },
        destination: { type: 'imap', login: 'alice', password: 'alicepass', host: '127.0.0.1', port: String(dotted.imapPort), tls: false },
        items: ['emails'],
      },
      tern.actor,
    );
    expect(task.source).toContain(`@localhost:${slash.imapPort}`);
    expect(task.detected?.[0]).toContain('from DNS SRV _imap._tcp.srv-auto.test');
    expect((await tern.waitFor(task.id)).status).toBe('completed');
  });

  it('a login that is not an address is a field error', async () => {
    const err = await submitMigrateForm(tern.service, { source: { type: 'auto', login: 'erin', password: 'x' }, destination: { type: 'auto', login: 'x@y.test', password: 'x' }, items: ['emails'] }, tern.actor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormErrors);
    expect((err as FormErrors).errors['source.login']).toContain('autodetection needs the e-mail address');
  });
});

describe('tern detect', () => {
  function runDetect(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['bin/tern.js', 'detect', ...args], {
        cwd: projectRoot,
        env: { ...process.env, ...tern.env, TERN_DNS_SERVERS: dns.address, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('prints the candidates best first with their sources', async () => {
    const r = await runDetect([USER]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      `Servers for ${USER}, best first:`,
      `  1. IMAP localhost:${slash.imapPort} (STARTTLS when offered) — DNS SRV _imap._tcp.srv-auto.test, high confidence`,
      `  2. POP3 localhost:${slash.pop3Port} (STARTTLS when offered) — DNS SRV _pop3._tcp.srv-auto.test, high confidence`,
    ]);
  });

  it('--json gives the candidates as data; a preset domain answers offline', async () => {
    const r = await runDetect(['someone@fastmail.com', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const found = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(found.candidates[0]).toMatchObject({ protocol: 'imap', host: 'imap.fastmail.com', port: 993, source: 'preset', confidence: 'high' });
  });

  it('exit 1 when nothing is found; exit 2 for something that is not an address', async () => {
    const none = await runDetect(['zed@nowhere-cli.test']);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('No server found for zed@nowhere-cli.test.');
    const bad = await runDetect(['nobody']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('tern: "nobody" is not an e-mail address: settings are detected from the domain after the @.');
  });
});
