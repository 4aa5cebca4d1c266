import type { AccountCredentials } from '../../ports/account';
import type { FolderTree, MailSource } from '../../ports/mail';
import type { OpenOptions } from '../../ports/connector';
import { closeImap, openImap } from './session';
import { imapError } from './imap-error';
import { countMessages, listFolders } from './folders';
import { gmailLayout, gmailView } from './gmail';
import { changesSince, folderState, readOneSource, readSources, scanFolder, SPOOL_BYTES } from './messages';
import { openFetchPipe } from './fetch-pipe';
import { dedupeKey, DEDUPE_HEADER_FIELDS } from '../../ports/dedupe-key';

/** An IMAP account as a mail source: folders are EXAMINEd, bodies read with BODY.PEEK[] (nothing changes there). */
export async function openImapSource(account: AccountCredentials, options: OpenOptions): Promise<MailSource> {
  // A copy lane reads message sources on a connection of their own (fetch-pipe.ts), logging in
  // alongside the session; a server the pipe does not suit, or that refuses it, is read through
  // the session, as everything is with pipelining off (TERN_IMAP_PIPELINING=0).
  const fetchPipe = options.copyLane && options.pipelining ? openFetchPipe(account, options.timeoutMs).catch(() => undefined) : undefined;
  const client = await openImap(account, { timeoutMs: options.timeoutMs }).catch(async (err: unknown) => {
    await (await fetchPipe)?.close();
    throw err;
  });
  // A dropped connection becomes a TernError naming the server, which the task retries.
  const at = <T>(p: Promise<T>) =>
    p.catch((err: unknown) => {
      throw imapError(err, account);
    });
  // The listing taken at open (to recognise Gmail) answers the first folders() too: the planner asks right away.
  let opening: Promise<FolderTree> | undefined;
  const source: MailSource = {
    folders: () => {
      const listed = opening ?? listFolders(client);
      opening = undefined;
      return at(listed);
    },
    count: (folder) => at(countMessages(client, folder)),
    scan: async (folder) => {
      const pipe = await fetchPipe;
      if (!pipe?.usable) return (await at(scanFolder(client, folder))).messages;
      const scanned = await pipe.scan(folder, DEDUPE_HEADER_FIELDS).catch((err: unknown) => {
        throw imapError(err, account);
      });
      return scanned.map((m) => ({ uid: m.uid, ref: String(m.uid), size: m.size, flags: m.flags, internalDate: m.internalDate, dedupeKey: dedupeKey(m.header) }));
    },
    state: (folder) => at(folderState(client, folder)),
    changes: (folder, since) => at(changesSince(client, folder, since)),
    read: async function* (folder, refs) {
      // FETCH answers in UID order, the port promises the order asked: a message that comes before
      // its turn waits (at most one request's worth); one that never comes (gone) is left out.
      const uids = refs.map(Number);
      // A batch of one is a message too large to share a batch (or a folder's last): on the pipe in
      // one FETCH, spooled to disk as it arrives when large; through the session, in pieces.
      const pipe = await fetchPipe;
      if (uids.length === 1) {
        const raw = await at(pipe?.usable ? pipe.readOne(folder, uids[0], SPOOL_BYTES) : readOneSource(client, folder, uids[0]));
        if (raw) yield { ref: refs[0], raw };
        return;
      }
      const early = new Map<number, Buffer>();
      let next = 0;
      try {
        for await (const m of pipe?.usable ? pipe.read(folder, uids) : readSources(client, folder, uids)) {
          early.set(m.uid, m.source);
          while (next < uids.length && early.has(uids[next])) {
            const uid = uids[next++];
            const raw = early.get(uid)!;
            early.delete(uid);
            yield { ref: String(uid), raw };
          }
        }
      } catch (err) {
        throw imapError(err, account);
      }
      for (; next < uids.length; next++) {
        const raw = early.get(uids[next]);
        if (raw) yield { ref: String(uids[next]), raw };
      }
    },
    close: async () => {
      await Promise.all([closeImap(client), fetchPipe?.then((pipe) => pipe?.close())]);
    },
  };
  // Gmail lists labels as folders: its own view copies each message once per label, not once more from All Mail.
  opening = listFolders(client);
  const gmail = gmailLayout(await at(opening).catch(async (err) => {
    await source.close();
    throw err;
  }));
  return gmail ? gmailView(source, gmail) : source;
}
