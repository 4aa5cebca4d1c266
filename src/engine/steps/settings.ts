import type { StepContext, StepResult } from '../context';
import type { SettingsPort } from '../../ports/pim';
import { mapRuleFolders, type OofData, type RuleData } from '../../ports/pim-items';
import type { JournalEntry } from '../../store/journal';
import type { RunJournal } from '../run-journal';
import { itemLabel } from '../../items';
import { planFolders } from '../folder-map';
import { openOn } from '../sided';

/** Snapshot names: what the destination had before the task replaced it. */
const RULES_SNAPSHOT = 'inboxRules';
const OOF_SNAPSHOT = 'outOfOffice';

const CLIENT_RULES_NOTE = 'The source also has client-side rules (kept by Outlook on a computer): those cannot be migrated; recreate them in Outlook.';
const DESTINATION_CLIENT_RULES = 'Not migrated: the destination has client-side Outlook rules, which Exchange deletes when server rules are written. Remove them in Outlook (or move them to the server), then run the migration again for inbox rules.';

async function withBoth<T>(ctx: StepContext, work: (source: SettingsPort, destination: SettingsPort) => Promise<T>): Promise<T> {
  const [from, to] = await Promise.all([ctx.connectors(ctx.source.protocol), ctx.connectors(ctx.destination.protocol)]);
  const source = await openOn('source', from.settings!(ctx.source, ctx.open));
  try {
    const destination = await openOn('destination', to.settings!(ctx.destination, ctx.open));
    try {
      return await work(source, destination);
    } finally {
      await destination.close().catch(() => {});
    }
  } finally {
    await source.close().catch(() => {});
  }
}

/** What the destination had before this task first replaced it; an earlier attempt may have written already. */
async function snapshotOf<T>(journal: RunJournal, taskId: string, name: string): Promise<T | undefined> {
  return (await journal.entries(taskId, { kind: 'snapshot', folder: name }))[0]?.payload as T | undefined;
}

/** Kept the first time only: a resumed task must not overwrite what was there before it. */
async function keepSnapshot(journal: RunJournal, taskId: string, name: string, value: unknown): Promise<void> {
  if ((await snapshotOf(journal, taskId, name)) === undefined) await journal.record(taskId, 'snapshot', { folder: name, key: name, payload: value });
}

/**
 * Inbox rules: the source's server-side rules are added to the destination's (the whole
 * collection is written at once, so what the destination had is snapshotted first, for rollback),
 * with folder references re-mapped the way the e-mail step maps folders. A rule already there
 * (same name and content) is not added twice.
 */
export async function runRulesStep(ctx: StepContext): Promise<StepResult> {
  return withBoth(ctx, async (source, destination) => {
    const [{ rules, hasClientRules }, current] = await Promise.all([source.readRules(), destination.readRules()]);
    const before = (await snapshotOf<RuleData[]>(ctx.journal, ctx.taskId, RULES_SNAPSHOT)) ?? current.rules;
    // Folders the rules need are created only when the rules can be written.
    const mapped = await withFolderMap(ctx, !current.hasClientRules, async (mapFolder) => {
      const out: RuleData[] = [];
      for (const rule of rules) out.push(await mapRuleFolders(rule, mapFolder));
      return out;
    });
    const known = new Set(before.map(ruleKey));
    const toAdd = mapped.filter((r) => !known.has(ruleKey(r)));
    // A resumed attempt finds its own rules already written: they count as copied.
    const written = new Set(current.rules.map(ruleKey));
    const missing = toAdd.filter((r) => !written.has(ruleKey(r)));
    // Writing would delete the destination's client-side rules: never destroy what was there.
    const blocked = missing.length > 0 && current.hasClientRules;
    let refused: Array<{ displayName: string; reason: string }> = [];
    if (missing.length && !blocked) {
      // Snapshotted only when written: a rollback then never rewrites rules this task left alone.
      await keepSnapshot(ctx.journal, ctx.taskId, RULES_SNAPSHOT, before);
      refused = (await destination.writeRules([...current.rules, ...missing].map((r, i) => ({ ...r, priority: i + 1 }))))?.refused ?? [];
    }
    const copied = (blocked ? toAdd.length - missing.length : toAdd.length) - refused.length;
    const counters = { total: rules.length, copied, alreadyPresent: rules.length - toAdd.length, failed: toAdd.length - copied, bytes: JSON.stringify(toAdd).length };
    const notes = [blocked ? DESTINATION_CLIENT_RULES : undefined, hasClientRules ? CLIENT_RULES_NOTE : undefined, ...refused.map((r) => `Not migrated: the rule "${r.displayName}": ${r.reason}.`)].filter(Boolean).join(' ');
    await ctx.tasks.saveFolderReport(ctx.taskId, {
      sourceFolder: itemLabel('inboxRules'),
      destinationFolder: itemLabel('inboxRules'),
      status: 'done',
      sourceCount: rules.length,
      copied: counters.copied,
      alreadyPresent: counters.alreadyPresent,
      failed: counters.failed,
      bytes: counters.bytes,
      destinationCount: before.length + copied,
      note: notes || undefined,
      warning: counters.failed ? `${counters.failed} rule(s) not migrated` : undefined,
    });
    ctx.progress.update({ taskId: ctx.taskId, step: 'inboxRules', counters, at: Date.now() });
    return { cancelled: false, counters };
  });
}

