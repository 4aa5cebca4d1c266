import type { FolderInfo, FolderTree, MailSource, MessageSummary } from '../../ports/mail';

/**
 * Gmail over IMAP shows labels as folders: a message with three labels is in three folders, and
 * every message (but Spam and Trash) is in [Gmail]/All Mail once more. Starred and Important are
 * folders too. Copied as they are, a mailbox would land with each message once per label plus
 * once in "All Mail", and two folders that are really flags. This view of a Gmail source:
 *  - keeps labels as folders (nested labels use "/", as Gmail lists them);
 *  - maps [Gmail]/Sent Mail, Drafts, Spam, Trash to the destination's special folders;
 *  - lists All Mail as the archive: only messages with no other label are copied from it;
 *  - hides Starred and Important, whose messages get \Flagged and $Important wherever they land.
 */

/** The keyword Gmail's Important label becomes (Thunderbird and others show it). */
export const IMPORTANT_KEYWORD = '$Important';

interface GmailLayout {
  root: string;
  allMail: string;
  starred?: string;
  important?: string;
}

/** Gmail's layout, when the tree is one: a \All folder under "[Gmail]" (or "[Google Mail]" in some countries). */
export function gmailLayout(tree: FolderTree): GmailLayout | undefined {
  const under = (f: FolderInfo) => /^\[(Gmail|Google Mail)\]$/.test(f.path.split(f.delimiter)[0]) && f.path.includes(f.delimiter);
  const allMail = tree.folders.find((f) => f.specialUse === '\\All' && under(f));
  if (!allMail) return undefined;
  const find = (use: string) => tree.folders.find((f) => f.specialUse === use && under(f))?.path;
  return { root: allMail.path.split(allMail.delimiter)[0], allMail: allMail.path, starred: find('\\Flagged'), important: find('\\Important') };
}

/**
 * The Gmail view of an IMAP source with Gmail's layout (see above). It has no state() or
 * changes(): a folder's messages depend on the other folders' labels, so none can be taken as
 * unchanged from its own state, and re-runs compare every folder in full.
 */
export function gmailView(source: MailSource, gmail: GmailLayout): MailSource {
  // Keys of the Starred and Important folders, and of every labelled message (All Mail excepted), read once.
  const keysOf = new Map<string, Promise<Set<string>>>();
  const keys = (folder: string) => {
    let pending = keysOf.get(folder);
    if (!pending) keysOf.set(folder, (pending = source.scan(folder).then((ms) => new Set(ms.map((m) => m.dedupeKey)))));
    return pending;
  };
  let labelled: Promise<Set<string>> | undefined;
  const labelledKeys = () =>
    (labelled ??= source.folders().then(async (tree) => {
      const all = new Set<string>();
      const hidden = new Set([gmail.allMail, gmail.starred, gmail.important]);
      for (const f of tree.folders.filter((f) => f.selectable && !hidden.has(f.path))) for (const k of await keys(f.path)) all.add(k);
      return all;
    }));

  const withGmailFlags = async (messages: MessageSummary[]) => {
    const starred = gmail.starred ? await keys(gmail.starred) : new Set<string>();
    const important = gmail.important ? await keys(gmail.important) : new Set<string>();
    return messages.map((m) => {
      const flags = new Set(m.flags);
      if (starred.has(m.dedupeKey)) flags.add('\\Flagged');
      if (important.has(m.dedupeKey)) flags.add(IMPORTANT_KEYWORD);
      return flags.size === m.flags.length ? m : { ...m, flags: [...flags] };
    });
  };

  return {
    async folders() {
      const tree = await source.folders();
      const folders = tree.folders
        .filter((f) => f.path !== gmail.starred && f.path !== gmail.important && f.path !== gmail.root)
        .map(({ state: _state, ...f }) => (f.path === gmail.allMail ? { ...f, specialUse: '\\Archive', preferredName: 'Archive' } : f));
      return { ...tree, folders, systemRoot: gmail.root };
    },
    count: (folder) => source.count(folder),
    async scan(folder) {
      const messages = await source.scan(folder);
      if (folder !== gmail.allMail) return withGmailFlags(messages);
      const elsewhere = await labelledKeys();
      return withGmailFlags(messages.filter((m) => !elsewhere.has(m.dedupeKey)));
    },
    read: (folder, refs) => source.read(folder, refs),
    ...(source.folderNote ? { folderNote: source.folderNote.bind(source) } : {}),
    close: () => source.close(),
  };
}
