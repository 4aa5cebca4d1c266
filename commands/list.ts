import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';

/** The caller's tasks, newest first (every task with `all`, for administrators). */
export function list(service: TernService, req: { all?: boolean }, actor: Actor): Promise<TaskView[]> {
  return service.list(actor, req);
}
