import type { FolderTree } from '../../ports/mail';
import type { ImapSession } from './session';

export async function listFolders(client: ImapSession): Promise<FolderTree> {
  // A full list(): with listOnly imapflow drops INBOX and the SPECIAL-USE flags on some servers.
  // With LIST-STATUS (RFC 5819) every folder's state comes in the same round trip; without it,
  // asking would cost a STATUS per folder, so it is left to whoever needs a folder's state.
  const withStatus = client.capabilities.has('LIST-STATUS');
  const listed = await client.list(withStatus ? { statusQuery: { messages: true, uidNext: true, uidValidity: true, highestModseq: true } } : undefined);
  const ns = client.namespace;
  const delimiter = ns?.delimiter || listed.find((f) => f.delimiter)?.delimiter || '/';
  const folders = listed.map((f) => ({
    path: f.path,
    delimiter: f.delimiter || delimiter,
    // \Important (RFC 8457, Gmail's) is not among the uses imapflow knows.
    specialUse: f.specialUse || (f.flags.has('\\Important') ? '\\Important' : undefined),
    specialUseFromServer: f.specialUseSource === 'extension' || f.path.toUpperCase() === 'INBOX',
    selectable: !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent'),
    ...(f.status?.uidValidity !== undefined && f.status.uidNext !== undefined
      ? { state: { generation: String(f.status.uidValidity), next: f.status.uidNext, count: f.status.messages ?? 0, ...(f.status.highestModseq === undefined ? {} : { modseq: String(f.status.highestModseq) }) } }
      : {}),
  }));
  // INBOX always exists, listed or not.
  if (!folders.some((f) => f.path === 'INBOX')) folders.unshift({ path: 'INBOX', delimiter, specialUse: '\\Inbox', specialUseFromServer: true, selectable: true });
  return { prefix: ns?.prefix ?? '', delimiter, folders };
}

/** CREATE; a folder that is there already (ALREADYEXISTS, which imapflow mostly answers itself) is fine. */
export async function createFolder(client: ImapSession, path: string): Promise<void> {
  try {
    await client.mailboxCreate(path);
  } catch (err) {
    if ((err as { serverResponseCode?: string }).serverResponseCode !== 'ALREADYEXISTS') throw err;
  }
}

/** True when the server refused a folder name as invalid (as opposed to a transient failure). */
export function isInvalidNameError(err: unknown): boolean {
  const e = err as { serverResponseCode?: string; responseText?: string };
  return e?.serverResponseCode === 'CANNOT' || /invalid mailbox name|not allowed|illegal/i.test(e?.responseText ?? '');
}

export async function deleteFolder(client: ImapSession, path: string): Promise<void> {
  await client.mailboxDelete(path);
}

/** Message count of a folder, from STATUS. */
export async function countMessages(client: ImapSession, path: string): Promise<number> {
  const status = await client.status(path, { messages: true });
  return status ? (status.messages ?? 0) : 0;
}
