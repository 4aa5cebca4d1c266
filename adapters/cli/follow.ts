import { isEnded, type TaskView } from '../../src/task';
import { optionsScopeNote } from '../../src/options';
import type { CliSession } from './session';
import type { CliIo } from './io';
import { taskJson, taskText } from './render';
import type { TaskProgressBar } from './progress';

/**
 * Follows a task to its end; runs a worker in this process when none is running. Ctrl-C or
 * SIGTERM stop following (the session then closes cleanly, private Redis included) and the task
 * resumes in the next worker.
 */
export async function followTask(s: CliSession, id: string, done: (t: TaskView) => boolean, showBar: boolean): Promise<TaskView> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  // Listening first: loading and starting the worker takes a moment, and Ctrl-C meanwhile must stop as cleanly.
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let worker: Awaited<ReturnType<typeof s.service.startWorker>> | undefined;
  let bar: TaskProgressBar | undefined;
  try {
    if (!(await s.service.workersRunning())) worker = await s.service.startWorker();
    const terminal = showBar ? s.io.terminal : undefined;
    if (terminal) bar = new (await import('./progress')).TaskProgressBar(terminal);
    return await s.service.follow(id, done, (t) => bar?.update(t), stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    bar?.stop();
    // Interrupted: do not wait for the task; its job is picked up again by the next worker.
    await worker?.close(stop.signal.aborted);
  }
}

/** After `migrate` or `import-pst`: the task ID, then (unless --detach) the task followed to its end. Exit 0 only for completed. */
export async function followCreated(s: CliSession, task: TaskView, o: { json?: boolean; detach?: boolean }): Promise<number> {
  const { io } = s;
  (o.json ? io.stderr : io.stdout)(`Task ${task.id} created: ${task.source} -> ${task.destination}\n`);
  for (const d of task.detected ?? []) io.stderr(`  ${d}\n`);
  const scope = optionsScopeNote(task.options, task.items);
  if (scope) io.stderr(`  ${scope}\n`);
  if (o.detach) {
    if (o.json) io.stdout(JSON.stringify(taskJson(task)) + '\n');
    return 0;
  }
  const final = await followTask(s, task.id, (t) => isEnded(t.status), true);
  printTask(io, final, Boolean(o.json));
  return exitCodeOf(final.status);
}

/** 0 completed; 3 completed with errors (some items failed: see the folders); 1 failed or cancelled. */
export function exitCodeOf(status: TaskView['status']): number {
  return status === 'completed' ? 0 : status === 'completed_with_errors' ? 3 : 1;
}

export function printTask(io: CliIo, t: TaskView, json: boolean): void {
  io.stdout((json ? JSON.stringify(taskJson(t)) : taskText(t)) + '\n');
}
