// Gmail's label layout, from a real IMAP server. imap.gmail.com cannot run here, so a Dovecot is
// configured with Gmail's folder names and special uses (see withGmailLayout in
// support/dovecot.ts): INBOX and labels at the top ("Work", nested "Work/Projects"), and under the
// \Noselect "[Gmail]": All Mail (\All), Sent Mail, Drafts, Spam, Trash, Starred (\Flagged) and
// Important (\Important). As on Gmail, a message with several labels is stored in each of those
// folders and once more in All Mail; an archived message (no label left) is in All Mail only.
// The destination is a stock Dovecot (Sent, Drafts, Trash, Junk, Archive).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage, snapshotMailbox, type Account } from './support/mailbox';
import { startTern, ternEnv } from './support/tern';
import { startAnswerProxy } from './support/answer-proxy';
import { migrate } from '../commands/migrate';
import { runCli } from './support/cli-run';

let gmail: DovecotServer;
let stock: DovecotServer;
let redis: TestRedis;
const source = (): Account => ({ host: '127.0.0.1', port: gmail.imapPort, user: 'ann', password: 'annpass' });
const destination = (): Account => ({ host: '127.0.0.1', port: stock.imapPort, user: 'bob', password: 'bobpass' });

// Each message and the Gmail folders (labels) it is in.
const messages = {
  labelled: { subject: 'in Inbox and Work/Projects, starred and important', folders: ['INBOX', 'Work/Projects', '[Gmail]/Starred', '[Gmail]/Important', '[Gmail]/All Mail'] },
  inbox: { subject: 'only in Inbox', folders: ['INBOX', '[Gmail]/All Mail'] },
  archived: { subject: 'archived: no label left', folders: ['[Gmail]/All Mail'] },
  archivedStarred: { subject: 'archived and starred', folders: ['[Gmail]/Starred', '[Gmail]/All Mail'] },
  sent: { subject: 'sent', folders: ['[Gmail]/Sent Mail', '[Gmail]/All Mail'] },
};

beforeAll(async () => {
  [gmail, stock, redis] = await Promise.all([startDovecot('slash', { gmail: true, users: 'ann:annpass' }), startDovecot('slash', { users: 'bob:bobpass carl:carlpass' }), startRedis()]);
  for (const m of Object.values(messages)) {
    const raw = makeMessage({ subject: m.subject });
    for (const folder of m.folders) await seedMessage(source(), folder, raw);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([gmail?.stop(), stock?.stop(), redis?.stop()]);
});

describe('a Gmail source', () => {
  it('lands labels as folders, each message once per label, archived ones in Archive, Starred and Important as flags', async () => {
    const env = ternEnv(redis.url);
    const run = await runCli(['migrate', '--from', `imap://ann:annpass@127.0.0.1:${gmail.imapPort}`, '--to', `imap://bob:bobpass@127.0.0.1:${stock.imapPort}`, '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const task = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(task).toMatchObject({ status: 'completed', steps: [{ kind: 'emails', copied: 6, failed: 0 }] });

    const after = await snapshotMailbox(destination());
    const subjects = async (folder: string) => {
      const f = after.folders.find((x) => x.path === folder);
      return f ? f.messages.length : undefined;
    };
    // The labels, nested as on Gmail; Sent Mail in the destination's Sent; All Mail's own messages in Archive.
    expect(await subjects('INBOX')).toBe(2);
    expect(await subjects('Work/Projects')).toBe(1);
    expect(await subjects('Sent')).toBe(1);
    expect(await subjects('Archive')).toBe(2);
    // Nothing else: no "[Gmail]" folders, no All Mail, Starred or Important copies.
    expect(after.folders.filter((f) => f.messages.length > 0).map((f) => f.path).sort()).toEqual(['Archive', 'INBOX', 'Sent', 'Work/Projects']);
    expect(after.folders.some((f) => f.path.startsWith('[Gmail]'))).toBe(false);

    // Flags: the labelled message is starred and important in both folders it landed in; the archived starred one too.
    const flagsIn = (folder: string) => after.folders.find((f) => f.path === folder)!.messages.map((m) => m.flags);
    expect(flagsIn('Work/Projects')).toEqual([expect.arrayContaining(['\\Flagged', '$Important'])]);
    expect(flagsIn('INBOX').filter((f) => f.includes('\\Flagged') && f.includes('$Important'))).toHaveLength(1);
    expect(flagsIn('INBOX').filter((f) => !f.includes('\\Flagged') && !f.includes('$Important'))).toHaveLength(1);
    expect(flagsIn('Archive').filter((f) => f.includes('\\Flagged'))).toHaveLength(1);
    expect(flagsIn('Archive').flat()).not.toContain('$Important');

    // A second run finds everything there and copies nothing.
    const again = await runCli(['migrate', '--from', `imap://ann:annpass@127.0.0.1:${gmail.imapPort}`, '--to', `imap://bob:bobpass@127.0.0.1:${stock.imapPort}`, '--json'], env);
    expect(JSON.parse(again.stdout.trim().split('\n').pop()!)).toMatchObject({ status: 'completed', steps: [{ copied: 0, failed: 0 }] });
  }, 120_000);
});

describe("Gmail's upload limit", () => {
  it('is waited out as throttling, said on the task, and the copy goes on with nothing failed or twice', async () => {
    for (let i = 0; i < 4; i++) await seedMessage(source(), 'Limited', makeMessage({ subject: `limited ${i}` }));
    // The destination answers the first two APPENDs as Gmail does past its daily upload limit.
    let refusals = 2;
    const proxy = await startAnswerProxy(stock.imapPort, (line) => {
      const m = /^(\S+) OK \[APPENDUID [^\]]*\] Append completed/.exec(line);
      if (!m || refusals <= 0) return line;
      refusals--;
      return `${m[1]} NO [THROTTLED] Account exceeded command or bandwidth limits. (Failure)`;
    });
    const tern = await startTern(redis.url, { TERN_CONNECTIONS_PER_ACCOUNT: '1' });
    try {
      await tern.startWorker();
      const task = await migrate(tern.service, { from: `imap://ann:annpass@127.0.0.1:${gmail.imapPort}`, to: `imap://carl:carlpass@127.0.0.1:${proxy.port}` }, tern.actor);
      const done = await tern.waitFor(task.id);
      expect(proxy.rewritten()).toBe(2);
      expect(done.status).toBe('completed');
      expect(done.steps[0]).toMatchObject({ failed: 0 });
      const waited = (await tern.runtime.tasks.auditLog(task.id)).filter((e) => e.action === 'task.waiting');
      expect(waited[0]?.detail).toMatch(/is limiting ann|is limiting carl/);
      expect(waited[0]?.detail).toMatch(/Account exceeded command or bandwidth limits.*Tern waits and goes on/);
      const limited = (await snapshotMailbox({ host: '127.0.0.1', port: stock.imapPort, user: 'carl', password: 'carlpass' })).folders.find((f) => f.path === 'Limited');
      expect(limited?.messages).toHaveLength(4);
    } finally {
      await tern.close();
      await proxy.close();
    }
  }, 120_000);
});
