import type { MessageSummary } from '../../connectors/types';
import type { FolderReport } from '../../task';
import type { PlannedFolder } from '../folder-map';

/** One source folder on its way: its plan, its report, and the batches still to copy. */
export interface FolderJob {
  plan: PlannedFolder;
  report: FolderReport;
  /** Set once the folder was scanned. */
  destinationPath?: string;
  uidValidity?: string;
  /** The destination folder's UIDNEXT when it was scanned: appended messages get UIDs from here up. */
  uidNext?: number;
  permanentFlags?: Set<string>;
  pendingChunks: number;
  done?: () => void;
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
