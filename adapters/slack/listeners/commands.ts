import type { App } from '@slack/bolt';
import { parseSlash, USAGE } from '../../../commands/slash';
import { status } from '../../../commands/status';
import { myTasks } from '../../../commands/my-tasks';
import { taskListBlocks } from '../render-list';
import { statusCard } from '../../../commands/views';
import { TernError } from '../../../src/errors';
import { cardBlocks } from '../render-card';
import { migrateModal } from '../render-modal';
import { actorOf, type SlackDeps } from '../context';
import { esc } from '../mrkdwn';
import { cancelTask, retryTask, rollbackTask } from './task-actions';

/**
 * `/migrate [status|cancel|rollback|list|help …]`. Answers other than the form are private, sent
 * to the command's response_url: chat.postEphemeral fails in a DM with the bot and in channels
 * the bot is not in, a response URL works wherever the command was typed.
 */
export function registerCommands(app: App, deps: SlackDeps): void {
  app.command('/migrate', async ({ command, ack, client, respond }) => {
    const req = parseSlash(command.text ?? '');
    await ack();
    const actor = actorOf(deps, command.user_id);
    const reply = (text: string, blocks?: object[]) => respond({ response_type: 'ephemeral', text: esc(text), ...(blocks ? { blocks: blocks as never } : {}) });
    try {
      switch (req.kind) {
        case 'form':
          // Opened first, within the trigger's 3 s; nothing slow happens before.
          await client.views.open({ trigger_id: command.trigger_id, view: migrateModal({ channel: command.channel_id }) });
          return;
        case 'help':
          await reply(USAGE.join('\n'));
          return;
        case 'usage':
          await reply(req.message);
          return;
        case 'list': {
          // State, counts and the buttons that apply, per task; the text is for notifications.
          const { cards, more } = await myTasks(deps.service, actor);
          const text = cards.length ? cards.map((c) => `\`${c.taskId}\` ${c.headline} — ${c.source} → ${c.destination}`).join('\n') : 'You have no tasks yet. `/migrate` starts one.';
          await respond({ response_type: 'ephemeral', text: esc(text), blocks: taskListBlocks(cards, more) as never });
          return;
        }
        case 'status': {
          const card = statusCard(await status(deps.service, { taskId: req.taskId, sourceEmail: req.sourceEmail }, actor));
          await reply(`Migration ${card.taskId}: ${card.headline}`, cardBlocks({ ...card, buttons: [] }));
          return;
        }
        case 'cancel':
          await reply(await cancelTask(deps, req.taskId, command.user_id));
          return;
        case 'rollback':
          await reply(await rollbackTask(deps, req.taskId, command.user_id));
          return;
        case 'retry':
          await reply(await retryTask(deps, req.taskId, command.user_id));
          return;
      }
    } catch (err) {
      if (!(err instanceof TernError)) {
        deps.log.error({ err }, '/migrate failed');
        await reply('Something went wrong on our side; it has been logged.');
        return;
      }
      await reply(err.userMessage);
    }
  });
}
