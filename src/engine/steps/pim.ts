import type { StepContext, StepResult } from '../context';
import type { FolderReport, StepCounters } from '../../task';
import type { DestinationFolder } from '../../ports/mail';
import type { PimDestination, PimFolder, PimSource } from '../../ports/pim';
import type { PimItem, PimKind } from '../../ports/pim-items';
import { itemLabel } from '../../items';
import { pimOf } from '../../ports/account';
import { TernError } from '../../errors';
import { claimIntents } from '../claims';
import { recordFailure } from '../failures';
import { factsOf, type FailureFacts } from '../../failure-category';
import { openOn } from '../sided';
import { fingerprintOf, sourceKeyOf, stampOf } from '../pim/keys';
import { verifyFolder } from '../email/folder-job';
import { spreadGroups } from '../pim/groups-as-categories';

export type PimStep = 'contacts' | 'contactGroups' | 'calendars' | 'tasks';
const KIND_OF: Record<PimStep, PimKind> = { contacts: 'contact', contactGroups: 'group', calendars: 'event', tasks: 'task' };

/** What the destination folder holds, for dedupe: Tern's stamps (with ids) and the fingerprints of the rest. */
interface Present {
  stamps: Map<string, string>;
  fingerprints: Map<string, number>;
  /** UIDs of the items that were there before (DAV): an item with one of them is there already. */
  uids: Set<string>;
}

/** Items named in a folder report's note for what they could not carry; the rest are counted. */
const MAX_UNMAPPED_NOTED = 20;

/**
 * Contacts, contact groups, calendars or tasks, from any PIM source to any PIM destination, folder
 * by folder: the source's default folder goes to the destination's default folder, others are
 * recreated. An item whose stamp (or, for items that were there before, fingerprint) is found is
 * not copied again, so a re-run or a resumed task creates no duplicates. Cancel finishes the
 * folder in progress.
 */
export async function runPimStep(ctx: StepContext, step: PimStep): Promise<StepResult> {
  // A side's contacts and calendars may live in a CalDAV/CardDAV account next to its mail account.
  const [sourceAccount, destinationAccount] = [pimOf(ctx.source), pimOf(ctx.destination)];
  const [from, to] = await Promise.all([ctx.connectors(sourceAccount.protocol), ctx.connectors(destinationAccount.protocol)]);
  const source = await openOn('source', from.pimSource!(sourceAccount, ctx.open));
  try {
    const destination = await openOn('destination', to.pimDestination!(destinationAccount, ctx.open));
    try {
      // Microsoft 365 has no contact groups: their members become contacts with a category.
      if (step === 'contactGroups' && destination.groupsAsCategories) return await spreadGroups(ctx, source, destination, destination.groupsAsCategories, sourceKeyOf(sourceAccount));
      return await copyFolders(ctx, step, source, destination);
    } finally {
      await destination.close().catch(() => {});
    }
  } finally {
    await source.close().catch(() => {});
  }
}

