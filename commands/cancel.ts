import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';

export function cancel(service: TernService, req: { taskId: string }, actor: Actor): Promise<TaskView> {
  return service.cancel(req.taskId, actor);
}
