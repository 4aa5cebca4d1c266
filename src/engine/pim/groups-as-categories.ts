import type { StepContext, StepResult } from '../context';
import type { FolderReport, StepCounters } from '../../task';
import type { PimDestination, PimSource, StoredPimItem } from '../../ports/pim';
import type { DestinationFolder } from '../../ports/mail';
import type { ContactData, GroupData } from '../../ports/pim-items';
import type { JournalEntry } from '../../store/journal';
import type { RunJournal } from '../run-journal';
import { itemLabel } from '../../items';
import { claimIntents } from '../claims';
import { recordFailure } from '../failures';
import { stampOf } from './keys';

/** The journal's name for a category added to a contact Tern did not create in this task (its pre-image). */
export const CATEGORY_SNAPSHOT = 'contact-category';

type Categorising = Required<Pick<PimDestination, 'groupsAsCategories'>>['groupsAsCategories'];
interface CategorySnapshot {
  before: string[];
  added: string;
}

const norm = (s: string) => s.trim().toLowerCase();

/**
 * Contact groups into a destination that has none (Microsoft 365): each member becomes a contact
 * of the destination's default contacts folder with the group's name as a category. A member who
 * is already a contact Tern copied (same address) gets the category added instead of a twin; one
 * without an address fails by name; a contact that was there before Tern is left untouched. Every
 * contact made is journaled like any item, every category added to a contact this task did not
 * make leaves its pre-image, so rollback undoes exactly this; a re-run finds it all done.
 */
export async function spreadGroups(ctx: StepContext, source: PimSource, destination: PimDestination, categorising: Categorising, account: string): Promise<StepResult> {
  const folders = await source.folders('group');
  const counters: StepCounters = { total: 0, copied: 0, alreadyPresent: 0, failed: 0, bytes: 0 };
  const publish = (current?: string) => ctx.progress.update({ taskId: ctx.taskId, step: 'contactGroups', counters: { ...counters }, current, at: Date.now() });
  const target = await destination.defaultFolder('contact');
  const { byAddress, ours, untouchable } = await contactsAt(ctx, destination);
  const reports = folders.map((f): FolderReport => ({ sourceFolder: `${itemLabel('contactGroups')}: ${f.path}`, destinationFolder: target.path, status: 'pending', sourceCount: 0, copied: 0, alreadyPresent: 0, failed: 0, bytes: 0 }));
  for (const r of reports) await ctx.tasks.saveFolderReport(ctx.taskId, r);
  let cancelled = false;
  for (const [i, folder] of folders.entries()) {
    const report = reports[i];
    if ((cancelled ||= await ctx.cancelRequested())) {
      report.status = 'cancelled';
      await ctx.tasks.saveFolderReport(ctx.taskId, report);
      continue;
    }
    report.status = 'running';
    for await (const batch of source.read('group', folder)) {
      for (const group of batch.filter((g): g is GroupData => g.kind === 'group')) {
        const category = group.displayName || group.sourceId;
        for (const member of group.members) {
          counters.total++;
          report.sourceCount++;
          const outcome = await placeMember(ctx, destination, categorising, { target, byAddress, ours, untouchable, account }, member, category, report);
          counters[outcome]++;
          if (outcome !== 'failed') report[outcome]++;
          publish(folder.path);
        }
      }
    }
    report.destinationCount = await destination.count(target);
    report.status = 'done';
    await ctx.tasks.saveFolderReport(ctx.taskId, report);
  }
  publish();
  await ctx.progress.flush();
  return { cancelled, counters };
}

interface Place {
  target: DestinationFolder;
  /** Tern's contacts at the destination (stamped), by address. */
  byAddress: Map<string, StoredPimItem & ContactData>;
  /** Ids of contacts this task created. */
  ours: Set<string>;
  /** Addresses of contacts that were there before Tern. */
  untouchable: Set<string>;
  account: string;
}

