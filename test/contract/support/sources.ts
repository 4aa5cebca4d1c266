// The mail sources the contract runs against. An entry starts its server (once per file), and for
// each test gives a fresh account holding known messages, seeded straight at the server (a PST
// file holds what it holds). A new source = one entry here.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withImap } from '../../support/mailbox';
import type { DovecotFlavour } from '../../support/dovecot';
import { loadConnector } from '../../../src/connectors/registry';
import type { AccountCredentials, Protocol } from '../../../src/ports/account';
import { DEDUPE_HEADER_FIELDS, dedupeKey } from '../../../src/ports/dedupe-key';
import type { MailSource } from '../../../src/ports/mail';
import { fakeAt, graphAt } from './at-server';
import { seeds, type Seed } from './messages';
import { dovecot, ewsAccount, fakeEws, fakeGraph, graphAccount, imapAccount, pop3Account } from './servers';

export const TIMEOUT_MS = 10_000;

export interface SourceFixture {
  account: AccountCredentials;
  /** The folder holding the known messages. */
  folder: string;
  /** The messages seeded there, in server order; undefined for a file that holds what it holds. */
  seeded?: Seed[];
  /** How many messages the folder holds. */
  count: number;
  /** Folders the source must list, with their special use. */
  folders: Array<{ path: string; specialUse?: string }>;
  /** A ref that names no message of the folder (one gone meanwhile). */
  missingRef: string;
  /** What the source holds, read at the server without the port: flags by dedupe key, or a digest of the file. */
  state(): Promise<unknown>;
}

export interface SourceEntry {
  name: string;
  protocol: Protocol;
  /** "bytes": read() gives what was seeded, byte for byte; "rebuilt": RFC 5322 made from stored properties (PST). */
  gives: 'bytes' | 'rebuilt';
  /** Whether flags survive (POP3 has none). */
  keepsFlags: boolean;
  /** Where internalDate comes from: the server's received date, or the Date header (POP3). */
  date: 'received' | 'header';
  /** Whether size is the raw message's length (Exchange and PST report their own item sizes). */
  exactSize: boolean;
  start(): Promise<{ fixture(): Promise<SourceFixture> }>;
}

export async function openSource(account: AccountCredentials): Promise<MailSource> {
  const connector = await loadConnector(account.protocol);
  return connector.mailSource!(account, { timeoutMs: TIMEOUT_MS });
}

let seededSets = 0;

/** Seeds over IMAP into INBOX, in order; the account is then read over IMAP or POP3. */
async function seedImap(acc: AccountCredentials): Promise<Seed[]> {
  const known = seeds(`src${++seededSets}`, 6);
  await withImap(acc, async (c) => {
    for (const s of known) await c.append('INBOX', s.raw, s.flags, s.internalDate);
  });
  return known;
}