async function copyFolders(ctx: StepContext, step: PimStep, source: PimSource, destination: PimDestination): Promise<StepResult> {
  const kind = KIND_OF[step];
  const sourceFolders = await source.folders(kind);
  const account = sourceKeyOf(pimOf(ctx.source));
  const counters: StepCounters = { total: sourceFolders.reduce((n, f) => n + f.count, 0), copied: 0, alreadyPresent: 0, failed: 0, bytes: 0 };
  const publish = (current?: string) => ctx.progress.update({ taskId: ctx.taskId, step, counters: { ...counters }, current, at: Date.now() });
  const unreadable = await source.unreadable(kind);
  counters.total += unreadable;
  counters.failed += unreadable;

  const reports = sourceFolders.map((f): FolderReport => ({ sourceFolder: `${itemLabel(step)}: ${f.path}`, destinationFolder: '', status: 'pending', sourceCount: f.count, copied: 0, alreadyPresent: 0, failed: 0, bytes: 0 }));
  for (const r of reports) await ctx.tasks.saveFolderReport(ctx.taskId, r);
  publish();

  // Groups point at contacts: where each migrated contact is at the destination, by its stamp.
  const contacts = kind === 'group' ? await contactIndex(destination) : undefined;
  let cancelled = false;
  for (const [i, folder] of sourceFolders.entries()) {
    if ((cancelled ||= await ctx.cancelRequested())) {
      reports[i].status = 'cancelled';
      await ctx.tasks.saveFolderReport(ctx.taskId, reports[i]);
      continue;
    }
    const target = await targetFolder(ctx, destination, kind, folder, sourceFolders);
    const report = reports[i];
    report.destinationFolder = target.path;
    report.status = 'running';
    await ctx.tasks.saveFolderReport(ctx.taskId, report);
    const present = await presentAt(destination, kind, target);
    // Entries an older version wrote as "item" may be of another kind in the same folder: the rollback, which looks at every kind, claims those.
    const ours = await claimIntents(ctx.journal, ctx.taskId, await ctx.journal.entries(ctx.taskId, { kind, folder: target.path }), [...present.stamps].map(([key, id]) => ({ id, key })), false);
    counters.total -= folder.count;
    report.sourceCount = 0;
    for await (const batch of source.read(kind, folder)) {
      report.sourceCount += batch.length;
      counters.total += batch.length;
      // A few creations in flight: one at a time would wait a round trip per item.
      await eachWithin(batch, ctx.connectionsPerAccount, async (item) => {
        const stamp = stampOf(account, kind, item.sourceId);
        const outcome = await copyItem(ctx, destination, target, item, stamp, present, ours, contacts && idsOfMembers(item, account, contacts));
        if (outcome.counter === 'failed') {
          const why = outcome.reason ?? 'refused by the destination';
          await recordFailure(ctx, report, { kind: step, reason: why, facts: outcome.facts ?? { text: why }, item: { subject: item.subject ?? ('displayName' in item ? item.displayName : undefined), id: item.sourceId } });
        }
        else report[outcome.counter]++;
        if (outcome.counter === 'copied' && outcome.bytes > 0) noteUnmapped(ctx, report, item, destination);
        counters[outcome.counter]++;
        report.bytes += outcome.bytes;
        counters.bytes += outcome.bytes;
        publish(folder.path);
      });
    }
    // What the source had to skip (a malformed .ics or .vcf) fails by name; the rest went on.
    for (const reason of source.skipped?.(kind, folder) ?? []) {
      await recordFailure(ctx, report, { kind: step, reason, facts: { text: reason, atSource: true } });
      report.sourceCount++;
      counters.total++;
      counters.failed++;
    }
    report.destinationCount = await destination.count(target);
    report.warning = verifyFolder(report);
    report.status = 'done';
    await ctx.tasks.saveFolderReport(ctx.taskId, report);
  }
  publish();
  await ctx.progress.flush();
  return { cancelled, counters };
}

/** The default folder goes to the default folder; a folder below it goes below the destination's. */
async function targetFolder(ctx: StepContext, destination: PimDestination, kind: PimKind, folder: PimFolder, all: PimFolder[]): Promise<DestinationFolder> {
  const destinationDefault = await destination.defaultFolder(kind);
  if (folder.isDefault) return destinationDefault;
  const sourceDefault = all.find((f) => f.isDefault);
  const path = sourceDefault && folder.path.startsWith(sourceDefault.path + '/') ? destinationDefault.path + folder.path.slice(sourceDefault.path.length) : folder.path;
  return destination.ensureFolder(kind, path, async (f) => void (await ctx.journal.record(ctx.taskId, 'folder', { folder: f.path, key: kind, ref: f.id })));
}

async function presentAt(destination: PimDestination, kind: PimKind, folder: DestinationFolder): Promise<Present> {
  const present: Present = { stamps: new Map(), fingerprints: new Map(), uids: new Set() };
  for (const item of await destination.scan(kind, folder)) {
    // Stamped items are Tern's copies, found by stamp; only the others were "there before".
    if (item.stamp) {
      present.stamps.set(item.stamp, item.id);
      continue;
    }
    const fp = fingerprintOf(item);
    present.fingerprints.set(fp, (present.fingerprints.get(fp) ?? 0) + 1);
    if (item.uid) present.uids.add(item.uid);
  }
  return present;
}

