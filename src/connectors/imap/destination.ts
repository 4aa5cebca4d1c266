import type { AccountCredentials } from '../../ports/account';
import type { FolderTree, MailDestination } from '../../ports/mail';
import type { OpenOptions } from '../../ports/connector';
import { closeImap, openImap, type ImapSession } from './session';
import { imapError } from './imap-error';
import { countMessages, createFolder, deleteFolder, listFolders } from './folders';
import { deleteMessages, findByKey, folderState, scanFolder, setFlags } from './messages';
import { AppendRefused, openAppendPipe, type AppendPipe } from './append-pipe';
import { FolderMaker } from './ensure-folder';
import { pendingPipeLane, serialLane } from './write-lane';

/**
 * An IMAP account as a mail destination. Ids are UIDs (as text), valid for the folder's
 * UIDVALIDITY (the generation); a folder's id is its path. Destination folders are SELECTed, as
 * only SELECT says which keywords a folder stores.
 */
export async function openImapDestination(account: AccountCredentials, options: OpenOptions): Promise<MailDestination> {
  // Opened to write: the append pipe logs in alongside the session (each login costs round trips).
  let early = options.pipelining && options.copyLane ? openAppendPipe(account, options.timeoutMs) : undefined;
  early?.catch(() => {});
  const dropEarly = () => {
    void early?.then((p) => p?.close()).catch(() => {});
    early = undefined;
  };
  let client: ImapSession;
  try {
    client = await openImap(account, { timeoutMs: options.timeoutMs });
  } catch (err) {
    dropEarly();
    throw err;
  }
  const at = <T>(p: Promise<T>) =>
    p.catch((err: unknown) => {
      throw imapError(err, account);
    });
  // The lane's append pipe, once asked for: folders are created on it too, pipelined (one round
  // trip for all the folders of one depth rather than two per folder on the session).
  let pipe: Promise<AppendPipe | undefined> | undefined;
  const create = async (path: string) => {
    const pipelined = await pipe?.catch(() => undefined);
    if (pipelined) await createOnPipe(pipelined, path);
    else await createFolder(client, path);
  };
  // A folder's state from the pipe's connection, which selects none (one round trip, no NOOP);
  // undefined without a pipe, or when its answer could not be read: the session asks then.
  const stateOnPipe = async (path: string) => {
    const pipelined = await pipe?.catch(() => undefined);
    return pipelined?.folderStatus(path).catch(() => undefined);
  };
  // Folders are made from the first listing (the planner's, when it asked): no second LIST.
  let maker: Promise<FolderMaker> | undefined;
  const makerFrom = (tree: Promise<FolderTree>) => {
    maker = tree.then((t) => new FolderMaker(t, create));
    maker.catch(() => (maker = undefined));
    return maker;
  };
  const folders = () => maker ?? makerFrom(listFolders(client));
  return {
    keepsMarks: false,
    folders: () => {
      const tree = listFolders(client);
      if (!maker) makerFrom(tree);
      return at(tree);
    },
    ensureFolder: async (path, created) => {
      const { path: real, note } = await at((await at(folders())).ensure(path, created));
      return { folder: { path: real, id: real }, note };
    },
    findFolder: async (path) => {
      const tree = await at(listFolders(client));
      return tree.folders.some((f) => f.path === path) ? { path, id: path } : undefined;
    },
    scan: async (folder, scanOptions) => {
      const scanned = await at(scanFolder(client, folder.path, { readOnly: scanOptions?.readOnly ?? false }));
      return {
        generation: scanned.uidValidity,
        watermark: scanned.uidNext,
        permanentFlags: scanned.permanentFlags,
        messages: scanned.messages.map((m) => ({ id: String(m.uid), dedupeKey: m.dedupeKey, position: m.uid })),
      };
    },
    openLane: async () => {
      if (!options.pipelining) return serialLane(client, account);
      const opening = early ?? openAppendPipe(account, options.timeoutMs);
      early = undefined;
      pipe ??= opening;
      return pendingPipeLane(opening, client, account);
    },
    findByKey: async (folder, key, watermark) => {
      return (await at(findByKey(client, folder.path, key, watermark))).map(String);
    },
    count: async (folder) => {
      const onPipe = await stateOnPipe(folder.path);
      if (onPipe) return onPipe.count;
      // Writes may have come through other connections: NOOP brings a selected folder's view up to date first.
      await at(client.noop());
      return at(countMessages(client, folder.path));
    },
    state: async (folder) => {
      const onPipe = await stateOnPipe(folder.path);
      if (onPipe) return onPipe;
      // As for count: a folder selected here is brought up to date with writes from other connections first.
      if (client.mailbox && client.mailbox.path === folder.path) await at(client.noop());
      return at(folderState(client, folder.path));
    },
    setFlags: (folder, changes) => {
      return at(setFlags(client, folder.path, changes.map(([id, flags]) => [Number(id), flags])));
    },
    remove: (folder, generation, ids) => {
      return at(deleteMessages(client, folder.path, generation, ids.map(Number)));
    },
    removeFolderIfEmpty: (folder) =>
      at(
        (async () => {
          const listed = await client.list();
          if (!listed.some((f) => f.path === folder.path)) return { removed: true as const };
          const left = await countMessages(client, folder.path);
          if (left > 0) return { removed: false as const, holds: `${left} message(s)` };
          if (listed.some((f) => f.path !== folder.path && f.path.startsWith(folder.path + f.delimiter))) return { removed: false as const, holds: 'folders' };
          // Checked after the DELETE, and asked again when it is still there: under load Dovecot has
          // been seen to answer OK and keep an emptied folder.
          for (let attempt = 1; ; attempt++) {
            await deleteFolder(client, folder.path);
            if (!(await client.list()).some((f) => f.path === folder.path && !f.flags.has('\\NonExistent'))) break;
            if (attempt === 3) return { removed: false as const, holds: 'nothing, but the server kept it when asked to delete it' };
            await new Promise((r) => setTimeout(r, 200 * attempt));
          }
          (await maker)?.forget(folder.path);
          return { removed: true as const };
        })(),
      ),
    quota: async () => {
      if (!client.capabilities.has('QUOTA')) return undefined;
      const found = await client.getQuota('INBOX').catch(() => false as const);
      const storage = found ? found.storage : undefined;
      return storage?.limit ? { usedBytes: storage.usage ?? 0, limitBytes: storage.limit } : undefined;
    },
    messageSizeLimit: async () => {
      // RFC 7889; imapflow keeps APPENDLIMIT=N as the number N.
      const limit = client.capabilities.get('APPENDLIMIT');
      return typeof limit === 'number' && limit > 0 ? limit : undefined;
    },
    close: () => {
      dropEarly();
      return closeImap(client);
    },
  };
}

/** CREATE on the pipe, then SUBSCRIBE behind it unawaited (a courtesy to mail clients that show only subscribed folders). */
async function createOnPipe(pipe: AppendPipe, path: string): Promise<void> {
  try {
    await pipe.folderCommand('CREATE', path);
  } catch (err) {
    if (!(err instanceof AppendRefused)) throw err;
    // Answered as imapflow's refusals are, so FolderMaker tells a refused name from the rest.
    if (err.code !== 'ALREADYEXISTS') throw Object.assign(new Error(`CREATE refused: ${err.responseText}`), { responseStatus: err.responseStatus, responseText: err.responseText, serverResponseCode: err.code });
  }
  pipe.folderCommand('SUBSCRIBE', path).catch(() => {});
}
