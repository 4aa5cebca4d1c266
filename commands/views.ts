import { itemLabel } from '../src/items';
import type { StepView, TaskStatus, TaskView } from '../src/task';
import type { AccountEndpoint } from '../src/ports/account';
import { perSecond, progressFigures } from './progress-figures';
import { outcomeLines } from '../src/outcome';
import { reshapedKinds } from '../src/connectors/registry';

/**
 * An account as chat shows it: who, on which server. Never as a URL: a URL with userinfo
 * (`imap://alice@host`) reads as a link to log in with, and chat clients make it one.
 */
export function accountLabel(a: AccountEndpoint): string {
  const who = a.impersonate ? `${a.impersonate} (as ${a.user})` : a.user;
  // Calendars and contacts on their own server (CalDAV/CardDAV) are named too: the user chose them.
  const pim = a.pim ? ` + calendars and contacts on ${a.pim.host}:${a.pim.port}` : '';
  if (a.protocol === 'pst') return `${a.user} (PST file)`;
  if (a.protocol === 'ews') return `${who} on Exchange ${a.host}${pim}`;
  // graph:// names the tenant, not a server; graph+http:// a proxy or test server.
  if (a.protocol === 'graph') return `${who} on Microsoft 365${a.secure ? '' : ` (Graph at ${a.host}:${a.port})`}`;
  return `${who} on ${a.protocol.toUpperCase()} ${a.host}:${a.port}${pim}`;
}

/**
 * Platform-neutral view models: what a status card shows and which buttons it offers. Each chat
 * adapter renders them its own way (Block Kit, Discord embeds); none of this knows a platform.
 */
export type CardAction = 'cancel' | 'rollback' | 'retry' | 'refresh';

export interface CardButton {
  action: CardAction;
  label: string;
  style?: 'primary' | 'danger';
  /** Ask before doing it. */
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

export interface CardStep {
  label: string;
  state: StepView['status'];
  /** e.g. "1,204 copied · 12 already there · 0 failed of 1,216 · 48.2 MB" */
  counters: string;
}

export interface StatusCard {
  taskId: string;
  title: string;
  status: TaskStatus;
  /** One line that says where the task stands, e.g. "Running", "Cancelling after E-mails…". */
  headline: string;
  source: string;
  destination: string;
  requester: string;
  createdAt: string;
  updatedAt: string;
  steps: CardStep[];
  progress: { percent: number; bar: string; done: number; total: number; throughput?: string; eta?: string };
  /** Remarks: errors, folder warnings (text from servers and users: adapters escape and bound it). */
  notes: string[];
  /**
   * Why the task waits (a server paused it, a sign-in, a free slot) and when it tries again (ISO):
   * kept apart from the notes so each adapter shows the times in the reader's own time zone.
   */
  waiting?: { reason: string; since: string; nextTryAt: string };
  /** Who asked for the cancel (the platform's mention of them, as the adapter made it) and when (ISO). */
  cancel?: { by: string; at?: string };
  /** Until when Rollback may be pressed (ISO); adapters show it in each reader's time zone. */
  rollbackUntil?: string;
  /** Who asked for the rollback (their actor ID, e.g. "slack:U…") and when (ISO). */
  rollback?: { by: string; at: string };
  buttons: CardButton[];
  final: boolean;
}

const HEADLINES: Record<TaskStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  completed_with_errors: 'Completed with errors',
  failed: 'Failed',
  cancelled: 'Cancelled',
  rolling_back: 'Rolling back…',
  rolled_back: 'Rolled back',
};

export const number = (n: number) => n.toLocaleString('en-US');

