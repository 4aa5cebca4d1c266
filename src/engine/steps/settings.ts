import type { StepContext } from '../context';
import type { RuleData } from '../../connectors/pim';
import type { EwsSession } from '../../connectors/ews/types';
import { openEws } from '../../connectors/ews';
import { itemLabel } from '../../items';
import { planFolders } from '../folder-map';
import { ExchangeFolders, mailTree } from '../exchange-folders';

/** Journal snapshot names: what the destination had before the task replaced it. */
export const RULES_SNAPSHOT = 'inboxRules';
export const OOF_SNAPSHOT = 'outOfOffice';

/** Rule actions that name a folder (EWS MoveToFolder / CopyToFolder), re-mapped to the destination's. */
const FOLDER_ACTIONS = ['moveToFolder', 'copyToFolder'];

const CLIENT_RULES_NOTE = 'The source also has client-side rules (kept by Outlook on a computer): those cannot be migrated; recreate them in Outlook.';
const DESTINATION_CLIENT_RULES = 'Not migrated: the destination has client-side Outlook rules, which Exchange deletes when server rules are written. Remove them in Outlook (or move them to the server), then run the migration again for inbox rules.';

async function withBoth<T>(ctx: StepContext, work: (source: EwsSession, destination: EwsSession) => Promise<T>): Promise<T> {
  const source = await openEws(ctx.source, { timeoutMs: ctx.connectTimeoutMs });
  try {
    const destination = await openEws(ctx.destination, { timeoutMs: ctx.connectTimeoutMs });
    try {
      return await work(source, destination);
    } finally {
      await destination.close().catch(() => {});
    }
  } finally {
    await source.close().catch(() => {});
  }
}

/**
 * Inbox rules: the source's server-side rules are added to the destination's (UpdateInboxRules
 * replaces the whole collection, so what the destination had is snapshotted first, for rollback),
 * with folder references re-mapped the way the e-mail step maps folders. A rule already there
 * (same name and content) is not added twice.
 */
export async function runRulesStep(ctx: StepContext): Promise<{ cancelled: boolean }> {
  return withBoth(ctx, async (source, destination) => {
    const [{ rules, hasClientRules }, current] = await Promise.all([source.readRules(), destination.readRules()]);
    // What the destination had before this task's first write (an earlier attempt may have written).
    const before = ctx.journal.snapshot<RuleData[]>(ctx.taskId, RULES_SNAPSHOT) ?? current.rules;
    // Folders the rules need are created only when the rules can be written.
    const mapFolder = await folderMapper(ctx, source, destination, !current.hasClientRules);
    const mapped: RuleData[] = [];
    for (const rule of rules) mapped.push(await remapRule(rule, mapFolder));
    const known = new Set(before.map(ruleKey));
    const toAdd = mapped.filter((r) => !known.has(ruleKey(r)));
    // A resumed attempt finds its own rules already written: they count as copied.
    const written = new Set(current.rules.map(ruleKey));
    const missing = toAdd.filter((r) => !written.has(ruleKey(r)));
    // Writing would delete the destination's client-side rules: never destroy what was there.
    const blocked = missing.length > 0 && current.hasClientRules;
    if (missing.length && !blocked) {
      // Snapshotted only when written: a rollback then never rewrites rules this task left alone.
      ctx.journal.saveSnapshot(ctx.taskId, RULES_SNAPSHOT, before);
      await destination.writeRules([...current.rules, ...missing].map((r, i) => ({ ...r, priority: i + 1 })));
    }
    const copied = blocked ? toAdd.length - missing.length : toAdd.length;
    const counters = { total: rules.length, copied, alreadyPresent: rules.length - toAdd.length, failed: toAdd.length - copied, bytes: JSON.stringify(toAdd).length };
    const notes = [blocked ? DESTINATION_CLIENT_RULES : undefined, hasClientRules ? CLIENT_RULES_NOTE : undefined].filter(Boolean).join(' ');
    ctx.tasks.saveFolderReport(ctx.taskId, {
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
    return { cancelled: false };
  });
}

/** Source folder path → destination folder path, creating (and journaling) folders that are missing when `create`. */
async function folderMapper(ctx: StepContext, source: EwsSession, destination: EwsSession, create: boolean): Promise<(path: string) => Promise<string>> {
  const from = await ExchangeFolders.load(source);
  const to = await ExchangeFolders.load(destination, { journal: ctx.journal, taskId: ctx.taskId });
  const plans = new Map(planFolders(mailTree(from.all), mailTree(to.all)).map((p) => [p.source.toLowerCase(), p.destination]));
  return async (path) => {
    const folder = from.all.find((f) => f.path === path);
    const enginePath = folder ? from.pathOf(folder) : path;
    const planned = plans.get(enginePath.toLowerCase()) ?? enginePath;
    return (create ? await to.ensure(planned) : to.find(planned))?.path ?? planned;
  };
}

async function remapRule(rule: RuleData, mapFolder: (path: string) => Promise<string>): Promise<RuleData> {
  const actions: Record<string, unknown> = { ...rule.actions };
  for (const name of FOLDER_ACTIONS) {
    if (typeof actions[name] === 'string') actions[name] = await mapFolder(actions[name] as string);
  }
  return { ...rule, actions };
}

/** A rule's identity for "already there": everything but its priority. */
function ruleKey(r: RuleData): string {
  return JSON.stringify([r.displayName, r.isEnabled, r.conditions, r.exceptions, r.actions]);
}

/** Out-of-office: the destination's settings are snapshotted, then replaced by the source's. */
export async function runOofStep(ctx: StepContext): Promise<{ cancelled: boolean }> {
  return withBoth(ctx, async (source, destination) => {
    const [oof, current] = await Promise.all([source.readOof(), destination.readOof()]);
    // What the destination had before this task's first write (an earlier attempt may have written).
    const before = ctx.journal.snapshot<typeof current>(ctx.taskId, OOF_SNAPSHOT) ?? current;
    const same = JSON.stringify(oof) === JSON.stringify(before);
    if (JSON.stringify(oof) !== JSON.stringify(current)) {
      // Snapshotted only when written: a rollback then never overwrites settings this task left alone.
      ctx.journal.saveSnapshot(ctx.taskId, OOF_SNAPSHOT, before);
      await destination.writeOof(oof);
    }
    const counters = { total: 1, copied: same ? 0 : 1, alreadyPresent: same ? 1 : 0, failed: 0, bytes: JSON.stringify(oof).length };
    ctx.progress.update({ taskId: ctx.taskId, step: 'outOfOffice', counters, at: Date.now() });
    return { cancelled: false };
  });
}
