// Seeds the benchmark's source mailbox by writing Maildir files straight into Dovecot's storage
// (folders are created by doveadm, so layout and ownership are Dovecot's own), then lets Dovecot
// index them with `doveadm force-resync`. Much faster than APPEND for tens of thousands of
// messages, and the result is an ordinary Maildir that Dovecot serves like any other.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DovecotServer } from '../support/dovecot';
import { makeMessage, withImap, type Account } from '../support/mailbox';

export interface SeedOptions {
  folders: number;
  messagesPerFolder: number;
  /** Messages of 1–5 MB, spread over the folders (they replace small ones: the count stays the same). */
  large: number;
  /** Sizes in MB of messages added to INBOX on top of the others (BENCH_HUGE_MB, e.g. 22 and 100). */
  huge?: number[];
  seed: number;
}

export interface SeededMailbox {
  folders: string[];
  messages: number;
  bytes: number;
  largeMessages: number;
}

/** Deterministic PRNG (mulberry32): the same BENCH_SEED gives the same sizes, flags and dates. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** INBOX, then a mix of flat and nested folders (nesting exercises the "/" → "." mapping). */
export function folderNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? 'INBOX' : i % 2 ? `Archive/${2000 + i}` : `Folder ${i}`));
}

/** Maildir info flags, in the ASCII order Maildir requires. */
function maildirFlags(r: number): string {
  if (r < 0.03) return 'RS'; // answered + seen
  if (r < 0.08) return 'FS'; // flagged + seen
  if (r < 0.8) return 'S';
  return '';
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function seedMaildir(server: DovecotServer, user: string, opts: SeedOptions): Promise<SeededMailbox> {
  const random = rng(opts.seed);
  const folders = folderNames(opts.folders);
  const total = opts.folders * opts.messagesPerFolder;
  // Evenly spaced positions (over all messages) that get a large message.
  const largeAt = new Set(Array.from({ length: Math.min(opts.large, total) }, (_, i) => Math.floor(((i + 0.5) * total) / Math.max(1, opts.large))));
  const now = Math.floor(Date.now() / 1000);
  let bytes = 0;
  let largeMessages = 0;

  for (const [f, folder] of folders.entries()) {
    // Dovecot creates the directories (INBOX on first access), as the mail user.
    if (folder !== 'INBOX') await server.doveadm(['mailbox', 'create', '-u', user, folder]);
    await server.doveadm(['mailbox', 'status', '-u', user, 'messages', folder]);
    const cur = path.join((await server.doveadm(['mailbox', 'path', '-u', user, folder])).trim(), 'cur');
    const owner = await fs.stat(cur);
    const jobs = Array.from({ length: opts.messagesPerFolder }, (_, m) => {
      const large = largeAt.has(f * opts.messagesPerFolder + m);
      // Small mail is log-uniform in 2–50 KB (median ≈ 10 KB); large is uniform in 1–5 MB.
      const size = large ? Math.round((1 + 4 * random()) * 1024 * 1024) : Math.round(2048 * Math.pow(25, random()));
      const date = now - Math.floor(random() * 3 * 365 * 86400);
      return { m, large, size, date, flags: maildirFlags(random()) };
    });
    await inParallel(jobs, 16, async ({ m, large, size, date, flags }) => {
      const raw = makeMessage({
        subject: `Bench ${folder} #${m}${large ? ' (large)' : ''}`,
        messageId: `<bench-${opts.seed}-${f}-${m}@tern.bench>`,
        date: new Date(date * 1000),
        bodyBytes: Math.max(2, size - 400),
      });
      const file = path.join(cur, `${date}.M${f}_${m}P${process.pid}.tern-bench,S=${raw.length}:2,${flags}`);
      await fs.writeFile(file, raw);
      await fs.chown(file, owner.uid, owner.gid);
      await fs.utimes(file, date, date); // a Maildir message's internal date is its file's mtime
      bytes += raw.length;
      if (large) largeMessages++;
    });
  }
  // Huge messages go into INBOX on top of the others, one at a time (each is built in memory once).
  const huge = opts.huge ?? [];
  if (huge.length) {
    const cur = path.join((await server.doveadm(['mailbox', 'path', '-u', user, 'INBOX'])).trim(), 'cur');
    const owner = await fs.stat(cur);
    for (const [h, mb] of huge.entries()) {
      const raw = makeMessage({ subject: `Bench huge #${h} (${mb} MB)`, messageId: `<bench-${opts.seed}-huge-${h}@tern.bench>`, date: new Date(now * 1000), bodyBytes: mb * 1024 * 1024 });
      const file = path.join(cur, `${now}.Mhuge${h}P${process.pid}.tern-bench,S=${raw.length}:2,S`);
      await fs.writeFile(file, raw);
      await fs.chown(file, owner.uid, owner.gid);
      bytes += raw.length;
      largeMessages++;
    }
  }
  await server.doveadm(['force-resync', '-u', user, '*']);
  const counted = await countMessages(server, user);
  if (counted.messages !== total + huge.length) throw new Error(`seeding: Dovecot sees ${counted.messages} messages, ${total + huge.length} were written`);
  return { folders, messages: total + huge.length, bytes, largeMessages };
}

/** Messages and virtual bytes of every folder of a user, as Dovecot counts them (no IMAP involved). */
export async function countMessages(server: DovecotServer, user: string): Promise<{ messages: number; vsize: number }> {
  // Named one by one: with an "INBOX." namespace prefix, doveadm's "*" mask matches nothing.
  const names = (await server.doveadm(['mailbox', 'list', '-u', user])).split('\n').filter(Boolean);
  const out = await server.doveadm(['-f', 'tab', 'mailbox', 'status', '-u', user, 'messages vsize', ...names]);
  // A header line, then "mailbox<TAB>messages<TAB>vsize" per folder.
  const rows = out.trim().split('\n').slice(1).map((line) => line.split('\t').slice(-2).map(Number));
  return { messages: rows.reduce((n, r) => n + r[0], 0), vsize: rows.reduce((n, r) => n + r[1], 0) };
}

/**
 * Reads every folder's headers once over IMAP, so Dovecot's caches are as warm for the first
 * measured run as for the later ones. Returns how long that took (a lower bound for any scan).
 */
export async function warmUp(acc: Account, folders: string[]): Promise<number> {
  const t0 = performance.now();
  await withImap(acc, async (c) => {
    for (const folder of folders) {
      await c.mailboxOpen(folder, { readOnly: true });
      const query = { uid: true, flags: true, internalDate: true, size: true, headers: ['message-id', 'date', 'from', 'to', 'cc', 'subject'] };
      for await (const _ of c.fetch('1:*', query)) void _;
      await c.mailboxClose();
    }
  });
  return performance.now() - t0;
}
