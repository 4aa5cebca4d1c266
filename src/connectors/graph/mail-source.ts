import type { AccountCredentials } from '../../ports/account';
import type { OpenOptions } from '../../ports/connector';
import type { MailSource } from '../../ports/mail';
import { TernError } from '../../errors';
import { GraphFolders } from './folders';
import { GraphHttp } from './http';
import { dedupeKeysOf, fetchMime, scanMessages } from './messages';
import { exchangeSummary } from '../exchange-mail';

/** $value reads in flight at once: the mailbox takes 4 requests at a time in all. */
const READ_AHEAD = 4;

/**
 * A Microsoft 365 mailbox's mail folders as a mail source, through Graph. Messages are read as
 * MIME by $value; read state and the follow-up flag become \Seen and \Flagged, categories become
 * keywords (and are kept as they are too).
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
  return {
    folders: async () => (await folders()).tree(),
    count: async (path) => (await folderAt(path)).totalItemCount,
    scan: async (path) => {
      const listed = await scanMessages(http, (await folderAt(path)).id);
      const keys = await dedupeKeysOf(http, listed);
      return listed.map((m) => exchangeSummary(m, keys.get(m.id)!));
    },
    read: async function* (_path, refs) {
      for (let i = 0; i < refs.length; i += READ_AHEAD) {
        const batch = refs.slice(i, i + READ_AHEAD);
        const bytes = await Promise.all(batch.map((ref) => fetchMime(http, ref)));
        for (let k = 0; k < batch.length; k++) if (bytes[k]) yield { ref: batch[k], raw: bytes[k]! };
      }
    },
    close: async () => {},
  };
}