async function placeMember(ctx: StepContext, destination: PimDestination, categorising: Categorising, place: Place, member: GroupData['members'][number], category: string, report: FolderReport): Promise<'copied' | 'alreadyPresent' | 'failed'> {
  const address = member.address?.trim();
  if (!address || (member.routingType && member.routingType.toUpperCase() !== 'SMTP')) {
    const reason = `"${member.name ?? '(no name)'}" of the group "${category}" has no e-mail address, so it cannot become a contact`;
    await recordFailure(ctx, report, { kind: 'contactGroups', reason, facts: { text: reason, atSource: true }, item: { subject: member.name } });
    return 'failed';
  }
  const key = norm(address);
  const found = place.byAddress.get(key);
  if (found) {
    if (found.categories.some((c) => norm(c) === norm(category))) return 'alreadyPresent';
    // A contact this task made goes with the rollback anyway; any other keeps its pre-image.
    if (!place.ours.has(found.id)) await recordCategoryPreImage(ctx.journal, ctx.taskId, found.id, { before: [...found.categories], added: category });
    await categorising.add(found.id, category);
    found.categories.push(category);
    return 'copied';
  }
  if (place.untouchable.has(key)) {
    note(report, `${address} is a contact Tern did not create: left as it is, without the category "${category}"`);
    return 'alreadyPresent';
  }
  const contact: ContactData = { kind: 'contact', sourceId: `group-member:${key}`, folder: place.target.path, categories: [category], displayName: member.name || address, emails: [{ key: 'EmailAddress1', address, ...(member.name ? { name: member.name } : {}) }], phones: {}, addresses: {}, imAddresses: {} };
  const stamp = stampOf(place.account, 'contact', contact.sourceId);
  const intent = await ctx.journal.intend(ctx.taskId, 'contact', { folder: place.target.path, key: stamp });
  const id = await destination.create(place.target, contact, { stamp }).catch(async (err: unknown) => {
    await ctx.journal.drop(intent);
    throw err;
  });
  await ctx.journal.confirm(intent, id);
  place.ours.add(id);
  place.byAddress.set(key, { ...contact, id, stamp });
  return 'copied';
}

/** Tern's contacts in every contacts folder (a member may be one copied into a subfolder), and the addresses of the others. */
async function contactsAt(ctx: StepContext, destination: PimDestination): Promise<Pick<Place, 'byAddress' | 'ours' | 'untouchable'>> {
  const byAddress: Place['byAddress'] = new Map();
  const untouchable = new Set<string>();
  const candidates: Array<{ id: string; key: string }> = [];
  for (const folder of await destination.folders('contact')) {
    for (const item of await destination.scan('contact', folder)) {
      if (item.kind !== 'contact') continue;
      if (item.stamp) candidates.push({ id: item.id, key: item.stamp });
      for (const e of item.emails) {
        if (item.stamp) byAddress.set(norm(e.address), item);
        else untouchable.add(norm(e.address));
      }
    }
  }
  // A resumed task: its contacts (and intents whose answer never came) are its own.
  const ours = await claimIntents(ctx.journal, ctx.taskId, await ctx.journal.entries(ctx.taskId, { kind: 'contact' }), candidates, false);
  return { byAddress, ours, untouchable };
}

/** Once per contact and category: a resumed task keeps the first pre-image. */
async function recordCategoryPreImage(journal: RunJournal, taskId: string, id: string, snapshot: CategorySnapshot): Promise<void> {
  const folder = `${id}\n${snapshot.added}`;
  if ((await journal.entries(taskId, { kind: 'snapshot', folder })).length) return;
  await journal.record(taskId, 'snapshot', { folder, key: CATEGORY_SNAPSHOT, ref: id, payload: snapshot });
}

function note(report: FolderReport, line: string): void {
  report.note = report.note ? `${report.note}\n${line}` : line;
}

/** Rollback: takes off every category this task added to a contact it did not create. */
export async function removeAddedCategories(journal: RunJournal, entries: JournalEntry[], destination: () => Promise<PimDestination>): Promise<string[]> {
  if (!entries.length) return [];
  const pim = await destination();
  if (!pim.groupsAsCategories) return [`${entries.length} category(ies) added to contacts were left: the destination no longer takes them off`];
  for (const entry of entries) {
    const { added } = entry.payload as CategorySnapshot;
    await pim.groupsAsCategories.remove(entry.ref!, added);
    await journal.drop(entry.id);
  }
  return [];
}
