// Notification e-mails, received by a real SMTP server (smtp-server) in this process: one per
// moment (started, completed, failed, cancelled, rolled back), their content, the refusal without
// SMTP_URL, and an SMTP server that does not answer, which must not fail the migration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { freePort } from './support/ports';
import { migrate } from '../commands/migrate';
import { cancel } from '../commands/cancel';
import { rollback } from '../commands/rollback';
import { importPstFile } from '../commands/import-pst';
import { submitMigrateForm, FormErrors } from '../commands/migrate-form';
import { TernError } from '../src/errors';

const SMTP_PASSWORD = 'Smtp-s3cret-71c2';
const TO = 'ops@example.com';

interface Received {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
  mail: ParsedMail;
}

let slash: DovecotServer;
let dotted: DovecotServer;
let redis: TestRedis;
let smtp: SMTPServer;
let smtpPort: number;
const received: Received[] = [];

beforeAll(async () => {
  [slash, dotted, redis] = await Promise.all([startDovecot('slash'), startDovecot('dot-inbox-prefix'), startRedis()]);
  smtp = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'tern' && auth.password === SMTP_PASSWORD) cb(null, { user: 'tern' });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          mail: await simpleParser(raw),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  await seedMessage(account(slash, 'alice'), 'INBOX', makeMessage({ subject: 'Hello', date: new Date(Date.UTC(2024, 1, 1)) }), { internalDate: new Date(Date.UTC(2024, 1, 1)) });
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await Promise.all([slash?.stop(), dotted?.stop(), redis?.stop()]);
});

const smtpEnv = () => ({ SMTP_URL: `smtp://tern:${SMTP_PASSWORD}@127.0.0.1:${smtpPort}`, SMTP_FROM: 'Tern <tern@test.example>' });

async function mailsFor(taskId: string, count: number): Promise<Received[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const mails = received.filter((r) => r.mail.subject?.includes(taskId));
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function expectNoSecret(r: Received): void {
  for (const secret of ['alicepass', 'bobpass', SMTP_PASSWORD]) expect(r.raw).not.toContain(secret);
}

describe('with SMTP_URL: a mail at each moment of a task', () => {
  let tern: TestTern;
  beforeAll(async () => {
    tern = await startTern(redis.url, smtpEnv());
    await tern.startWorker();
  });
  afterAll(() => tern?.close());

  it('started, then completed: task ID, accounts, per-step counts, how to follow and roll back', async () => {
    const task = await migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(dotted, 'bob'), notify: TO }, tern.actor);
    expect(task.notify).toBe(TO);
    expect((await tern.waitFor(task.id)).status).toBe('completed');
    const mails = await mailsFor(task.id, 2);
    expect(mails.map((m) => m.mail.subject)).toEqual([`Tern ${task.id} started: alice → bob`, `Tern ${task.id} completed: alice → bob`]);
    const done = mails[1];
    expect(done.envelopeTo).toEqual([TO]);
    expect(done.envelopeFrom).toBe('tern@test.example');
    expect(done.mail.from?.value).toEqual([{ name: 'Tern', address: 'tern@test.example' }]);
    expect(done.mail.text).toContain(`From: ${task.source}`);
    expect(done.mail.text).toContain(`To:   ${task.destination}`);
    expect(done.mail.text).toContain('E-mails: done — 1 copied, 0 already there, 0 failed of 1');
    expect(done.mail.text).toContain(`tern rollback ${task.id}`);
    expect(done.mail.html).toContain(`<b>${task.id}</b>`);
    expect(mails[0].mail.text).toContain(`tern status ${task.id}`);
    for (const m of mails) expectNoSecret(m);
    expect((await tern.service.view(task.id)).notifyError).toBeUndefined();
  });

  it('rolled back: one more mail when the rollback ends', async () => {
    const [task] = await tern.service.list(tern.actor);
    await rollback(tern.service, { taskId: task.id }, tern.actor);
    expect((await tern.waitFor(task.id, (t) => t.status === 'rolled_back')).status).toBe('rolled_back');
    const mails = await mailsFor(task.id, 3);
    expect(mails[2].mail.subject).toBe(`Tern ${task.id} rolled back: alice → bob`);
    expect(mails[2].mail.text).toContain('State: rolled back');
    expectNoSecret(mails[2]);
  });
});

