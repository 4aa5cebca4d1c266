import type { AccountCredentials } from '../../ports/account';
import type { MailSource, MessageSummary } from '../../ports/mail';
import type { OpenOptions } from '../../ports/connector';
import { openPop3 } from './session';

/** A POP3 maildrop as a mail source: one INBOX, no flags, messages read whole with TOP (RETR would mark them read). */
export async function openPop3Source(account: AccountCredentials, options: OpenOptions): Promise<MailSource> {
  const pop = await openPop3(account, { timeoutMs: options.timeoutMs });
  let listing: Promise<MessageSummary[]> | undefined;
  const list = () => (listing ??= pop.list());
  return {
    folders: async () => ({ prefix: '', delimiter: '/', folders: [{ path: 'INBOX', delimiter: '/', specialUse: '\\Inbox', specialUseFromServer: true, selectable: true }] }),
    count: async () => (await list()).length,
    scan: list,
    read: async function* (_folder, refs) {
      // A ref the maildrop does not hold (deleted by another client before this session) is left out, as the port says.
      for (const ref of refs) if (await pop.holds(ref)) yield { ref, raw: await pop.retrieve(ref) };
    },
    close: () => pop.close(),
  };
}
