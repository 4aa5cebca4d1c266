import { cancel } from '../../../commands/cancel';
import { rollback } from '../../../commands/rollback';
import { retry } from '../../../commands/retry';
import { actorOf, clock, type SlackDeps } from '../context';

/**
 * Cancel and rollback, from a button or a slash command: authorised by the service, recorded in
 * the audit log (by the service) and in the task's thread. Returns the line for the clicker.
 */
export async function cancelTask(deps: SlackDeps, taskId: string, userId: string): Promise<string> {
  const task = await cancel(deps.service, { taskId }, actorOf(deps, userId));
  await deps.cards.say(task.id, `⏹ Cancel asked by <@${userId}> at ${clock()}${task.status === 'cancelled' ? '' : ': the folder in progress is finished first.'}`);
  deps.cards.refresh(task.id);
  return task.status === 'cancelled' ? `${task.id} is cancelled.` : `${task.id} is cancelling: the folder in progress is finished first.`;
}

export async function rollbackTask(deps: SlackDeps, taskId: string, userId: string): Promise<string> {
  const task = await rollback(deps.service, { taskId }, actorOf(deps, userId));
  await deps.cards.say(task.id, `↩ Rollback asked by <@${userId}> at ${clock()}`);
  deps.cards.refresh(task.id);
  return `Rolling back ${task.id}: what it created at the destination is being removed.`;
}

/** Retry failed: a new pass over what the task did not copy, on the same card and thread. */
export async function retryTask(deps: SlackDeps, taskId: string, userId: string): Promise<string> {
  const task = await retry(deps.service, { taskId }, actorOf(deps, userId));
  await deps.cards.say(task.id, `🔁 Retry asked by <@${userId}> at ${clock()}: pass ${task.pass} copies what failed, plus what arrived since.`);
  deps.cards.refresh(task.id);
  return `Retrying ${task.id}: what failed is tried again (pass ${task.pass}); one rollback still removes everything it copied.`;
}
