import { pimOf, type AccountCredentials, type AccountEndpoint } from '../ports/account';
import { credentialsOf } from './credentials';
import type { Connector } from '../ports/connector';
import type { DestinationFolder, MailDestination } from '../ports/mail';
import type { PimDestination, SettingsPort } from '../ports/pim';
import type { PimKind } from '../ports/pim-items';
import type { JournalEntry } from '../store/journal';
import { RunLease, RunningElsewhere } from './lease';
import { leasedJournal, type RunJournal } from './run-journal';
import { TernError } from '../errors';
import type { EngineDeps } from './run-task';
import { claimIntents } from './claims';
import { restoreSettings } from './steps/settings';
import { CATEGORY_SNAPSHOT, removeAddedCategories } from './pim/groups-as-categories';

const REMOVE_BATCH = 500;
const PIM_KINDS: PimKind[] = ['contact', 'group', 'event', 'task'];

/**
 * Removes from the destination exactly what the task created, whatever the destination: its
 * messages and items, the inbox rules and out-of-office settings it replaced put back, then the
 * folders it created when they are empty. Journal entries go as their items go, so a rollback
 * that fails half-way can simply be asked for again.
 */
export async function runRollback(deps: EngineDeps, taskId: string, signal?: AbortSignal): Promise<void> {
  const { tasks, log } = deps;
  const row = await tasks.row(taskId);
  if (!row || row.status !== 'rolling_back') return;
  const lease = await RunLease.take(tasks, taskId, deps.workerId, deps.leaseMs, signal);
  if (!lease) throw new RunningElsewhere(taskId, await tasks.leaseHolder(taskId));
  try {
    if (await deps.vault.get(taskId, 'destination') === undefined) throw new TernError('ROLLBACK_EXPIRED', `The rollback window of ${taskId} has closed.`);
    const endpoint = JSON.parse(row.destination) as AccountEndpoint;
    const kept = await undo(deps, leasedJournal(deps.journal, lease), taskId, await credentialsOf(deps, taskId, 'destination', endpoint));
    await lease.check();
    // The notes first: whoever sees "rolled_back" reads them with it (the CLI prints at once).
    await tasks.audit(taskId, 'worker', 'rollback.done', kept.length ? kept.join('\n') : undefined);
    await tasks.transition(taskId, ['rolling_back'], 'rolled_back', { rollbackError: null, leaseHolder: null, leaseUntil: null });
    await deps.notify?.(taskId, 'rolled_back');
  } catch (err) {
    if (err instanceof TernError && err.code === 'RUN_STOPPED') {
      log.warn({ task: taskId }, err.userMessage);
      return;
    }
    const message = err instanceof TernError ? err.userMessage : 'Internal error during the rollback; the details are in the worker log.';
    if (!(err instanceof TernError)) log.error({ err, task: taskId }, 'rollback failed');
    await tasks.transition(taskId, ['rolling_back'], (row.endStatus as 'completed') ?? 'failed', { rollbackError: message, leaseHolder: null, leaseUntil: null });
    await tasks.audit(taskId, 'worker', 'rollback.failed', message);
    await deps.notify?.(taskId, 'rollback_failed');
  } finally {
    await lease.release();
  }
}

/** Ports of the destination, opened on first use and all closed at the end. */
class DestinationPorts {
  private readonly opened: Array<{ close(): Promise<void> }> = [];
  private mailPort?: Promise<MailDestination>;
  private pimPort?: Promise<PimDestination>;
  private settingsPort?: Promise<SettingsPort>;

  constructor(
    private readonly connector: Connector,
    private readonly account: AccountCredentials,
    private readonly timeoutMs: number,
    /** The connector of the account holding contacts and calendars (a CalDAV/CardDAV companion), when another. */
    private readonly pimConnector: Connector = connector,
  ) {}

  mail = () => (this.mailPort ??= this.open(this.connector.mailDestination));
  pim = () => (this.pimPort ??= this.open(this.pimConnector.pimDestination, pimOf(this.account)));
  settings = () => (this.settingsPort ??= this.open(this.connector.settings));

  private async open<T extends { close(): Promise<void> }>(opener: ((a: AccountCredentials, o: { timeoutMs: number }) => Promise<T>) | undefined, account = this.account): Promise<T> {
    if (!opener) throw new TernError('INVALID_STATE', `The journal names items that ${account.host} cannot hold any more; nothing was removed for them.`);
    const port = await opener(account, { timeoutMs: this.timeoutMs });
    this.opened.push(port);
    return port;
  }

  async close(): Promise<void> {
    await Promise.all(this.opened.map((p) => p.close().catch(() => {})));
  }
}

