import { itemLabel } from '../items';
import { statusText, type TaskEvent, type TaskView } from '../task';
import { failedItemLine, failureGroups, type FailureGroup } from '../outcome';

const TITLES: Record<TaskEvent, string> = {
  started: 'started',
  completed: 'completed',
  completed_with_errors: 'completed with errors',
  failed: 'failed',
  cancelled: 'cancelled',
  rolled_back: 'rolled back',
  rollback_failed: 'rollback failed',
};

/**
 * A short plain-text + HTML notification: task ID, source → destination, per-step counts, the
 * state, and how to follow or roll back. Built from the task document, which holds no secret.
 */
export function taskEmail(task: TaskView, event: TaskEvent): { subject: string; text: string; html: string } {
  const subject = `Tern ${task.id} ${TITLES[event]}: ${task.sourceEndpoint.user} → ${task.destinationEndpoint.user}`;
  const steps = task.steps.map((s) => `${itemLabel(s.kind)}: ${s.status} — ${s.copied} copied, ${s.alreadyPresent} already there, ${s.failed} failed of ${s.total}`);
  // Why items failed, in the servers' words, folder by folder.
  for (const f of task.folders) for (const x of f.failures ?? []) steps.push(`${f.sourceFolder}: ${x.count} failed — ${x.reason}`);
  const groups = failureGroups(task);
  const outcome = groups.flatMap((g) => [`${g.label}: ${g.count}`, ...g.items.slice(0, ITEMS_PER_GROUP).map((i) => `  ${failedItemLine(i)}`), ...more(g)]);
  const next = nextSteps(task, event);
  const lines = [
    `Migration ${task.id} ${TITLES[event]}.`,
    '',
    `From: ${task.source}`,
    `To:   ${task.destination}`,
    `State: ${statusText(task.status)}`,
    ...(task.error ? [`Error: ${task.error}`] : []),
    ...(task.rollbackError ? [`Rollback error: ${task.rollbackError}`] : []),
    '',
    ...steps,
    '',
    ...(outcome.length ? ['Failed items by category:', ...outcome, ''] : []),
    ...next,
  ];
  const html = [
    `<p>Migration <b>${esc(task.id)}</b> ${TITLES[event]}.</p>`,
    `<table><tr><td>From</td><td>${esc(task.source)}</td></tr><tr><td>To</td><td>${esc(task.destination)}</td></tr><tr><td>State</td><td>${esc(statusText(task.status))}</td></tr>`,
    ...(task.error ? [`<tr><td>Error</td><td>${esc(task.error)}</td></tr>`] : []),
    ...(task.rollbackError ? [`<tr><td>Rollback error</td><td>${esc(task.rollbackError)}</td></tr>`] : []),
    '</table>',
    `<ul>${steps.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>`,
    ...(groups.length ? ['<p>Failed items by category:</p>'] : []),
    ...groups.map((g) => `<h4>${esc(g.label)}: ${g.count}</h4><ul>${[...g.items.slice(0, ITEMS_PER_GROUP).map(failedItemLine), ...more(g)].map((l) => `<li>${esc(l.trim())}</li>`).join('')}</ul>`),
    ...next.map((l) => `<p>${esc(l)}</p>`),
  ].join('\n');
  return { subject, text: lines.join('\n'), html };
}

/** Items listed per category in an e-mail; `tern status` lists them all. */
const ITEMS_PER_GROUP = 20;
const more = (g: FailureGroup) => {
  const listed = g.items.slice(0, ITEMS_PER_GROUP).reduce((n, i) => n + i.count, 0);
  return g.count > listed ? [`  …and ${g.count - listed} more`] : [];
};

function nextSteps(task: TaskView, event: TaskEvent): string[] {
  const follow = `Follow it: "/migrate status ${task.id} ${task.sourceEndpoint.user}" in chat, or "tern status ${task.id}".`;
  if (event === 'started') return [follow];
  if (task.canRollback && task.rollbackUntil) {
    const retry = task.canRetry && task.status !== 'completed' ? [`Retry what failed: the Retry failed button on its card, or "tern retry ${task.id}".`] : [];
    return [...retry, `It can be rolled back until ${task.rollbackUntil.replace('T', ' ').slice(0, 16)} UTC: the Rollback button on its card, "/migrate rollback ${task.id}", or "tern rollback ${task.id}".`];
  }
  return [];
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
