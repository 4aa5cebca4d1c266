import type { StepContext } from '../context';
import type { FolderReport, StepCounters } from '../../task';
import type { PimItem, PimKind } from '../../connectors/pim';
import type { EwsFolder, EwsSession } from '../../connectors/ews/types';
import { openEws } from '../../connectors/ews';
import { itemLabel } from '../../items';
import { TernError } from '../../errors';
import { ExchangeFolders } from '../exchange-folders';
import { EXCHANGE_KIND, ofClass, openPimSource, type PimFolder, type PimSource } from '../pim/sources';
import { fingerprintOf, sourceKeyOf, stampOf } from '../pim/keys';
import { verifyFolder } from '../email/folder-job';

export type PimStep = 'contacts' | 'contactGroups' | 'calendars' | 'tasks';
const KIND_OF: Record<PimStep, PimKind> = { contacts: 'contact', contactGroups: 'group', calendars: 'event', tasks: 'task' };
const READ_BATCH = 50;

/** What the destination folder holds, for dedupe: Tern's stamps (with ItemIds) and fingerprints. */
interface Present {
  stamps: Map<string, string>;
  fingerprints: Map<string, number>;
}

/**
 * Contacts, contact groups, calendars or tasks into an Exchange mailbox, folder by folder: the
 * source's default folder goes to the destination's default folder, others are recreated. An
 * item whose stamp (or, for items that were there before, fingerprint) is found is not copied
 * again, so a re-run or a resumed task creates no duplicates. Cancel finishes the folder in progress.
 */
export async function runPimStep(ctx: StepContext, step: PimStep): Promise<{ cancelled: boolean }> {
  const source = await openPimSource(ctx.source, ctx.connectTimeoutMs);
  try {
    const ews = await openEws(ctx.destination, { timeoutMs: ctx.connectTimeoutMs });
    try {
      return await copyFolders(ctx, step, source, ews);
    } finally {
      await ews.close().catch(() => {});
    }
  } finally {
    await source.close().catch(() => {});
  }
}

async function copyFolders(ctx: StepContext, step: PimStep, source: PimSource, ews: EwsSession): Promise<{ cancelled: boolean }> {
  const kind = KIND_OF[step];
  const folders = await ExchangeFolders.load(ews, { journal: ctx.journal, taskId: ctx.taskId });
  const sourceFolders = await source.folders(kind);
  const account = sourceKeyOf(ctx.source);
  const counters: StepCounters = { total: sourceFolders.reduce((n, f) => n + f.count, 0), copied: 0, alreadyPresent: 0, failed: 0, bytes: 0 };
  const publish = (current?: string) => ctx.progress.update({ taskId: ctx.taskId, step, counters: { ...counters }, current, at: Date.now() });
  const unreadable = await source.unreadable(kind);
  counters.total += unreadable;
  counters.failed += unreadable;

  const reports = sourceFolders.map((f): FolderReport => ({ sourceFolder: `${itemLabel(step)}: ${f.path}`, destinationFolder: '', status: 'pending', sourceCount: f.count, copied: 0, alreadyPresent: 0, failed: 0, bytes: 0 }));
  for (const r of reports) ctx.tasks.saveFolderReport(ctx.taskId, r);
  publish();

  // Groups point at contacts: where each migrated contact is at the destination, by its stamp.
  const contacts = kind === 'group' ? await contactIndex(ews, folders) : undefined;
  let cancelled = false;
  for (const [i, folder] of sourceFolders.entries()) {
    if ((cancelled ||= ctx.cancelRequested())) {
      reports[i].status = 'cancelled';
      ctx.tasks.saveFolderReport(ctx.taskId, reports[i]);
      continue;
    }
    const target = await targetFolder(folders, kind, folder, sourceFolders);
    const report = reports[i];
    report.destinationFolder = target.path;
    report.status = 'running';
    ctx.tasks.saveFolderReport(ctx.taskId, report);
    const present = await presentAt(ews, kind, target);
    const ours = claimIntents(ctx, target.path, present);
    counters.total -= folder.count;
    report.sourceCount = 0;
    for await (const batch of source.read(kind, folder)) {
      report.sourceCount += batch.length;
      counters.total += batch.length;
      // A few CreateItem requests in flight: one at a time would wait a round trip per item.
      await eachWithin(batch, ctx.connectionsPerAccount, async (item) => {
        const stamp = stampOf(account, kind, item.sourceId);
        const outcome = await copyItem(ctx, ews, target, item, stamp, present, ours, contacts && idsOfMembers(item, account, contacts));
        report[outcome.counter]++;
        counters[outcome.counter]++;
        report.bytes += outcome.bytes;
        counters.bytes += outcome.bytes;
        publish(folder.path);
      });
    }
    report.destinationCount = await ews.countItems(target.id);
    report.warning = verifyFolder(report);
    report.status = 'done';
    ctx.tasks.saveFolderReport(ctx.taskId, report);
  }
  publish();
  await ctx.progress.flush();
  return { cancelled };
}