/**
 * Source mail folder path → destination path, as the e-mail step plans it; missing folders are
 * created (and journaled) when `create`, else the planned path is kept.
 */
async function withFolderMap<T>(ctx: StepContext, create: boolean, work: (mapFolder: (path: string) => Promise<string>) => Promise<T>): Promise<T> {
  const [from, to] = await Promise.all([ctx.connectors(ctx.source.protocol), ctx.connectors(ctx.destination.protocol)]);
  const source = await openOn('source', from.mailSource!(ctx.source, ctx.open));
  const sourceTree = await source.folders().finally(() => source.close().catch(() => {}));
  const destination = await openOn('destination', to.mailDestination!(ctx.destination, ctx.open));
  try {
    const plans = new Map(planFolders(sourceTree, await destination.folders()).map((p) => [p.source.toLowerCase(), p.destination]));
    return await work(async (path) => {
      const planned = plans.get(path.toLowerCase()) ?? path;
      if (!create) return planned;
      const { folder } = await destination.ensureFolder(planned, async (f) => void (await ctx.journal.record(ctx.taskId, 'folder', { folder: f.path, key: 'mail', ref: f.id })));
      return folder.path;
    });
  } finally {
    await destination.close().catch(() => {});
  }
}

/** A rule's identity for "already there": everything but its priority. */
function ruleKey(r: RuleData): string {
  return JSON.stringify([r.displayName, r.isEnabled, r.conditions, r.exceptions, r.actions]);
}

/** Out-of-office: the destination's settings are snapshotted, then replaced by the source's. */
export async function runOofStep(ctx: StepContext): Promise<StepResult> {
  return withBoth(ctx, async (source, destination) => {
    const [oof, current] = await Promise.all([source.readOof(), destination.readOof()]);
    const before = (await snapshotOf<OofData>(ctx.journal, ctx.taskId, OOF_SNAPSHOT)) ?? current;
    const same = JSON.stringify(oof) === JSON.stringify(before);
    if (JSON.stringify(oof) !== JSON.stringify(current)) {
      // Snapshotted only when written: a rollback then never overwrites settings this task left alone.
      await keepSnapshot(ctx.journal, ctx.taskId, OOF_SNAPSHOT, before);
      await destination.writeOof(oof);
    }
    const counters = { total: 1, copied: same ? 0 : 1, alreadyPresent: same ? 1 : 0, failed: 0, bytes: JSON.stringify(oof).length };
    ctx.progress.update({ taskId: ctx.taskId, step: 'outOfOffice', counters, at: Date.now() });
    return { cancelled: false, counters };
  });
}

/**
 * Rollback: the rules and out-of-office settings the task replaced are put back. Rewriting the
 * rules would delete client-side Outlook rules made since, so then they are left, and said so;
 * that snapshot stays, so a later rollback (once those are gone) can restore it.
 */
export async function restoreSettings(journal: RunJournal, snapshots: JournalEntry[], settings: SettingsPort): Promise<string[]> {
  const kept: string[] = [];
  const rules = snapshots.find((s) => s.key === RULES_SNAPSHOT);
  if (rules) {
    if ((await settings.readRules()).hasClientRules) kept.push('Inbox rules: left as they are, because the mailbox now has client-side Outlook rules that rewriting the rules would delete; remove them, or the migrated rules, by hand.');
    else {
      await settings.writeRules(rules.payload as RuleData[]);
      await journal.drop(rules.id);
    }
  }
  const oof = snapshots.find((s) => s.key === OOF_SNAPSHOT);
  if (oof) {
    await settings.writeOof(oof.payload as OofData);
    await journal.drop(oof.id);
  }
  return kept;
}
