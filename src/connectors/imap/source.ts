import type { AccountCredentials } from '../../ports/account';
import type { MailSource } from '../../ports/mail';
import type { OpenOptions } from '../../ports/connector';
import { closeImap, imapError, openImap } from './session';
import { countMessages, listFolders } from './folders';
import { readSources, scanFolder } from './messages';

/** An IMAP account as a mail source: folders are EXAMINEd, bodies read with BODY.PEEK[] (nothing changes there). */
export async function openImapSource(account: AccountCredentials, options: OpenOptions): Promise<MailSource> {
  const client = await openImap(account, { timeoutMs: options.timeoutMs });
  // A dropped connection becomes a TernError naming the server, which the task retries.
  const at = <T>(p: Promise<T>) =>
    p.catch((err: unknown) => {
      throw imapError(err, account);
    });
  return {
    folders: () => at(listFolders(client)),
    count: (folder) => at(countMessages(client, folder)),
    scan: async (folder) => (await at(scanFolder(client, folder))).messages,
    read: async function* (folder, refs) {
      try {
        for await (const m of readSources(client, folder, refs.map(Number))) yield { ref: String(m.uid), raw: m.source };
      } catch (err) {
        throw imapError(err, account);
      }
    },
    close: () => closeImap(client),
  };
}