describe('cancelled while queued, and failed', () => {
  let tern: TestTern;
  beforeAll(async () => {
    tern = await startTern(redis.url, smtpEnv()); // no worker yet: tasks stay queued
  });
  afterAll(() => tern?.close());

  it('a queued task cancelled at once gets its "cancelled" mail', async () => {
    const task = await migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(dotted, 'carol'), notify: TO }, tern.actor);
    expect((await cancel(tern.service, { taskId: task.id }, tern.actor)).status).toBe('cancelled');
    const mails = await mailsFor(task.id, 1);
    expect(mails.map((m) => m.mail.subject)).toEqual([`Tern ${task.id} cancelled: alice → carol`]);
    expect(mails[0].mail.text).toContain('State: cancelled');
  });

  it('a task that fails gets its "failed" mail with the error', async () => {
    const task = await migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(dotted, 'carol'), notify: TO }, tern.actor);
    await tern.runtime.vault.deleteTask(task.id); // as if its credentials had been purged: the task cannot run
    await tern.startWorker();
    expect((await tern.waitFor(task.id)).status).toBe('failed');
    const mails = await mailsFor(task.id, 2);
    expect(mails.map((m) => m.mail.subject)).toEqual([`Tern ${task.id} started: alice → carol`, `Tern ${task.id} failed: alice → carol`]);
    expect(mails[1].mail.text).toContain('Error: The source credentials');
  });
});

describe('an SMTP server that does not answer', () => {
  let tern: TestTern;
  beforeAll(async () => {
    const closed = await freePort();
    tern = await startTern(redis.url, { SMTP_URL: `smtp://tern:${SMTP_PASSWORD}@127.0.0.1:${closed}`, SMTP_FROM: 'tern@test.example' });
    await tern.startWorker();
  });
  afterAll(() => tern?.close());

  it('does not fail the migration; the task shows why no mail went out, without the SMTP password', async () => {
    const task = await migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(dotted, 'carol'), notify: TO }, tern.actor);
    // The notification of the end is sent after the task has ended: wait for its attempt too.
    const final = await tern.waitFor(task.id, (t) => t.status === 'completed' && /^completed:/.test(t.notifyError ?? ''));
    expect(final.notifyError).toMatch(/^completed: .*(ECONNREFUSED|connect)/i);
    expect(final.notifyError).not.toContain(SMTP_PASSWORD);
    expect(JSON.stringify(tern.service.view(task.id))).not.toContain(SMTP_PASSWORD);
  });
});

describe('without SMTP_URL', () => {
  let tern: TestTern;
  beforeAll(async () => {
    tern = await startTern(redis.url);
  });
  afterAll(() => tern?.close());

  it('a notification address is refused, naming the field and what to do; nothing is created', async () => {
    const err = await migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(dotted, 'bob'), notify: TO }, tern.actor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TernError);
    expect(err).toMatchObject({ code: 'BAD_NOTIFY', field: 'notify' });
    expect((err as TernError).userMessage).toContain('SMTP_URL');
    expect(await tern.service.list(tern.actor)).toHaveLength(0);
  });

  it('the chat form shows it on the notification field', async () => {
    const values = {
      source: { type: 'imap', login: 'alice', password: 'alicepass', host: '127.0.0.1', port: String(slash.imapPort), tls: false },
      destination: { type: 'imap', login: 'bob', password: 'bobpass', host: '127.0.0.1', port: String(dotted.imapPort), tls: false },
      items: ['emails'],
      notify: TO,
    };
    const err = await submitMigrateForm(tern.service, values, tern.actor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormErrors);
    expect(Object.keys((err as FormErrors).errors)).toEqual(['notify']);
    expect((err as FormErrors).errors.notify).toContain('SMTP_URL');
  });

  it('a PST import with a notification address is refused the same way', async () => {
    const err = await importPstFile(tern.service, { file: '../shared/fixtures/pst/aspose-outlook.pst', to: imapUrl(dotted, 'bob'), notify: TO }, tern.actor).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_NOTIFY', field: 'notify' });
    expect(await tern.service.list(tern.actor)).toHaveLength(0);
  });

  it('a malformed address is refused whatever the SMTP set-up', async () => {
    const err = await migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(dotted, 'bob'), notify: 'not-an-address' }, tern.actor).catch((e: unknown) => e);
    expect(err).toMatchObject({ field: 'notify' });
    expect((err as TernError).userMessage).toContain('"not-an-address" is not an e-mail address');
  });
});
