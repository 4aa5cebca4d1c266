import type { App } from '@slack/bolt';
import { myTasks } from '../../commands/my-tasks';
import { homeView } from './render-list';
import { actorOf, type SlackDeps } from './context';

/** Publishes a person's App Home: their recent tasks with the buttons that apply. */
export async function publishHome(client: App['client'], deps: SlackDeps, userId: string): Promise<void> {
  const { cards, more } = await myTasks(deps.service, actorOf(deps, userId));
  await client.views.publish({ user_id: userId, view: homeView(cards, more) });
}
