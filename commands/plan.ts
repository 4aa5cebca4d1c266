import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { PlanView } from '../src/plan';
import { parseMigrateRequest, type MigrateRequest, type OnParsed } from './migrate';

/** `tern plan`, `migrate --dry-run`, the forms' "Check first": the same request as migrate, answered with a plan; nothing is created or written. */
export async function plan(service: TernService, req: MigrateRequest, actor: Actor, onParsed?: OnParsed): Promise<PlanView> {
  return service.plan(parseMigrateRequest(req, onParsed), actor);
}
