// What every fault scenario shares: a seeded source mailbox, workers as real processes (so they
// can be killed), and the oracle — an IMAP comparison of source and destination that owes nothing
// to Tern's own counters: every message once, bytes, flags and dates as at the source.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import type { DovecotServer } from '../support/dovecot';
import { contentView, makeMessage, snapshotMailbox, withImap, type Account } from '../support/mailbox';
import { account, projectRoot } from '../support/tern';

/** A small seeded PRNG (mulberry32): the same seed, the same "random" moments. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FLAGS = [['\\Seen'], ['\\Seen', '\\Flagged'], [], ['\\Seen', '\\Answered', '$Label1']];

/** `perFolder` messages in each folder (INBOX and others), with varied flags, dates and sizes. */
export async function seedSource(acc: Account, folders: string[], perFolder: number, bodyBytes = 3072): Promise<void> {
  await Promise.all(
    folders.map((folder) =>
      withImap(acc, async (c) => {
        if (folder !== 'INBOX') await c.mailboxCreate(folder);
        for (let i = 0; i < perFolder; i++) {
          const date = new Date(Date.UTC(2023, i % 12, 1 + (i % 28), 8, i % 60));
          await c.append(folder, makeMessage({ subject: `${folder} ${i}`, bodyBytes: bodyBytes + (i % 7) * 512, date }), FLAGS[i % FLAGS.length], date);
        }
      }),
    ),
  );
}

/**
 * The oracle: the destination holds every source message exactly once, byte for byte, with its
 * flags and date, in the mapped folder ("/"-separated source → "INBOX."-prefixed destination).
 */
export async function expectExactCopy(source: DovecotServer, sourceUser: string, destination: DovecotServer, destinationUser: string): Promise<void> {
  const src = contentView(await snapshotMailbox(account(source, sourceUser)));
  const dst = contentView(await snapshotMailbox(account(destination, destinationUser)));
  const mapped = (folder: string) => (folder === 'INBOX' ? 'INBOX' : destination.prefix + folder.split(source.separator).join(destination.separator));
  for (const [folder, messages] of Object.entries(src)) {
    if (!messages.length) continue;
    expect(dst[mapped(folder)], `${folder} → ${mapped(folder)}`).toEqual(messages);
  }
}

/** A `tern worker` process on the given environment. */
export function spawnWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(projectRoot, 'bin/tern.js'), 'worker'], { env: { ...process.env, ...env }, stdio: 'ignore' });
}

export async function kill(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const gone = new Promise((r) => worker.once('exit', r));
  worker.kill('SIGKILL');
  await gone;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await fn()); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
