import type { EngineDeps } from './run-task';
import type { AccountEndpoint } from '../connectors/types';
import { closeImap, imapError, openImap, type ImapSession } from '../connectors/imap/session';
import { countMessages } from '../connectors/imap/folders';
import { deleteMessages, findByKey } from '../connectors/imap/messages';
import { deleteFolder } from '../connectors/imap/folders';
import { TernError } from '../errors';
import type { Journal } from '../store/journal';
import { rollbackExchange } from './rollback-exchange';

/**
 * Removes from the destination exactly what the task created: its journaled messages, then the
 * folders it created when they are empty. Journal rows go as their items go, so a rollback
 * that fails half-way can simply be asked for again.
 */
export async function runRollback(deps: EngineDeps, taskId: string): Promise<void> {
  const { tasks, journal, log } = deps;
  const row = tasks.row(taskId);
  if (!row || row.status !== 'rolling_back') return;
  let client: ImapSession | undefined;
  const endpoint = JSON.parse(row.destination) as AccountEndpoint;
  try {
    const password = deps.vault.get(taskId, 'destination');
    if (password === undefined) throw new TernError('ROLLBACK_EXPIRED', `The rollback window of ${taskId} has closed.`);
    const account = { ...endpoint, password };
    const kept =
      endpoint.protocol === 'ews'
        ? await rollbackExchange(journal, taskId, account, deps.connectTimeoutMs)
        : await rollbackImap((client = await openImap(account, { timeoutMs: deps.connectTimeoutMs })), journal, taskId, endpoint);
    tasks.transition(taskId, ['rolling_back'], 'rolled_back', { rollbackError: null });
    tasks.audit(taskId, 'worker', 'rollback.done', kept.length ? kept.join('\n') : undefined);
    await deps.notify?.(taskId, 'rolled_back');
  } catch (err) {
    const message = err instanceof TernError ? err.userMessage : 'Internal error during the rollback; the details are in the worker log.';
    if (!(err instanceof TernError)) log.error({ err, task: taskId }, 'rollback failed');
    tasks.transition(taskId, ['rolling_back'], (row.endStatus as 'completed') ?? 'failed', { rollbackError: message });
    tasks.audit(taskId, 'worker', 'rollback.failed', message);
    await deps.notify?.(taskId, 'rollback_failed');
  } finally {
    await closeImap(client);
  }
}

/** IMAP: the journaled messages by UID (UIDVALIDITY checked), then the created folders when empty. */
async function rollbackImap(client: ImapSession, journal: Journal, taskId: string, endpoint: AccountEndpoint): Promise<string[]> {
  const kept: string[] = [];
  try {
    const byFolder = new Map<string, ReturnType<typeof journal.messages>>();
    for (const m of journal.messages(taskId)) byFolder.set(m.folder, [...(byFolder.get(m.folder) ?? []), m]);
    for (const [folder, rows] of byFolder) {
      // Intents without a UID: the APPEND may have landed just before a worker died.
      for (const r of rows.filter((x) => x.uid == null)) {
        const claimed = new Set(rows.map((x) => x.uid));
        const found = (await findByKey(client, folder, r.dedupeKey ?? '', r.minUid ?? Number.MAX_SAFE_INTEGER)).filter((u) => !claimed.has(u));
        if (found.length) r.uid = Math.max(...found);
        else journal.remove(r.id);
      }
      const byValidity = new Map<string, typeof rows>();
      for (const r of rows.filter((x) => x.uid != null)) byValidity.set(r.uidValidity, [...(byValidity.get(r.uidValidity) ?? []), r]);
      for (const [uidValidity, list] of byValidity) {
        const deleted = await deleteMessages(client, folder, uidValidity, list.map((r) => r.uid!));
        if (!deleted) kept.push(`${folder}: the folder was recreated since the migration, ${list.length} message(s) left alone`);
        for (const r of list) journal.remove(r.id);
      }
    }
    for (const folder of journal.createdFolders(taskId).sort((a, b) => b.length - a.length)) {
      const left = await countMessages(client, folder).catch(() => -1);
      if (left === 0) {
        const children = (await client.list()).some((f) => f.path !== folder && f.path.startsWith(folder + f.delimiter));
        if (!children) await deleteFolder(client, folder);
        else kept.push(`${folder}: kept, it holds folders that were not created by this task`);
      } else if (left > 0) {
        kept.push(`${folder}: kept, it holds ${left} message(s) that were not created by this task`);
      }
      journal.removeFolder(taskId, folder);
    }
  } catch (err) {
    throw imapError(err, endpoint);
  }
  return kept;
}