type Outcome = { counter: 'copied' | 'alreadyPresent' | 'failed'; bytes: number; reason?: string; facts?: FailureFacts };

async function copyItem(ctx: StepContext, destination: PimDestination, target: DestinationFolder, item: PimItem, stamp: string, present: Present, ours: Set<string>, contactIds: Map<string, string> | undefined): Promise<Outcome> {
  const bytes = JSON.stringify(item).length;
  const found = present.stamps.get(stamp);
  // Stamped by this task (a resumed attempt) it counts as copied; by an earlier task, as there already.
  if (found) return { counter: ours.has(found) ? 'copied' : 'alreadyPresent', bytes: ours.has(found) ? bytes : 0 };
  if (item.uid && present.uids.has(item.uid)) return { counter: 'alreadyPresent', bytes: 0 };
  const fp = fingerprintOf(item);
  const same = present.fingerprints.get(fp) ?? 0;
  if (same > 0) {
    present.fingerprints.set(fp, same - 1);
    return { counter: 'alreadyPresent', bytes: 0 };
  }
  const intent = await ctx.journal.intend(ctx.taskId, item.kind, { folder: target.path, key: stamp });
  try {
    const id = await destination.create(target, item, { stamp, contactIds });
    await ctx.journal.confirm(intent, id);
    present.stamps.set(stamp, id);
    ours.add(id);
    return { counter: 'copied', bytes };
  } catch (err) {
    // Already there under its UID (written by someone else since the scan): nothing was created.
    if (err instanceof TernError && err.code === 'ITEM_PRESENT') {
      await ctx.journal.drop(intent);
      return { counter: 'alreadyPresent', bytes: 0 };
    }
    // An item the destination refused fails alone; anything else (connection, login) fails or retries the task.
    if (!(err instanceof TernError) || err.code !== 'ITEM_REFUSED') throw err;
    await ctx.journal.drop(intent);
    ctx.log.warn({ task: ctx.taskId, folder: target.path, kind: item.kind, reason: err.userMessage }, 'the destination refused an item');
    return { counter: 'failed', bytes: 0, reason: err.userMessage, facts: factsOf(err) };
  }
}

/**
 * A copied item whose source fields the neutral shapes could not carry (a DAV property Exchange has
 * no place for) is named with those fields in the folder's note and the log; a destination that
 * took the source's own text (DAV to DAV) lost nothing.
 */
function noteUnmapped(ctx: StepContext, report: FolderReport, item: PimItem, destination: PimDestination): void {
  const keptWhole = item.native && destination.keepsNative?.includes(item.native.format);
  const fields = keptWhole ? [] : [...(item.unmapped ?? []), ...(destination.cannotHold?.(item) ?? [])];
  if (!fields.length) return;
  const name = (item.kind === 'contact' || item.kind === 'group' ? item.displayName : item.subject) || item.sourceId;
  ctx.log.warn({ task: ctx.taskId, folder: report.sourceFolder, item: name, fields }, 'fields the destination cannot hold were left out');
  const lines = report.note ? report.note.split('\n') : [];
  const noted = lines.filter((l) => l.startsWith('Not carried: ')).length;
  const more = /^Not carried for (\d+) more item/.exec(lines[lines.length - 1] ?? '');
  if (noted < MAX_UNMAPPED_NOTED) lines.push(`Not carried: "${name}": ${fields.join(', ')}`);
  else if (more) lines[lines.length - 1] = `Not carried for ${Number(more[1]) + 1} more items (see the log)`;
  else lines.push('Not carried for 1 more item (see the log)');
  report.note = lines.join('\n');
}

/** Stamp → id of every contact at the destination that Tern created (this run or an earlier one). */
async function contactIndex(destination: PimDestination): Promise<Map<string, string>> {
  const index = new Map<string, string>();
  for (const folder of await destination.folders('contact')) {
    for (const [stamp, id] of (await presentAt(destination, 'contact', folder)).stamps) index.set(stamp, id);
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

