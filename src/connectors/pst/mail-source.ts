import type { AccountCredentials } from '../../ports/account';
import type { MailSource } from '../../ports/mail';
import { dedupeKey } from '../../ports/dedupe-key';
import { openPst, PST_DELIMITER } from './client';

/**
 * A PST file (the stored upload) as a mail source, read in its own thread. Messages are rebuilt as
 * RFC 5322 when read; their dedupe key is their Message-ID (original, or a stable one derived
 * from the item), so a re-import finds them at the destination. An item the PST lists but cannot
 * give is scanned with a key nothing matches and left out when read, so the step counts it failed.
 */
export async function openPstMailSource(account: AccountCredentials): Promise<MailSource> {
  const pst = await openPst(account.file!, account.user);
  const folderOf = async (path: string) => (await pst.folders()).find((f) => f.path === path);
  return {
    folders: async () => ({
      prefix: '',
      delimiter: PST_DELIMITER,
      folders: (await pst.folders()).map((f) => ({ path: f.path, delimiter: PST_DELIMITER, specialUse: f.specialUse, specialUseFromServer: false, selectable: true })),
    }),
    count: async (folder) => (await folderOf(folder))?.count ?? 0,
    scan: async (folder) =>
      (await pst.scan(folder)).map((m) => ({
        ref: m.ref,
        size: m.size,
        flags: m.flags,
        internalDate: m.internalDate ? new Date(m.internalDate) : undefined,
        dedupeKey: m.unreadable ? `unreadable:${m.ref}` : dedupeKey(`Message-ID: ${m.messageId}\r\n\r\n`),
      })),
    read: async function* (folder, refs) {
      // The reader thread rebuilds a few messages per request: fewer round trips to it, little memory.
      for (let i = 0; i < refs.length; i += READ_BATCH) {
        for (const [ref, raw] of await pst.fetch(folder, refs.slice(i, i + READ_BATCH))) yield { ref, raw };
      }
    },
    // The reader words it for the user: which part is damaged and what to do.
    folderNote: async (folder) => (await folderOf(folder))?.problem,
    close: () => pst.close(),
  };
}

const READ_BATCH = 20;
