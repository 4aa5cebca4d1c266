import type { AccountCredentials } from '../connectors/types';
import type { EwsSession } from '../connectors/ews/types';
import type { OofData, PimKind, RuleData } from '../connectors/pim';
import { openEws } from '../connectors/ews';
import type { Journal, JournalRef } from '../store/journal';
import { ExchangeFolders } from './exchange-folders';
import { exchangeDedupeKeys } from './sources';
import { OOF_SNAPSHOT, RULES_SNAPSHOT } from './steps/settings';

const DELETE_BATCH = 50;

/** Which kind to read a folder's items as, to find an unconfirmed item by its stamp. */
const KIND_OF_CLASS: Array<[string, PimKind]> = [
  ['IPF.Contact', 'contact'],
  ['IPF.Appointment', 'event'],
  ['IPF.Task', 'task'],
];

/**
 * Rollback at an Exchange destination: deletes (hard) every item the task created, puts the
 * inbox rules and out-of-office settings back as they were, then removes the folders it created
 * when they are empty. Journal rows go as their items go, so a half-done rollback can be asked
 * for again. Returns remarks on what was left alone.
 */
export async function rollbackExchange(journal: Journal, taskId: string, account: AccountCredentials, timeoutMs: number): Promise<string[]> {
  const ews = await openEws(account, { timeoutMs });
  try {
    const folders = await ExchangeFolders.load(ews);
    const rows = await resolveIntents(ews, folders, journal, journal.refs(taskId));
    for (let i = 0; i < rows.length; i += DELETE_BATCH) {
      const batch = rows.slice(i, i + DELETE_BATCH);
      await ews.deleteItems(batch.map((r) => r.ref!));
      for (const r of batch) journal.remove(r.id);
    }
    const kept: string[] = [];
    const rules = journal.snapshot<RuleData[]>(taskId, RULES_SNAPSHOT);
    if (rules) {
      // Rewriting the rules would delete client-side Outlook rules made since: leave them, and say so.
      // The snapshot stays when skipped, so a later rollback (once the client-side rules are gone) can restore it.
      if ((await ews.readRules()).hasClientRules) kept.push('Inbox rules: left as they are, because the mailbox now has client-side Outlook rules that rewriting the rules would delete; remove them, or the migrated rules, by hand.');
      else {
        await ews.writeRules(rules);
        journal.removeSnapshot(taskId, RULES_SNAPSHOT);
      }
    }
    const oof = journal.snapshot<OofData>(taskId, OOF_SNAPSHOT);
    if (oof) {
      await ews.writeOof(oof);
      journal.removeSnapshot(taskId, OOF_SNAPSHOT);
    }
    return [...kept, ...(await removeCreatedFolders(ews, journal, taskId))];
  } finally {
    await ews.close().catch(() => {});
  }
}

/** Intents whose CreateItem answer never came: the item is found by its key when it did land. */
async function resolveIntents(ews: EwsSession, folders: ExchangeFolders, journal: Journal, rows: JournalRef[]): Promise<JournalRef[]> {
  const open = rows.filter((r) => !r.ref);
  const claimed = new Set(rows.flatMap((r) => (r.ref ? [r.ref] : [])));
  for (const folderPath of new Set(open.map((r) => r.folder))) {
    const here = open.filter((r) => r.folder === folderPath);
    const folder = here[0].kind === 'message' ? folders.find(folderPath) : folders.findItemFolder(folderPath);
    const keys = new Map<string, string[]>();
    if (folder) {
      const kind = KIND_OF_CLASS.find(([c]) => folder.folderClass.startsWith(c))?.[1];
      if (!kind) {
        const present = await ews.scanMessages(folder.id);
        for (const [id, key] of await exchangeDedupeKeys(ews, present)) keys.set(key, [...(keys.get(key) ?? []), id]);
      } else {
        const ids = await ews.listItemIds(folder.id);
        for (let i = 0; i < ids.length; i += DELETE_BATCH) {
          for (const item of await ews.readItems(kind, folder, ids.slice(i, i + DELETE_BATCH), { attachments: false })) {
            if (item.stamp) keys.set(item.stamp, [...(keys.get(item.stamp) ?? []), item.id]);
          }
        }
      }
    }
    for (const row of here) {
      const id = (keys.get(row.key) ?? []).find((candidate) => !claimed.has(candidate));
      if (id) {
        row.ref = id;
        claimed.add(id);
      } else {
        journal.remove(row.id);
      }
    }
  }
  return rows.filter((r) => r.ref);
}

async function removeCreatedFolders(ews: EwsSession, journal: Journal, taskId: string): Promise<string[]> {
  const kept: string[] = [];
  const created = journal.createdFolderRefs(taskId);
  if (!created.length) return kept;
  // Deepest first, so a created parent is empty of created children when its turn comes.
  const ordered = [...created].sort((a, b) => b.folder.split('/').length - a.folder.split('/').length);
  let current = await ews.folders();
  for (const { folder, ref } of ordered) {
    const exists = current.find((f) => f.id === ref);
    if (exists) {
      const left = await ews.countItems(ref);
      const children = current.some((f) => f.parentId === ref);
      if (left === 0 && !children) {
        await ews.deleteFolder(ref);
        current = current.filter((f) => f.id !== ref);
      } else {
        kept.push(children ? `${folder}: kept, it holds folders that were not created by this task` : `${folder}: kept, it holds ${left} item(s) that were not created by this task`);
      }
    }
    journal.removeFolder(taskId, folder);
  }
  return kept;
}