export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${s}s`;
}

export function progressBar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

export function stepCounters(s: StepView): string {
  return `${number(s.copied)} copied · ${number(s.alreadyPresent)} already there · ${number(s.failed)} failed of ${number(s.total)} · ${bytes(s.bytes)}`;
}

/** The status card of a task at `now`. */
export function statusCard(t: TaskView, now = Date.now()): StatusCard {
  const figures = progressFigures(t, now);
  const { total, done } = figures;
  const fraction = total ? done / total : t.status === 'completed' || t.status === 'completed_with_errors' ? 1 : 0;
  const progress = {
    percent: Math.floor(Math.min(1, fraction) * 100),
    bar: progressBar(fraction),
    done,
    total,
    throughput: figures.bytesPerSecond !== undefined ? `${perSecond(figures.messagesPerSecond ?? 0)} · ${bytes(figures.bytesPerSecond)}/s` : undefined,
    eta: figures.etaSeconds !== undefined ? duration(figures.etaSeconds) : undefined,
  };
  const runningStep = t.steps.find((s) => s.status === 'running');
  const headline = t.cancelling
    ? `Cancelling after ${runningStep ? itemLabel(runningStep.kind) : 'the current step'}…`
    : t.waiting
      ? t.status === 'queued'
        ? 'Queued: waiting for a free slot…'
        : `Waiting for the ${t.waiting.side ?? 'mail'} server…`
      : HEADLINES[t.status];
  const notes: string[] = [...upFrontNotes(t)];
  if (t.error) notes.push(`Error: ${t.error}`);
  if (t.rollbackError) notes.push(`Rollback failed: ${t.rollbackError}`);
  if (t.notifyError) notes.push(`Notification e-mail not sent: ${t.notifyError}`);
  for (const n of t.rollbackNotes ?? []) notes.push(`Left by the rollback: ${n}`);
  for (const d of t.detected ?? []) notes.push(d.charAt(0).toUpperCase() + d.slice(1));
  for (const f of t.folders) if (f.warning) notes.push(`${f.sourceFolder}: ${f.warning}`);
  // Failed items grouped by category, a few of each (the CLI and --json list them all).
  notes.push(...(t.failedItems ? outcomeLines(t, 3, '• ') : failureNotes(t)));
  return {
    taskId: t.id,
    title: `Migration ${t.id}`,
    status: t.status,
    headline,
    source: accountLabel(t.sourceEndpoint),
    destination: accountLabel(t.destinationEndpoint),
    requester: t.requester,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    steps: t.steps.map((s) => ({ label: itemLabel(s.kind), state: s.status, counters: stepCounters(s) })),
    progress,
    notes,
    ...(t.waiting ? { waiting: { reason: t.waiting.reason, since: t.waiting.since, nextTryAt: t.waiting.nextTryAt } } : {}),
    ...(t.rollbackAsked ? { rollback: t.rollbackAsked } : {}),
    ...(t.canRollback && t.rollbackUntil ? { rollbackUntil: t.rollbackUntil } : {}),
    ...(t.cancelledBy ? { cancel: { by: t.cancelledBy, ...(t.cancelledAt ? { at: t.cancelledAt } : {}) } } : {}),
    buttons: buttonsFor(t),
    final: t.status !== 'queued' && t.status !== 'running' && t.status !== 'rolling_back',
  };
}

/**
 * The waiting note, its times written by `time` (a Slack `<!date>` token, a Discord `<t:…>`
 * timestamp: each reader sees their own time zone). `reason` comes as the adapter escaped it.
 */
export function waitingNote(w: NonNullable<StatusCard['waiting']>, time: (iso: string) => string): string {
  return `${w.reason} Waiting since ${time(w.since)}; next try at ${time(w.nextTryAt)}.`;
}

function buttonsFor(t: TaskView): CardButton[] {
  const buttons: CardButton[] = [];
  if ((t.status === 'queued' || t.status === 'running') && !t.cancelling) buttons.push({ action: 'cancel', label: 'Cancel', style: 'danger' });
  if (t.canRollback) {
    buttons.push({
      action: 'rollback',
      label: 'Rollback',
      style: 'danger',
      confirm: {
        title: 'Roll back this migration?',
        text: `Everything ${t.id} created at ${accountLabel(t.destinationEndpoint)} is removed. What was there before stays.`,
        confirm: 'Roll back',
        deny: 'Keep it',
      },
    });
  }
  // Worth offering when something is left to copy: failed items, or a task that stopped early.
  if (t.canRetry && (t.status !== 'completed' || t.failedItems)) buttons.push({ action: 'retry', label: 'Retry failed', style: 'primary' });
  buttons.push({ action: 'refresh', label: 'Refresh' });
  return buttons;
}

/** Why items failed, a line per folder (its commonest reason), at most a few: the report has them all. */
function failureNotes(t: TaskView, most = 5): string[] {
  const failing = t.folders.filter((f) => f.failures?.length);
  const lines = failing.slice(0, most).map((f) => {
    const [first, ...rest] = [...f.failures!].sort((a, b) => b.count - a.count);
    return `${f.sourceFolder}: ${number(f.failed)} failed — ${first.reason}${rest.length ? ` (and ${rest.length} other reason${rest.length > 1 ? 's' : ''})` : ''}`;
  });
  if (failing.length > most) lines.push(`…and ${failing.length - most} more folders with failures: tern status ${t.id} lists them all.`);
  return lines;
}

/** The final report: per-folder counts, source against destination. */
export function finalReport(t: TaskView): string[] {
  const lines = [`${HEADLINES[t.status]}: ${t.id}`];
  for (const s of t.steps) lines.push(`${itemLabel(s.kind)}: ${s.status}, ${stepCounters(s)}`);
  for (const f of t.folders) {
    const dest = f.destinationCount === undefined ? '—' : number(f.destinationCount);
    lines.push(`${f.sourceFolder} → ${f.destinationFolder}: ${number(f.sourceCount)} at the source, ${number(f.copied)} copied, ${number(f.alreadyPresent)} already there, ${number(f.failed)} failed, ${dest} at the destination${f.warning ? ` ⚠ ${f.warning}` : ''}`);
    for (const x of f.failures ?? []) lines.push(`    ${number(x.count)} failed: ${x.reason}`);
  }
  if (t.error) lines.push(`Error: ${t.error}`);
  const outcome = outcomeLines(t, 10);
  if (outcome.length) lines.push('Failed items by category:', ...outcome);
  return lines;
}

/** What the destination does with kinds it takes in another shape (contact groups into Microsoft 365), said from the start. */
export function upFrontNotes(t: Pick<TaskView, 'items' | 'destinationEndpoint'>): string[] {
  return reshapedKinds(t.items, t.destinationEndpoint.protocol, t.destinationEndpoint.pim?.protocol);
}
