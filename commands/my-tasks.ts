import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import { statusCard, type StatusCard } from './views';

/** How many of a person's tasks chat lists (the newest): enough to find one again, few enough to read. */
export const MY_TASKS_SHOWN = 10;

/**
 * A person's recent tasks as cards (state, counts, the buttons that apply now), newest first:
 * what `/migrate list` and Slack's App Home show, so a task can be found without scrolling.
 */
export async function myTasks(service: TernService, actor: Actor, limit = MY_TASKS_SHOWN): Promise<{ cards: StatusCard[]; more: number }> {
  const tasks = await service.list(actor);
  return { cards: tasks.slice(0, limit).map((t) => statusCard(t)), more: Math.max(0, tasks.length - limit) };
}
