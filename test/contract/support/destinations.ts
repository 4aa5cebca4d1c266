// The mail destinations the contract runs against. An entry starts its server (once per file),
// gives a fresh account per test, opens the port through the registry, and reads and seeds the
// server directly, never through the port under test. A new destination = one entry here.
import type { DovecotFlavour } from '../../support/dovecot';
import { makeMessage, withImap } from '../../support/mailbox';
import { loadConnector } from '../../../src/connectors/registry';
import type { AccountCredentials, Protocol } from '../../../src/ports/account';
import type { DestinationFolder, MailDestination } from '../../../src/ports/mail';
import { fakeAt, graphAt, imapAt, type ServerMessage } from './at-server';
import { dovecot, ewsAccount, fakeEws, fakeGraph, graphAccount, imapAccount } from './servers';

export const TIMEOUT_MS = 10_000;

export interface DestinationTarget {
  /** A new, empty account: no test sees another's folders. */
  account(): Promise<AccountCredentials>;
  open(account: AccountCredentials): Promise<MailDestination>;
  /** Folder paths at the server, as the port names them. */
  folderPaths(account: AccountCredentials): Promise<string[]>;
  messages(account: AccountCredentials, folder: DestinationFolder): Promise<ServerMessage[]>;
  /** Puts someone else's message into the folder, straight at the server. */
  seed(account: AccountCredentials, folder: DestinationFolder, raw: Buffer): Promise<void>;
  /** Deletes and recreates the folder behind the port, so its ids change generation; absent where ids never change. */
  recreate?(account: AccountCredentials, folder: DestinationFolder): Promise<void>;
  /**
   * What a user may do to the folder after a task: delete it (IMAP: its messages go with it, and
   * remove() says "gone") or rename it (Exchange: ids still name the messages, remove() takes them).
   */
  displace(account: AccountCredentials, folder: DestinationFolder): Promise<'gone' | 'removed'>;
  /** A message this destination refuses (and why), or why it cannot be made to refuse one. */
  refusable: { raw: Buffer; why: string } | { none: string };
}

export interface DestinationEntry {
  name: string;
  protocol: Protocol;
  start(): Promise<DestinationTarget>;
}

async function open(account: AccountCredentials, pipelining: boolean): Promise<MailDestination> {
  const connector = await loadConnector(account.protocol);
  return connector.mailDestination!(account, { timeoutMs: TIMEOUT_MS, pipelining });
}

function imapEntry(name: string, flavour: DovecotFlavour, pipelining: boolean): DestinationEntry {
  return {
    name,
    protocol: 'imap',
    async start() {
      const { server, fresh } = await dovecot(flavour);
      return {
        account: async () => imapAccount(server, await fresh()),
        open: (a) => open(a, pipelining),
        folderPaths: (a) => imapAt.folders(a),
        messages: (a, folder) => imapAt.messages(a, folder.path),
        seed: (a, folder, raw) => withImap(a, async (c) => void (await c.append(folder.path, raw, ['\\Seen']))),
        recreate: (a, folder) =>
          withImap(a, async (c) => {
            await c.mailboxDelete(folder.path);
            await c.mailboxCreate(folder.path);
          }),
        displace: async (a, folder) => {
          await withImap(a, (c) => c.mailboxDelete(folder.path));
          return 'gone';
        },
        refusable: { raw: Buffer.alloc(0), why: "Dovecot answers NO: Can't save a zero byte message" },
      };
    },
  };
}

/** Above this, the fake answers HTTP 413 as IIS does: a message larger than that is refused alone. */
const EWS_MAX_REQUEST = 48 * 1024;

const exchangeFake: DestinationEntry = {
  name: 'Exchange (fake EWS)',
  protocol: 'ews',
  async start() {
    const { fake, fresh } = await fakeEws({ maxRequestBytes: EWS_MAX_REQUEST });
    const mailbox = (a: AccountCredentials) => fake.mailbox(a.user);
    return {
      account: async () => ewsAccount(fake, await fresh()),
      open: (a) => open(a, true),
      folderPaths: async (a) => fakeAt.folders(mailbox(a)).map((f) => f.path),
      messages: async (a, folder) => fakeAt.messages(mailbox(a), folder.id),
      seed: async (a, folder, raw) => void mailbox(a).addMessage(fakeAt.seedPath(mailbox(a), folder.id), raw, { isRead: true }),
      // ItemIds never change (generation ""): nothing to recreate.
      displace: async (a, folder) => {
        const box = mailbox(a);
        box.renameFolder(fakeAt.seedPath(box, folder.id), 'Renamed by the user');
        return 'removed';
      },
      refusable: { raw: makeMessage({ subject: 'too large for the server', bodyBytes: 64 * 1024 }), why: 'larger than the server takes in one request (HTTP 413)' },
    };
  },
};

const graphFake: DestinationEntry = {
  name: 'Microsoft 365 (fake Graph)',
  protocol: 'graph',
  async start() {
    const { fake, fresh } = await fakeGraph();
    const mailbox = (a: AccountCredentials) => fake.mailbox(a.user);
    return {
      account: async () => graphAccount(fake, await fresh()),
      open: (a) => open(a, true),
      folderPaths: async (a) => graphAt.folders(mailbox(a)).map((f) => f.path),
      messages: async (a, folder) => graphAt.messages(mailbox(a), folder.id),
      seed: async (a, folder, raw) => {
        const box = mailbox(a);
        box.addMessage(box.pathOf(box.folder(folder.id)!), raw, { isRead: true });
      },
      // Graph ids never change (generation ""): nothing to recreate.
      displace: async (a, folder) => {
        mailbox(a).folder(folder.id)!.displayName = 'Renamed by the user';
        return 'removed';
      },
      refusable: { raw: Buffer.alloc(0), why: 'Graph answers 400 ErrorMimeContentInvalidBase64String to empty MIME content' },
    };
  },
};

export const DESTINATIONS: DestinationEntry[] = [
  imapEntry('IMAP Dovecot "/" (pipelined APPEND)', 'slash', true),
  imapEntry('IMAP Dovecot "." + INBOX. prefix (pipelined APPEND)', 'dot-inbox-prefix', true),
  imapEntry('IMAP Dovecot "/" (serial APPEND, pipelining off)', 'slash', false),
  exchangeFake,
  graphFake,
];
