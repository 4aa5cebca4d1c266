import type { DestinationFolder, FolderContents, FolderState, MailSource, MessageSummary } from '../../ports/mail';
import type { SyncedMessage } from '../../store/folder-sync';
import type { FolderReport, StepCounters } from '../../task';
import type { StepContext } from '../context';
import type { PlannedFolder } from '../folder-map';

/** One source folder on its way: its plan, its report, and the batches still to copy. */
export interface FolderJob {
  plan: PlannedFolder;
  report: FolderReport;
  /** Set once the folder was ensured and scanned at the destination. */
  folder?: DestinationFolder;
  contents?: FolderContents;
  pendingChunks: number;
  done?: () => void;
  /**
   * The sync state this pass builds, saved once the folder is done without a failure (see
   * sync-state.ts): the source's state before it was read, and every message both sides hold.
   * `complete` turns false when a copy's destination id stayed unknown.
   */
  sync?: { source: FolderState; permanentFlags?: string[]; messages: SyncedMessage[]; complete: boolean; changed?: boolean };
  /** Each side's state as listed when the task planned its folders (IMAP LIST-STATUS), when the server told it. */
  listed?: { source?: FolderState; destination?: FolderState };
  /** The destination's state when the folder was found unchanged (nothing to ask it at the end). */
  unchangedAt?: FolderState;
  /** The destination's state when it is known without asking: an empty source folder's, as listed. */
  knownDestination?: FolderState;
  /** Once scanned: the bytes this pass moves for the folder (copied before, plus still to copy, less what was refused). */
  plannedBytes?: number;
}

export type CopyChunk = { job: FolderJob; messages: MessageSummary[] };

/** Adds up source, copied, already-present and failed; a difference is a visible warning. */
export function verifyFolder(report: FolderReport): string | undefined {
  const accounted = report.copied + report.alreadyPresent + report.failed;
  const problems: string[] = [];
  if (accounted !== report.sourceCount) problems.push(`${report.sourceCount} at the source but ${accounted} accounted for`);
  if (report.destinationCount !== undefined && report.destinationCount < report.copied + report.alreadyPresent) {
    problems.push(`${report.destinationCount} at the destination, fewer than the ${report.copied + report.alreadyPresent} copied or already present`);
  }
  if (report.failed > 0) problems.push(`${report.failed} failed`);
  return problems.length ? problems.join('; ') : undefined;
}

/**
 * One job per planned folder, its report saved as pending; the source counts go into
 * `counters.total`. Folder states listed with the folders (by path) spare a STATUS each.
 */
export async function planJobs(ctx: StepContext, source: MailSource, plans: PlannedFolder[], counters: StepCounters, listed: { source: Map<string, FolderState>; destination: Map<string, FolderState> }): Promise<FolderJob[]> {
  const jobs: FolderJob[] = [];
  for (const plan of plans) {
    const states = { source: listed.source.get(plan.source), destination: listed.destination.get(plan.destination) };
    const sourceCount = states.source?.count ?? (await source.count(plan.source));
    counters.total += sourceCount;
    const report = { sourceFolder: plan.source, destinationFolder: plan.destination, status: 'pending' as const, sourceCount, copied: 0, alreadyPresent: 0, failed: 0, bytes: 0, note: plan.note };
    await ctx.tasks.saveFolderReport(ctx.taskId, report);
    jobs.push({ plan, report: { ...report }, pendingChunks: 0, listed: states });
  }
  return jobs;
}

/**
 * A finished folder keeps only its report: its sync state is saved, and the per-message lists
 * (one entry per message of the folder) would otherwise stay in memory until the step ends,
 * growing with the mailbox (50,000 messages in 500 folders) rather than with the folders under way.
 */
export function forgetMessages(job: FolderJob): void {
  job.sync = undefined;
  job.contents = undefined;
}

/** After a cancel: the folders never started are reported cancelled. */
export async function cancelPending(ctx: StepContext, jobs: FolderJob[]): Promise<void> {
  for (const job of jobs.filter((j) => j.report.status === 'pending')) {
    job.report.status = 'cancelled';
    await ctx.tasks.saveFolderReport(ctx.taskId, job.report);
  }
}

/**
 * The bytes the step has to move, for a bytes-based ETA: what the scanned folders need, plus, for
 * the folders not scanned yet, their message counts at the bytes per message seen so far. 0 while
 * nothing is scanned (progress then falls back to counting items).
 */
export function plannedBytes(jobs: FolderJob[]): number {
  let known = 0;
  let knownMessages = 0;
  let unscannedMessages = 0;
  for (const job of jobs) {
    if (job.plannedBytes === undefined) unscannedMessages += job.report.sourceCount;
    else {
      known += job.plannedBytes;
      knownMessages += job.report.sourceCount;
    }
  }
  return knownMessages ? Math.round(known + (unscannedMessages * known) / knownMessages) : 0;
}
