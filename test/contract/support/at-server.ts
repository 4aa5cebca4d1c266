// What a server really holds, read without the port under test: over IMAP with imapflow (the
// test's own connection), or straight from the fake Exchange's store.
import type { FakeMailbox } from '../../fakes/ews';
import type { FakeGraphMailbox } from '../../fakes/graph';
import { withImap, type Account } from '../../support/mailbox';

/** A stored message as the contract compares it: id in the port's terms, bytes, IMAP-style flags. */
export interface ServerMessage {
  id: string;
  raw: Buffer;
  /** \Seen, \Flagged and keywords (Exchange: read state, follow-up flag, categories). */
  flags: string[];
  internalDate?: Date;
}

export const imapAt = {
  async folders(acc: Account): Promise<string[]> {
    return withImap(acc, async (c) => (await c.list()).filter((f) => !f.flags.has('\\NonExistent')).map((f) => f.path));
  },

  async messages(acc: Account, path: string): Promise<ServerMessage[]> {
    return withImap(acc, async (c) => {
      const box = await c.mailboxOpen(path, { readOnly: true });
      const out: ServerMessage[] = [];
      if (box.exists === 0) return out;
      for await (const m of c.fetch('1:*', { uid: true, source: true, flags: true, internalDate: true }, { uid: true })) {
        out.push({
          id: String(m.uid),
          raw: m.source!,
          flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
          internalDate: m.internalDate ? new Date(m.internalDate) : undefined,
        });
      }
      return out;
    });
  },

  async uidValidity(acc: Account, path: string): Promise<string> {
    return withImap(acc, async (c) => String((await c.mailboxOpen(path, { readOnly: true })).uidValidity));
  },
};

/** The engine's name of an Exchange folder: "/"-joined display names, the Inbox as "INBOX". */
function enginePaths(mb: FakeMailbox): Map<string, string> {
  const folders = mb.folders();
  const byId = new Map(folders.map((f) => [f.id, f]));
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const f = byId.get(id)!;
    if (f.distinguishedId === 'msgfolderroot') return '';
    if (f.distinguishedId === 'inbox') return 'INBOX';
    const parent = f.parentId ? pathOf(f.parentId) : '';
    return parent ? `${parent}/${f.displayName}` : f.displayName;
  };
  for (const f of folders) if (f.distinguishedId !== 'msgfolderroot') paths.set(f.id, pathOf(f.id));
  return paths;
}

const tagText = (xml: string, tag: string) => new RegExp(`<t:${tag}>([^<]*)</t:${tag}>`).exec(xml)?.[1];

export const fakeAt = {
  /** Folder paths as the port names them, with their folder class. */
  folders(mb: FakeMailbox): Array<{ path: string; id: string; folderClass: string }> {
    const paths = enginePaths(mb);
    return mb.folders().flatMap((f) => (paths.has(f.id) ? [{ path: paths.get(f.id)!, id: f.id, folderClass: f.folderClass }] : []));
  },

  /** The fake's own path (display names below the root) of a folder, for seeding. */
  seedPath(mb: FakeMailbox, folderId: string): string {
    return enginePaths(mb).get(folderId)!.replace(/^INBOX(?=\/|$)/, 'Inbox');
  },

  messages(mb: FakeMailbox, folderId: string): ServerMessage[] {
    return mb
      .items()
      .filter((i) => i.folderId === folderId && i.type === 'Message')
      .map((i) => {
        const categories = [...(/<t:Categories>(.*?)<\/t:Categories>/.exec(i.xml)?.[1] ?? '').matchAll(/<t:String>([^<]*)<\/t:String>/g)].map((m) => m[1]);
        const flagged = /<t:Flag>\s*<t:FlagStatus>Flagged</.test(i.xml);
        const received = tagText(i.xml, 'DateTimeReceived');
        return {
          id: i.id,
          raw: i.mime ?? Buffer.alloc(0),
          flags: [...(i.isRead ? ['\\Seen'] : []), ...(flagged ? ['\\Flagged'] : []), ...categories].sort(),
          internalDate: received ? new Date(received) : undefined,
        };
      });
  },
};

/** What the fake Graph holds, straight from its store. */
export const graphAt = {
  /** Folder paths as the port names them (Inbox as "INBOX"). */
  folders(mb: FakeGraphMailbox): Array<{ path: string; id: string }> {
    return [...mb.folders.values()].filter((f) => f !== mb.root).map((f) => ({ path: mb.pathOf(f).replace(/^Inbox(?=\/|$)/, 'INBOX'), id: f.id }));
  },

  messages(mb: FakeGraphMailbox, folderId: string): ServerMessage[] {
    return mb.messagesIn(folderId).map((m) => {
      const received = m.extended.get('systemtime 0x0e06');
      return {
        id: m.id,
        raw: m.mime,
        flags: [...((mb.flagsOf(m) & 1) !== 0 ? ['\\Seen'] : []), ...(m.flagStatus === 'flagged' ? ['\\Flagged'] : []), ...m.categories].sort(),
        internalDate: received ? new Date(received) : undefined,
      };
    });
  },
};
