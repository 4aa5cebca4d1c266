import type { AccountCredentials } from '../../ports/account';
import type { OpenOptions } from '../../ports/connector';
import type { MailSource } from '../../ports/mail';
import { TernError } from '../../errors';
import { GraphFolders } from './folders';
import { GraphHttp } from './http';
import { readDelta } from './delta';
import { dedupeKeysOf, fetchMime, type GraphMessageSummary } from './messages';
import { exchangeSummary } from '../exchange-mail';
import { openItemExport } from './mailbox-import-export';

/** $value reads in flight at once: the mailbox takes 4 requests at a time in all. */
const READ_AHEAD = 4;

/**
 * A Microsoft 365 mailbox's mail folders as a mail source, through Graph. Messages are read as
 * MIME by $value; read state and the follow-up flag become \Seen and \Flagged, categories become
 * keywords (and are kept as they are too). Folders are listed by `messages/delta`, and a re-run
 * reads only what changed since the deltaLink the last pass ended on.
 */
export async function openGraphMailSource(account: AccountCredentials, options: OpenOptions): Promise<MailSource> {
  const http = new GraphHttp(account, options.timeoutMs);
  let loaded: Promise<GraphFolders> | undefined;
  const folders = () => (loaded ??= GraphFolders.load(http));
  await folders();
  const folderAt = async (path: string) => {
    const found = (await folders()).find(path);
    if (!found) throw new TernError('PROTOCOL_ERROR', `The folder "${path}" of ${http.mailbox} disappeared during the migration.`, { retryable: true });
    return found;
  };
  /** Per folder, the deltaLink its last scan or delta round ended on. */
  const cursors = new Map<string, string>();
  const summaries = async (listed: GraphMessageSummary[]) => {
    const keys = await dedupeKeysOf(http, listed);
    return listed.map((m) => exchangeSummary(m, keys.get(m.id)!));
  };
  return {
    folders: async () => (await folders()).tree(),
    count: async (path) => (await folderAt(path)).totalItemCount,
    // The folder's id is its generation: a folder deleted and made again is another one.
    state: async (path) => {
      const f = await folderAt(path);
      return { generation: f.id, next: 0, count: f.totalItemCount };
    },
    // A scan is a delta round from the start: the same listing, and the deltaLink the next pass starts from.
    scan: async (path) => {
      const round = await readDelta(http, (await folderAt(path)).id);
      if (!round) throw new TernError('PROTOCOL_ERROR', `Microsoft Graph lost the sync state of the folder "${path}" of ${http.mailbox} while it was being listed.`, { retryable: true });
      cursors.set(path, round.deltaLink);
      return summaries(round.messages);
    },
    // Only what the deltaLink of the last pass says changed; nothing when it expired or something went (the folder is then compared in full).
    changes: async (path, since) => {
      if (!since.cursor) return undefined;
      const round = await readDelta(http, (await folderAt(path)).id, since.cursor);
      if (!round || round.removed.length > 0) return undefined;
      cursors.set(path, round.deltaLink);
      return { added: await summaries(round.messages), flags: [] };
    },
    cursor: (path) => cursors.get(path),
    read: async function* (_path, refs) {
      for (let i = 0; i < refs.length; i += READ_AHEAD) {
        const batch = refs.slice(i, i + READ_AHEAD);
        const bytes = await Promise.all(batch.map((ref) => fetchMime(http, ref)));
        for (let k = 0; k < batch.length; k++) if (bytes[k]) yield { ref: batch[k], raw: bytes[k]! };
      }
    },
    // Between two Microsoft 365 mailboxes: items exported whole (app-only sign-ins).
    itemExport: () => openItemExport(http),
    close: async () => {},
  };
}
