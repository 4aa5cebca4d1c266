// Seed and inspect real mailboxes over IMAP (imapflow), independent of the product code, so
// tests can check what a migration actually left on the server.
import { createHash, randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';

export interface Account { host: string; port: number; user: string; password: string }

export interface MailboxSnapshot {
  folders: Array<{
    path: string;
    delimiter: string;
    specialUse?: string;
    messages: Array<{ uid: number; flags: string[]; internalDate: string; size: number; sha256: string }>;
  }>;
}

type SnapshotMessage = MailboxSnapshot['folders'][number]['messages'][number];

export async function withImap<T>(acc: Account, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const client = await connectWithRetry(acc);
  try {
    return await fn(client);
  } finally {
    // A failed fn may leave the session unusable; logout would then throw over the real error.
    await client.logout().catch(() => client.close());
  }
}

/**
 * A loaded machine (every test file runs its own Dovecots) can drop a connection while Dovecot
 * spawns its login processes; connecting is idempotent, so test set-up tries again.
 */
async function connectWithRetry(acc: Account, attempts = 4): Promise<ImapFlow> {
  for (let attempt = 1; ; attempt++) {
    const client = new ImapFlow({ host: acc.host, port: acc.port, secure: false, auth: { user: acc.user, pass: acc.password }, logger: false });
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (err) {
      client.close();
      const authFailed = (err as { authenticationFailed?: boolean }).authenticationFailed;
      if (authFailed || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/**
 * APPEND one message, creating the folder first if needed. The folder is taken as given;
 * note imapflow adds the namespace prefix itself when it is missing ('Foo' -> 'INBOX.Foo').
 */
export async function seedMessage(
  acc: Account,
  folder: string,
  raw: string | Buffer,
  opts: { flags?: string[]; internalDate?: Date } = {},
): Promise<number> {
  return withImap(acc, async (c) => {
    if (folder.toUpperCase() !== 'INBOX') {
      try {
        await c.mailboxCreate(folder); // imapflow already maps ALREADYEXISTS to { created: false }
      } catch (err) {
        if ((err as { serverResponseCode?: string }).serverResponseCode !== 'ALREADYEXISTS') throw err;
      }
    }
    const res = await c.append(folder, raw, opts.flags ?? [], opts.internalDate);
    if (!res || !res.uid) throw new Error(`APPEND to ${folder} returned no UID (server without UIDPLUS?)`);
    return res.uid;
  });
}

export interface SeedItem { raw: string | Buffer; flags?: string[]; internalDate?: Date }

/**
 * Fills folders with `perFolder` messages each, one connection per folder so the APPENDs run
 * side by side. The folders are created first, one after another on one connection: Dovecot 2.3
 * can drop a session when two of one user create folders at once. A folder whose connection
 * drops anyway (a loaded machine) is topped up from its message count on a new one, so
 * set-up never leaves a folder short or over-full.
 */
export async function seedFolders(acc: Account, folders: string[], perFolder: number, item: (folder: string, i: number) => SeedItem): Promise<void> {
  await retryingDrops(() =>
    withImap(acc, async (c) => {
      // After a drop the folder may already exist: imapflow answers ALREADYEXISTS with { created: false }.
      for (const folder of folders) if (folder.toUpperCase() !== 'INBOX') await c.mailboxCreate(folder);
    }),
  );
  await Promise.all(folders.map((folder) => retryingDrops(() => fillFolder(acc, folder, perFolder, item))));
}

/** Appends from the folder's current count up to `count`, so a new try never adds a message twice. */
function fillFolder(acc: Account, folder: string, count: number, item: (folder: string, i: number) => SeedItem): Promise<void> {
  return withImap(acc, async (c) => {
    const status = await c.status(folder, { messages: true });
    if (!status || status.messages === undefined) throw new Error(`STATUS ${folder} gave no message count`);
    for (let i = status.messages; i < count; i++) {
      const m = item(folder, i);
      await c.append(folder, m.raw, m.flags ?? [], m.internalDate);
    }
  });
}

/** Runs an idempotent step again when its connection dropped; a server's NO or BAD is final. */
async function retryingDrops<T>(step: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      const refused = (err as { responseStatus?: string }).responseStatus;
      if (refused === 'NO' || refused === 'BAD' || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/** RFC 5322 date, e.g. "Tue, 04 Mar 2025 10:00:00 +0000". */
function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** RFC 2047 encoded-word for non-ASCII header text (headers must be 7-bit). */
function headerText(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

/**
 * Exactly `bytes` bytes of 76-char base64-alphabet lines, each ending CRLF (the last one
 * possibly shorter). Random so that large messages do not compress or dedupe unrealistically;
 * written straight into one preallocated buffer, so a 25 MB body takes well under a second.
 */
function filler(bytes: number): Buffer {
  if (bytes === 1) throw new RangeError('bodyBytes must be 0 or at least 2 (lines end with CRLF)');
  // More characters than needed, so the '=' padding at the very end is never used.
  const text = randomBytes(Math.ceil((bytes * 3) / 4) + 3).toString('base64');
  const out = Buffer.allocUnsafe(bytes);
  let pos = 0;
  let src = 0;
  while (pos < bytes) {
    const room = bytes - pos;
    let n = Math.min(76, room - 2);
    if (room - n - 2 === 1) n -= 1; // never leave a single byte, it could not hold a CRLF
    out.write(text.slice(src, src + n), pos, 'latin1');
    out.write('\r\n', pos + n, 'latin1');
    src += n;
    pos += n + 2;
  }
  return out;
}

export function makeMessage(opts: {
  subject: string;
  from?: string;
  to?: string;
  messageId?: string | null;
  date?: Date;
  body?: string;
  bodyBytes?: number;
}): Buffer {
  const messageId = opts.messageId === undefined ? `<${randomBytes(12).toString('hex')}@tern.test>` : opts.messageId;
  const headers = [
    `From: ${opts.from ?? 'Sender <sender@tern.test>'}`,
    `To: ${opts.to ?? 'Recipient <recipient@tern.test>'}`,
    `Subject: ${headerText(opts.subject)}`,
    `Date: ${rfc5322Date(opts.date ?? new Date())}`,
    ...(messageId === null ? [] : [`Message-ID: ${messageId}`]),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${opts.bodyBytes !== undefined ? '7bit' : '8bit'}`,
  ];
  const head = Buffer.from(headers.join('\r\n') + '\r\n\r\n', 'utf8');
  if (opts.bodyBytes !== undefined) return Buffer.concat([head, filler(opts.bodyBytes)]);
  // Normalise to CRLF and end with a line break, as stored mail does.
  const body = (opts.body ?? 'Hello from the Tern tests.').replace(/\r?\n/g, '\r\n').replace(/(\r\n)?$/, '\r\n');
  return Buffer.concat([head, Buffer.from(body, 'utf8')]);
}

// Source fetches are batched by count and by bytes so memory stays bounded even with 25 MB mails.
const CHUNK_COUNT = 50;
const CHUNK_BYTES = 16 * 1024 * 1024;

function chunk(meta: SnapshotMessage[]): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let bytes = 0;
  for (const m of meta) {
    if (cur.length && (cur.length >= CHUNK_COUNT || bytes + m.size > CHUNK_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(m.uid);
    bytes += m.size;
  }
  if (cur.length) out.push(cur);
  return out;
}

export async function snapshotMailbox(acc: Account): Promise<MailboxSnapshot> {
  return withImap(acc, async (c) => {
    const listed = (await c.list()).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const folders: MailboxSnapshot['folders'] = [];
    for (const entry of listed) {
      // \NonExistent entries are only placeholders for a child's parent; they are not mailboxes.
      if (entry.flags.has('\\NonExistent')) continue;
      // Report only what the server declares; imapflow also guesses by name ("Sent Items"),
      // which would hide a migration that forgot to set SPECIAL-USE. INBOX is always \Inbox.
      const specialUse = entry.specialUse && (entry.specialUseSource !== 'name' || entry.specialUse === '\\Inbox') ? entry.specialUse : undefined;
      const messages: SnapshotMessage[] = [];
      if (!entry.flags.has('\\Noselect')) {
        const box = await c.mailboxOpen(entry.path, { readOnly: true });
        if (box.exists > 0) {
          for await (const m of c.fetch('1:*', { uid: true, flags: true, internalDate: true, size: true })) {
            const d = m.internalDate instanceof Date ? m.internalDate : new Date(m.internalDate ?? NaN);
            messages.push({
              uid: m.uid,
              flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
              internalDate: d.toISOString(),
              size: m.size ?? 0,
              sha256: '',
            });
          }
          messages.sort((a, b) => a.uid - b.uid);
          const byUid = new Map(messages.map((m) => [m.uid, m]));
          for (const uids of chunk(messages)) {
            for await (const m of c.fetch(uids.join(','), { uid: true, source: true }, { uid: true })) {
              const target = byUid.get(m.uid);
              if (target && m.source) target.sha256 = createHash('sha256').update(m.source).digest('hex');
            }
          }
          const missing = messages.find((m) => !m.sha256);
          if (missing) throw new Error(`snapshot: no source for ${entry.path} UID ${missing.uid}`);
        }
        await c.mailboxClose();
      }
      folders.push({ path: entry.path, delimiter: entry.delimiter, ...(specialUse ? { specialUse } : {}), messages });
    }
    return { folders };
  });
}

/** path -> sorted "sha256 flags internalDate" lines: compares content while ignoring UIDs. */
export function contentView(s: MailboxSnapshot): Record<string, string[]> {
  const view: Record<string, string[]> = {};
  for (const f of s.folders) {
    view[f.path] = f.messages.map((m) => `${m.sha256} ${m.flags.join(',')} ${m.internalDate}`).sort();
  }
  return view;
}
