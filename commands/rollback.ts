import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';

export function rollback(service: TernService, req: { taskId: string }, actor: Actor): Promise<TaskView> {
  return service.rollback(req.taskId, actor);
}
