import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { TernError } from '../../../src/errors';
import { ACTION_IDS } from '../render-card';
import { importModal } from '../render-modal';
import type { SlackDeps } from '../context';
import { cancelTask, rollbackTask } from './task-actions';

export const IMPORT_ACTION = 'tern_import';

/** Card buttons and the PST Import… button. Refusals and stale clicks get an ephemeral answer. */
export function registerActions(app: App, deps: SlackDeps): void {
  const onTask = (run: (taskId: string, userId: string) => Promise<string | undefined>) =>
    async ({ ack, body, action, client }: { ack: () => Promise<void>; body: BlockAction; action: ButtonAction; client: App['client'] }) => {
      await ack();
      const channel = body.channel?.id ?? body.container?.channel_id;
      try {
        const line = await run(action.value ?? '', body.user.id);
        if (line && channel) await client.chat.postEphemeral({ channel, user: body.user.id, text: line });
      } catch (err) {
        if (!(err instanceof TernError)) deps.log.error({ err }, 'button failed');
        const text = err instanceof TernError ? err.userMessage : 'Something went wrong on our side; it has been logged.';
        if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text });
      }
    };

  app.action<BlockAction<ButtonAction>>(ACTION_IDS.cancel, onTask((taskId, userId) => cancelTask(deps, taskId, userId)));
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.rollback, onTask((taskId, userId) => rollbackTask(deps, taskId, userId)));
  app.action<BlockAction<ButtonAction>>(
    ACTION_IDS.refresh,
    onTask(async (taskId) => {
      deps.service.view(taskId); // unknown task: a clear answer
      deps.cards.refresh(taskId);
      return undefined;
    }),
  );

  app.action<BlockAction<ButtonAction>>(IMPORT_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const { fileId, name, channel } = JSON.parse(action.value ?? '{}') as { fileId: string; name: string; channel: string };
    await client.views.open({ trigger_id: body.trigger_id, view: importModal({ channel, fileId }, name) });
  });
}
