import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';

/** Someone other than the requester follows a task with its ID and its source address. */
export function status(service: TernService, req: { taskId: string; sourceEmail?: string }, actor: Actor): Promise<TaskView> {
  return service.status(req.taskId, actor, req.sourceEmail);
}
