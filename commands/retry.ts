import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';

/** A new pass over what an ended task did not copy (see TernService.retry). */
export function retry(service: TernService, req: { taskId: string }, actor: Actor): Promise<TaskView> {
  return service.retry(req.taskId, actor);
}
