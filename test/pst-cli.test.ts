// `tern import-pst` as a user runs it: the real binary, a real Dovecot, a real Redis.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { snapshotMailbox } from './support/mailbox';
import { account, imapUrl, projectRoot, ternEnv } from './support/tern';

let dovecot: DovecotServer;
let redis: TestRedis;
let env: Record<string, string>;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-pst-cli-'));

beforeAll(async () => {
  [dovecot, redis] = await Promise.all([startDovecot('slash'), startRedis()]);
  env = ternEnv(redis.url);
});

afterAll(async () => {
  await Promise.all([dovecot?.stop(), redis?.stop()]);
  fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});

function runTern(args: string[], extra: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const clean = { ...process.env };
    for (const key of ['REDIS_URL', 'TERN_DATA_DIR', 'TERN_REDIS_PREFIX', 'TERN_SECRET_KEY', 'TERN_TO_PASSWORD', 'LOG_LEVEL', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN']) delete clean[key];
    const child = spawn(process.execPath, ['bin/tern.js', ...args], { cwd: projectRoot, env: { ...clean, ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('tern import-pst', () => {
  it('imports aspose-outlook.pst: 14 e-mails, 8 in the Inbox and 6 in Sent Items, JSON last on stdout', async () => {
    const r = await runTern(['import-pst', '../shared/fixtures/pst/aspose-outlook.pst', '--to', imapUrl(dovecot, 'alice'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Task T-[0-9A-Z]{8} created: pst:aspose-outlook\.pst -> imap:\/\/alice@127\.0\.0\.1:\d+/m);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const task = JSON.parse(lines[0]);
    expect(task).toMatchObject({ status: 'completed', source: 'pst:aspose-outlook.pst', items: ['emails'] });
    expect(task.steps).toEqual([expect.objectContaining({ kind: 'emails', status: 'done', total: 14, copied: 14, alreadyPresent: 0, failed: 0 })]);
    const folders = Object.fromEntries(task.folders.map((f: { sourceFolder: string; destinationFolder: string; copied: number; destinationCount: number }) => [f.sourceFolder, [f.destinationFolder, f.copied, f.destinationCount]]));
    expect(folders.Inbox).toEqual(['INBOX', 8, 8]);
    expect(folders['Sent Items']).toEqual(['Sent', 6, 6]);
    expect(JSON.stringify(task)).not.toContain('alicepass');

    const snap = await snapshotMailbox(account(dovecot, 'alice'));
    expect(snap.folders.find((f) => f.path === 'INBOX')?.messages).toHaveLength(8);
    expect(snap.folders.find((f) => f.path === 'Sent')?.messages).toHaveLength(6);
    // The user's own file is read where it is and left alone.
    expect(fs.existsSync(path.join(projectRoot, '../shared/fixtures/pst/aspose-outlook.pst'))).toBe(true);
  });

  it('takes the options: --exclude-folders leaves a folder of the file out, and the task keeps them', async () => {
    const r = await runTern(['import-pst', '../shared/fixtures/pst/aspose-outlook.pst', '--to', imapUrl(dovecot, 'carol'), '--exclude-folders', 'Sent Items', '--newest-first', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const task = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(task.options).toEqual({ excludeFolders: ['Sent Items'], newestFirst: true });
    expect(task.folders.map((f: { sourceFolder: string }) => f.sourceFolder)).not.toContain('Sent Items');
    expect(task.steps[0]).toMatchObject({ total: 8, copied: 8 });
    const snap = await snapshotMailbox(account(dovecot, 'carol'));
    expect(snap.folders.find((f) => f.path === 'INBOX')?.messages).toHaveLength(8);
    expect(snap.folders.find((f) => f.path === 'Sent')?.messages ?? []).toHaveLength(0);
  });

  it('refuses a bad file with one line on stderr and exit code 2, before any task exists', async () => {
    const empty = path.join(scratch, 'empty.pst');
    fs.writeFileSync(empty, '');
    const r = await runTern(['import-pst', empty, '--to', imapUrl(dovecot, 'bob')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('tern: empty.pst is empty (0 bytes): nothing to import. Export the mailbox again.');
    const list = await runTern(['list', '--json']);
    expect(JSON.parse(list.stdout).some((t: { destination: string }) => t.destination.includes('bob@'))).toBe(false);
  });

  it('refuses contacts to an IMAP destination, naming the kind and the reason', async () => {
    const r = await runTern(['import-pst', '../shared/fixtures/pst/java-libpst-dist-list.pst', '--to', imapUrl(dovecot, 'carol'), '--items', 'emails,contacts,calendars']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('tern: Contacts cannot be migrated to this destination: IMAP accounts carry e-mails only.');
  });
});
