import { isEnded, type TaskStatus, type TaskView } from './task';

/** A CSV row that was not queued: its line, the column at fault (when one is), and why. */
export interface RowProblem {
  line: number;
  column?: string;
  message: string;
}

/** One task of a batch as its card lists it. */
export interface BatchTaskLine {
  line: number;
  id: string;
  status: TaskStatus;
  source: string;
  destination: string;
  /** Items handled (copied, already present or failed) out of the total counted so far. */
  done: number;
  total: number;
  /** Messages/items per second while it ran (undefined before it started). */
  rate?: number;
  error?: string;
}

/** The batch document: what `tern status B-…` and the batch card show. No secret in it. */
export interface BatchView {
  id: string;
  name: string;
  requester: string;
  createdAt: string;
  /** How many tasks are in each state. */
  counts: Partial<Record<TaskStatus, number>>;
  total: number;
  /** Items copied over all tasks, and per second since the first task started. */
  copied: number;
  bytes: number;
  throughput?: number;
  /** The running (or else ended) task moving slowest, by items per second. */
  slowest?: BatchTaskLine;
  /** Tasks that failed, with their reasons. */
  failed: BatchTaskLine[];
  /** Rows refused when the batch was queued. */
  refused: RowProblem[];
  tasks: BatchTaskLine[];
  /** Every task has ended (or been rolled back). */
  ended: boolean;
}

const handled = (t: TaskView) => t.steps.reduce((n, s) => n + s.copied + s.alreadyPresent + s.failed, 0);

function lineOf(t: TaskView, line: number, now: number): BatchTaskLine {
  const started = t.startedAt ? Date.parse(t.startedAt) : undefined;
  const until = t.endedAt ? Date.parse(t.endedAt) : now;
  const seconds = started === undefined ? undefined : Math.max(1, (until - started) / 1000);
  return {
    line,
    id: t.id,
    status: t.status,
    source: t.source,
    destination: t.destination,
    done: handled(t),
    total: t.steps.reduce((n, s) => n + s.total, 0),
    rate: seconds === undefined ? undefined : handled(t) / seconds,
    error: t.error,
  };
}

/** Counts, throughput, the slowest task and the failures of a batch, from its tasks as they are now. */
export function summarizeBatch(head: { id: string; name: string; requester: string; createdAt: number; refused: RowProblem[] }, tasks: Array<{ line: number; task: TaskView }>, now = Date.now()): BatchView {
  const lines = tasks.map(({ line, task }) => lineOf(task, line, now)).sort((a, b) => a.line - b.line);
  const counts: BatchView['counts'] = {};
  for (const l of lines) counts[l.status] = (counts[l.status] ?? 0) + 1;
  const copied = tasks.reduce((n, { task }) => n + task.steps.reduce((m, s) => m + s.copied, 0), 0);
  const bytes = tasks.reduce((n, { task }) => n + task.steps.reduce((m, s) => m + s.bytes, 0), 0);
  const starts = tasks.map(({ task }) => task.startedAt).filter((s): s is string => !!s).map(Date.parse);
  const ended = lines.every((l) => isEnded(l.status) || l.status === 'rolled_back');
  const lastEnd = Math.max(...tasks.map(({ task }) => (task.endedAt ? Date.parse(task.endedAt) : 0)));
  const seconds = starts.length ? Math.max(1, ((ended && lastEnd > 0 ? lastEnd : now) - Math.min(...starts)) / 1000) : undefined;
  const moving = lines.filter((l) => l.rate !== undefined && l.status === 'running');
  const candidates = moving.length ? moving : lines.filter((l) => l.rate !== undefined && isEnded(l.status));
  const slowest = candidates.reduce<BatchTaskLine | undefined>((a, b) => (a === undefined || b.rate! < a.rate! ? b : a), undefined);
  return {
    id: head.id,
    name: head.name,
    requester: head.requester,
    createdAt: new Date(head.createdAt).toISOString(),
    counts,
    total: lines.length,
    copied,
    bytes,
    throughput: seconds === undefined ? undefined : copied / seconds,
    slowest,
    failed: lines.filter((l) => l.status === 'failed'),
    refused: head.refused,
    tasks: lines,
    ended,
  };
}
