import type { Logger } from '../log';
import type { TaskStore } from '../store/tasks';
import type { Mailer } from './mailer';
import type { TaskEvent } from '../task';
import { taskEmail } from './task-email';

export type TaskNotifier = (taskId: string, event: TaskEvent) => Promise<void>;

/**
 * Sends a task's notification for `event` once: the audit log remembers what was sent, so a
 * resumed task does not send "started" twice. A failing SMTP server never fails the task: the
 * failure is logged and recorded, and the task shows it.
 */
export function taskNotifier(tasks: TaskStore, mailer: Mailer | undefined, log: Logger): TaskNotifier {
  return async (taskId, event) => {
    const task = await tasks.get(taskId);
    if (!task?.notify) return;
    // Once per pass: a retry's end is told again.
    const audit = await tasks.auditLog(taskId);
    const passBegan = audit.map((a) => a.action).lastIndexOf('task.retry');
    if (audit.slice(passBegan + 1).some((a) => a.action === 'notify.sent' && a.detail === event)) return;
    if (!mailer) {
      await tasks.audit(taskId, 'worker', 'notify.failed', `${event}: SMTP_URL is not set on the worker, so no e-mail could be sent.`);
      return;
    }
    try {
      await mailer.send({ to: task.notify, ...taskEmail(task, event) });
      await tasks.audit(taskId, 'worker', 'notify.sent', event);
    } catch (err) {
      const reason = (err as Error).message?.split('\n')[0] ?? String(err);
      log.warn({ task: taskId, event, err: reason }, 'notification e-mail failed');
      await tasks.audit(taskId, 'worker', 'notify.failed', `${event}: ${reason}`);
    }
  };
}