/** Flags at the server by dedupe key (read with the test's own connection, EXAMINE and no bodies). */
async function imapFlags(acc: AccountCredentials): Promise<Record<string, string[]>> {
  return withImap(acc, async (c) => {
    await c.mailboxOpen('INBOX', { readOnly: true });
    const out: Record<string, string[]> = {};
    for await (const m of c.fetch('1:*', { uid: true, flags: true, headers: DEDUPE_HEADER_FIELDS })) {
      out[dedupeKey(m.headers ?? '')] = [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort();
    }
    return out;
  });
}

function imapSource(name: string, flavour: DovecotFlavour): SourceEntry {
  return {
    name,
    protocol: 'imap',
    gives: 'bytes',
    keepsFlags: true,
    date: 'received',
    exactSize: true,
    async start() {
      const { server, fresh } = await dovecot(flavour);
      const p = server.prefix;
      return {
        async fixture() {
          const account = imapAccount(server, await fresh());
          const seeded = await seedImap(account);
          return {
            account,
            folder: 'INBOX',
            seeded,
            count: seeded.length,
            folders: [
              { path: 'INBOX', specialUse: '\\Inbox' },
              { path: `${p}Sent`, specialUse: '\\Sent' },
              { path: `${p}Drafts`, specialUse: '\\Drafts' },
              { path: `${p}Trash`, specialUse: '\\Trash' },
              { path: `${p}Junk`, specialUse: '\\Junk' },
            ],
            missingRef: '999999',
            state: () => imapFlags(account),
          };
        },
      };
    },
  };
}

const pop3Source: SourceEntry = {
  name: 'POP3 Dovecot',
  protocol: 'pop3',
  gives: 'bytes',
  keepsFlags: false,
  date: 'header',
  exactSize: true,
  async start() {
    const { server, fresh } = await dovecot('slash');
    return {
      async fixture() {
        const login = await fresh();
        const imap = imapAccount(server, login);
        const seeded = await seedImap(imap);
        return {
          account: pop3Account(server, login),
          folder: 'INBOX',
          seeded,
          count: seeded.length,
          folders: [{ path: 'INBOX', specialUse: '\\Inbox' }],
          missingRef: 'no-such-uidl',
          state: () => imapFlags(imap),
        };
      },
    };
  },
};

/** Exchange's well-known mail folders, as both its APIs (EWS and Graph) list them to a mail source. */
const EXCHANGE_FOLDERS = [
  { path: 'INBOX', specialUse: '\\Inbox' },
  { path: 'Sent Items', specialUse: '\\Sent' },
  { path: 'Drafts', specialUse: '\\Drafts' },
  { path: 'Deleted Items', specialUse: '\\Trash' },
  { path: 'Junk Email', specialUse: '\\Junk' },
  { path: 'Archive', specialUse: '\\Archive' },
];

/** The seeded messages into an Exchange-like fake's Inbox: \\Seen as read, \\Flagged as flagged, keywords as categories. */
function seedExchangeInbox(mailbox: { addMessage(folder: string, raw: Buffer, opts: { isRead: boolean; flagged: boolean; categories: string[]; receivedAt?: Date }): unknown }, seeded: ReturnType<typeof seeds>): void {
  for (const s of seeded) {
    const keywords = s.flags.filter((f) => !f.startsWith('\\'));
    mailbox.addMessage('Inbox', s.raw, { isRead: s.flags.includes('\\Seen'), flagged: s.flags.includes('\\Flagged'), categories: keywords, receivedAt: s.internalDate });
  }
}

const exchangeSource: SourceEntry = {
  name: 'Exchange (fake EWS)',
  protocol: 'ews',
  gives: 'bytes',
  keepsFlags: true,
  date: 'received',
  exactSize: false,
  async start() {
    const { fake, fresh } = await fakeEws();
    return {
      async fixture() {
        const account = ewsAccount(fake, await fresh());
        const mailbox = fake.mailbox(account.user);
        const seeded = seeds(`src${++seededSets}`, 6);
        seedExchangeInbox(mailbox, seeded);
        // An item of another mailbox: a ref this one does not hold.
        const elsewhere = fake.mailbox((await fresh()).user).addMessage('Inbox', seeded[0].raw);
        const inbox = mailbox.folderByPath('Inbox')!;
        return {
          account,
          folder: 'INBOX',
          seeded,
          count: seeded.length,
          folders: EXCHANGE_FOLDERS,
          missingRef: elsewhere.id,
          state: async () => Object.fromEntries(fakeAt.messages(mailbox, inbox.id).map((m) => [m.id, m.flags])),
        };
      },
    };
  },
};

const graphSource: SourceEntry = {
  name: 'Microsoft 365 (fake Graph)',
  protocol: 'graph',
  gives: 'bytes',
  keepsFlags: true,
  date: 'received',
  // PR_MESSAGE_SIZE is Exchange's own item size, not the MIME's length.
  exactSize: false,
  async start() {
    const { fake, fresh } = await fakeGraph();
    return {
      async fixture() {
        const account = graphAccount(fake, await fresh());
        const mailbox = fake.mailbox(account.user);
        const seeded = seeds(`src${++seededSets}`, 6);
        seedExchangeInbox(mailbox, seeded);
        // A message of another mailbox: a ref this one does not hold.
        const elsewhere = fake.mailbox((await fresh()).user).addMessage('Inbox', seeded[0].raw);
        const inbox = mailbox.folder('inbox')!;
        return {
          account,
          folder: 'INBOX',
          seeded,
          count: seeded.length,
          folders: EXCHANGE_FOLDERS,
          missingRef: elsewhere.id,
          state: async () => Object.fromEntries(graphAt.messages(mailbox, inbox.id).map((m) => [m.id, m.flags])),
        };
      },
    };
  },
};

const PST = fileURLToPath(new URL('../../../../shared/fixtures/pst/aspose-outlook.pst', import.meta.url));

const pstSource: SourceEntry = {
  name: 'PST file (aspose-outlook.pst)',
  protocol: 'pst',
  gives: 'rebuilt',
  keepsFlags: true,
  date: 'received',
  exactSize: false,
  async start() {
    return {
      async fixture() {
        return {
          account: { protocol: 'pst', host: 'file', port: 0, secure: false, insecure: false, user: 'aspose-outlook.pst', file: PST, password: '' },
          folder: 'Inbox',
          // As the fixture's README and test/pst-import.test.ts count them.
          count: 8,
          folders: [
            { path: 'Inbox', specialUse: '\\Inbox' },
            { path: 'Inbox/SubInbox' },
            { path: 'Sent Items', specialUse: '\\Sent' },
            { path: 'Deleted Items', specialUse: '\\Trash' },
            { path: 'Drafts', specialUse: '\\Drafts' },
            { path: 'Junk E-mail', specialUse: '\\Junk' },
            { path: 'Outbox' },
            { path: 'Custom Folder 1' },
            { path: 'Custom Folder 2' },
          ],
          missingRef: '987654321',
          state: async () => createHash('sha256').update(readFileSync(PST)).digest('hex'),
        };
      },
    };
  },
};

export const SOURCES: SourceEntry[] = [
  imapSource('IMAP Dovecot "/"', 'slash'),
  imapSource('IMAP Dovecot "." + INBOX. prefix', 'dot-inbox-prefix'),
  pop3Source,
  exchangeSource,
  graphSource,
  pstSource,
];