/** The default folder goes to the default folder; a folder below it goes below the destination's. */
async function targetFolder(folders: ExchangeFolders, kind: PimKind, folder: PimFolder, all: PimFolder[]): Promise<EwsFolder & { path: string }> {
  const { folderClass, wellKnown } = EXCHANGE_KIND[kind];
  const destinationDefault = folders.wellKnown(wellKnown);
  if (!destinationDefault) throw new TernError('PROTOCOL_ERROR', `The destination mailbox has no default ${wellKnown} folder.`);
  if (folder.isDefault) return { ...destinationDefault, path: folders.pathOf(destinationDefault) };
  const sourceDefault = all.find((f) => f.isDefault);
  const path = sourceDefault && folder.path.startsWith(sourceDefault.path + '/') ? folders.pathOf(destinationDefault) + folder.path.slice(sourceDefault.path.length) : folder.path;
  const target = await folders.ensure(path, folderClass);
  return { ...target, path };
}

async function presentAt(ews: EwsSession, kind: PimKind, folder: EwsFolder): Promise<Present> {
  const present: Present = { stamps: new Map(), fingerprints: new Map() };
  const ids = await ews.listItemIds(folder.id);
  for (let i = 0; i < ids.length; i += READ_BATCH) {
    // Only stamps and fingerprints are needed here: attachments are not downloaded.
    for (const item of await ews.readItems(kind, folder, ids.slice(i, i + READ_BATCH), { attachments: false })) {
      if (item.kind !== kind) continue;
      // Stamped items are Tern's copies, found by stamp; only the others were "there before".
      if (item.stamp) {
        present.stamps.set(item.stamp, item.id);
        continue;
      }
      const fp = fingerprintOf(item);
      present.fingerprints.set(fp, (present.fingerprints.get(fp) ?? 0) + 1);
    }
  }
  return present;
}

/**
 * The ItemIds this task created in the folder. An intent whose CreateItem answer never came
 * (the worker died) is claimed by its stamp when the item did land, else forgotten.
 */
function claimIntents(ctx: StepContext, folder: string, present: Present): Set<string> {
  const ours = new Set<string>();
  for (const row of ctx.journal.refs(ctx.taskId, 'item', folder)) {
    const ref = row.ref ?? present.stamps.get(row.key);
    if (!ref) {
      ctx.journal.remove(row.id);
      continue;
    }
    if (!row.ref) ctx.journal.confirmRef(row.id, ref);
    ours.add(ref);
  }
  return ours;
}

type Outcome = { counter: 'copied' | 'alreadyPresent' | 'failed'; bytes: number };

async function copyItem(ctx: StepContext, ews: EwsSession, target: EwsFolder & { path: string }, item: PimItem, stamp: string, present: Present, ours: Set<string>, contactIds: Map<string, string> | undefined): Promise<Outcome> {
  const bytes = JSON.stringify(item).length;
  const found = present.stamps.get(stamp);
  // Stamped by this task (a resumed attempt) it counts as copied; by an earlier task, as there already.
  if (found) return { counter: ours.has(found) ? 'copied' : 'alreadyPresent', bytes: ours.has(found) ? bytes : 0 };
  const fp = fingerprintOf(item);
  const same = present.fingerprints.get(fp) ?? 0;
  if (same > 0) {
    present.fingerprints.set(fp, same - 1);
    return { counter: 'alreadyPresent', bytes: 0 };
  }
  const intent = ctx.journal.addRefIntent(ctx.taskId, 'item', target.path, stamp);
  try {
    const id = await ews.createItem(target.id, item, { stamp, contactIds });
    ctx.journal.confirmRef(intent, id);
    present.stamps.set(stamp, id);
    ours.add(id);
    return { counter: 'copied', bytes };
  } catch (err) {
    // An item the destination refused fails alone; anything else (connection, login) fails or retries the task.
    if (!(err instanceof TernError) || err.code !== 'ITEM_REFUSED') throw err;
    ctx.journal.remove(intent);
    ctx.log.warn({ task: ctx.taskId, folder: target.path, kind: item.kind, reason: err.userMessage }, 'the destination refused an item');
    return { counter: 'failed', bytes: 0 };
  }
}

/** Stamp → ItemId of every contact at the destination that Tern created (this run or an earlier one). */
async function contactIndex(ews: EwsSession, folders: ExchangeFolders): Promise<Map<string, string>> {
  const index = new Map<string, string>();
  for (const folder of folders.all.filter((f) => ofClass(f, 'IPF.Contact'))) {
    for (const [stamp, id] of (await presentAt(ews, 'contact', folder)).stamps) index.set(stamp, id);
  }
  return index;
}

/** For a group: its members' source contact IDs → their copies' ItemIds. */
function idsOfMembers(item: PimItem, account: string, contacts: Map<string, string>): Map<string, string> {
  const ids = new Map<string, string>();
  if (item.kind !== 'group') return ids;
  for (const m of item.members) {
    const copy = m.contactSourceId && contacts.get(stampOf(account, 'contact', m.contactSourceId));
    if (copy) ids.set(m.contactSourceId!, copy);
  }
  return ids;
}

/** Runs `fn` over the items with at most `limit` at once; the first failure rejects once all have settled. */
async function eachWithin<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item).catch((err: unknown) => errors.push(err));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (errors.length) throw errors[0];
}