async function undo(deps: EngineDeps, journal: RunJournal, taskId: string, account: AccountCredentials): Promise<string[]> {
  const ports = new DestinationPorts(await deps.connectors(account.protocol), account, deps.connectTimeoutMs, await deps.connectors(pimOf(account).protocol));
  try {
    const kept: string[] = [];
    const entries = await journal.entries(taskId);
    const of = (kinds: string[]) => entries.filter((e) => kinds.includes(e.kind));
    kept.push(...(await removeMessages(journal, taskId, of(['message']), ports.mail)));
    kept.push(...(await removeItems(journal, taskId, of([...PIM_KINDS, 'item']), ports.pim)));
    // Categories added to contacts for contact groups (Microsoft 365) come off; the other snapshots are settings.
    const categories = of(['snapshot']).filter((e) => e.key === CATEGORY_SNAPSHOT);
    kept.push(...(await removeAddedCategories(journal, categories, ports.pim)));
    const snapshots = of(['snapshot']).filter((e) => e.key !== CATEGORY_SNAPSHOT);
    if (snapshots.length) kept.push(...(await restoreSettings(journal, snapshots, await ports.settings())));
    kept.push(...(await removeFolders(journal, of(['folder']), ports)));
    return kept;
  } finally {
    await ports.close();
  }
}

/** Messages by folder and generation; a folder recreated since (another generation) is left alone, and said so. */
async function removeMessages(journal: RunJournal, taskId: string, entries: JournalEntry[], port: () => Promise<MailDestination>): Promise<string[]> {
  const kept: string[] = [];
  for (const [path, inFolder] of groupBy(entries, (e) => e.folder)) {
    const mail = await port();
    const found = await mail.findFolder(path);
    // Not found by its path, it may still be found by its messages' ids (see remove()).
    const folder = found ?? { path, id: path };
    const contents = found && inFolder.some((e) => !e.ref) ? await mail.scan(found) : undefined;
    for (const [generation, list] of groupBy(inFolder, (e) => e.scope)) {
      if (contents && generation === contents.generation) {
        const candidates = contents.messages.map((m) => ({ id: m.id, key: m.dedupeKey, position: m.position, mark: m.mark }));
        await claimIntents(journal, taskId, list, candidates, mail.keepsMarks);
      }
      await journal.settle({ dropped: list.filter((e) => !e.ref).map((e) => e.id) });
      const confirmed = list.filter((e) => e.ref);
      for (let i = 0; i < confirmed.length; i += REMOVE_BATCH) {
        const batch = confirmed.slice(i, i + REMOVE_BATCH);
        const outcome = await mail.remove(folder, generation, batch.map((e) => e.ref!));
        if (outcome !== 'removed') {
          // Gone: the messages went with their folder. Stale: the ids would name other messages now.
          if (outcome === 'stale') kept.push(`${path}: the folder was recreated since the migration, ${confirmed.length - i} message(s) left alone`);
          await journal.settle({ dropped: confirmed.slice(i).map((e) => e.id) });
          break;
        }
        await journal.settle({ dropped: batch.map((e) => e.id) });
      }
    }
  }
  return kept;
}

/**
 * Contacts, groups, events and tasks by id; an intent whose answer never came is found by its stamp.
 * What the destination kept because it was edited since (a DAV ETag that changed) is said.
 */
async function removeItems(journal: RunJournal, taskId: string, entries: JournalEntry[], port: () => Promise<PimDestination>): Promise<string[]> {
  if (!entries.length) return [];
  const pim = await port();
  for (const [path, inFolder] of groupBy(entries.filter((e) => !e.ref), (e) => e.folder)) {
    // Older journals say "item" without the kind: every kind that has a folder there is looked at.
    const kinds = [...new Set(inFolder.flatMap((e) => (e.kind === 'item' ? PIM_KINDS : [e.kind as PimKind])))];
    const candidates = [];
    for (const kind of kinds) {
      const folder = await pim.findFolder(kind, path);
      if (folder) candidates.push(...(await pim.scan(kind, folder)).flatMap((item) => (item.stamp ? [{ id: item.id, key: item.stamp }] : [])));
    }
    await claimIntents(journal, taskId, inFolder, candidates, false);
  }
  const confirmed = entries.filter((e) => e.ref);
  const kept: string[] = [];
  for (let i = 0; i < confirmed.length; i += REMOVE_BATCH) {
    const batch = confirmed.slice(i, i + REMOVE_BATCH);
    const outcome = await pim.remove(batch.map((e) => e.ref!));
    if (outcome) kept.push(...outcome.kept);
    await journal.settle({ dropped: batch.map((e) => e.id) });
  }
  return kept;
}

/** Deepest first, so a created parent is empty of created children when its turn comes; a folder holding others' things stays. */
async function removeFolders(journal: RunJournal, entries: JournalEntry[], ports: DestinationPorts): Promise<string[]> {
  const kept: string[] = [];
  // A folder's path is longer than its parent's, whatever the separator.
  for (const entry of [...entries].sort((a, b) => b.folder.length - a.folder.length || b.id - a.id)) {
    const folder: DestinationFolder = { path: entry.folder, id: entry.ref ?? entry.folder };
    const removal = entry.key === 'mail' ? await (await ports.mail()).removeFolderIfEmpty(folder) : await (await ports.pim()).removeFolderIfEmpty(folder);
    if (!removal.removed) kept.push(`${entry.folder}: kept, it holds ${removal.holds} that were not created by this task`);
    await journal.drop(entry.id);
  }
  return kept;
}

function groupBy<T>(list: T[], keyOf: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of list) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
