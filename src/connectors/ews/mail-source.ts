import type { AccountCredentials } from '../../ports/account';
import type { MailSource, MessageSummary } from '../../ports/mail';
import type { OpenOptions } from '../../ports/connector';
import { TernError } from '../../errors';
import { openEws } from './open';
import { ExchangeFolders, mailTree } from './folder-index';
import { dedupeKeysOf } from './dedupe';
import type { EwsMessageSummary, EwsSession } from './types';
import { exchangeSummary } from '../exchange-mail';

/** GetItem with MIME: a few messages per request (the answers carry whole messages). */
const READ_BATCH = 20;

/**
 * An Exchange mailbox's mail folders as a mail source. Read state and the follow-up flag become
 * \Seen and \Flagged, categories become keywords (and are kept as they are too).
 */
export async function openExchangeMailSource(account: AccountCredentials, options: OpenOptions): Promise<MailSource> {
  const ews = await openEws(account, options);
  let loaded: Promise<ExchangeFolders> | undefined;
  const folders = () => (loaded ??= ExchangeFolders.load(ews));
  const folderAt = async (path: string) => {
    const found = (await folders()).find(path);
    if (!found) throw new TernError('PROTOCOL_ERROR', `The Exchange folder "${path}" of ${account.host} disappeared during the migration.`, { retryable: true });
    return found;
  };
  return {
    folders: async () => mailTree((await folders()).all),
    count: async (path) => (await folderAt(path)).totalCount,
    scan: async (path) => summariesOf(ews, await ews.scanMessages((await folderAt(path)).id)),
    read: async function* (_path, refs) {
      for (let i = 0; i < refs.length; i += READ_BATCH) {
        for (const [ref, raw] of await ews.fetchMime(refs.slice(i, i + READ_BATCH))) yield { ref, raw };
      }
    },
    close: () => ews.close(),
  };
}

async function summariesOf(ews: EwsSession, messages: EwsMessageSummary[]): Promise<MessageSummary[]> {
  const keys = await dedupeKeysOf(ews, messages);
  return messages.map((m) => exchangeSummary(m, keys.get(m.id)!));
}
