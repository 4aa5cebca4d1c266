import { itemLabel } from '../src/items';
import { isEnded, type TaskView } from '../src/task';
import { accountLabel, finalReport, stepCounters } from './views';

/**
 * The thread replies a task deserves: each step's start and end, and the task's end (or its
 * rollback's end). What was already announced is remembered per card, so a restarted bot posts
 * each milestone once and never skips the final one.
 */
export interface Milestone {
  kind: 'step-started' | 'step-ended' | 'task-ended' | 'rollback-started' | 'rollback-ended';
  lines: string[];
  /** The last message of a run: people get notified, the card gets its final state. */
  final: boolean;
  /** What is announced once this one is posted (so a failure later never re-posts it). */
  marks: Record<string, string>;
}

export function pendingMilestones(task: TaskView, announced: Record<string, string>): { milestones: Milestone[]; announced: Record<string, string> } {
  const next = { ...announced };
  const milestones: Milestone[] = [];
  for (const step of task.steps) {
    const key = `step:${step.kind}`;
    const was = announced[key];
    const label = itemLabel(step.kind);
    if (step.status === 'running' || (isStepEnd(step.status) && step.startedAt)) {
      if (!was) milestones.push({ kind: 'step-started', lines: [`▶ ${label} started`], final: false, marks: { [key]: 'running' } });
    }
    if (isStepEnd(step.status) && !isStepEnd(was)) {
      const verb = { done: 'done', failed: 'failed', cancelled: 'cancelled', skipped: 'skipped' }[step.status as 'done'];
      milestones.push({ kind: 'step-ended', lines: [`${step.status === 'done' ? '✅' : '⏹'} ${label} ${verb}: ${stepCounters(step)}`], final: false, marks: { [key]: step.status } });
    }
    if (step.status !== 'pending') next[key] = step.status;
  }
  const was = announced.task;
  if (isEnded(task.status) && was !== task.status && was !== 'rolled_back') {
    milestones.push({ kind: 'task-ended', lines: finalReport(task), final: true, marks: { task: task.status } });
    next.task = task.status;
  } else if (task.status === 'rolling_back' && was !== 'rolling_back') {
    milestones.push({ kind: 'rollback-started', lines: [`↩ Rolling back ${task.id}…`], final: false, marks: { task: 'rolling_back' } });
    next.task = 'rolling_back';
  } else if (task.status === 'rolled_back' && was !== 'rolled_back') {
    milestones.push({ kind: 'rollback-ended', lines: [`↩ ${task.id} rolled back: what it created at ${accountLabel(task.destinationEndpoint)} was removed.`], final: true, marks: { task: 'rolled_back' } });
    next.task = 'rolled_back';
  } else if (was === 'rolling_back' && task.rollbackError && isEnded(task.status)) {
    milestones.push({ kind: 'rollback-ended', lines: [`⚠ The rollback of ${task.id} failed: ${task.rollbackError}`], final: true, marks: { task: task.status } });
    next.task = task.status;
  }
  return { milestones, announced: next };
}

const isStepEnd = (s: string | undefined) => s === 'done' || s === 'failed' || s === 'cancelled' || s === 'skipped';
