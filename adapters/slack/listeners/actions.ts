import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { TernError } from '../../../src/errors';
import { ACTION_IDS } from '../render-card';
import { DETECT_ACTION, formValues, importModal, migrateModal, withoutPasswords, type ModalMetadata } from '../render-modal';
import { detect, fillFromDetection } from '../../../commands/detect';
import type { Side } from '../../../commands/migrate-form';
import type { SlackDeps } from '../context';
import { cancelTask, retryTask, rollbackTask } from './task-actions';
import { esc } from '../mrkdwn';
import { publishHome } from '../home';

export const IMPORT_ACTION = 'tern_import';

/**
 * Card buttons and the PST Import… button. Refusals and stale clicks get a private answer through
 * the click's response_url (which works in DMs, unlike chat.postEphemeral), never replacing the card.
 */
export function registerActions(app: App, deps: SlackDeps): void {
  const onTask = (run: (taskId: string, userId: string) => Promise<string | undefined>) =>
    async ({ ack, body, action, respond, client }: { ack: () => Promise<void>; body: BlockAction; action: ButtonAction; respond: RespondFn; client: App['client'] }) => {
      await ack();
      // A click in the App Home has no response URL: the answer goes to the DM with the bot, and the Home is redrawn.
      const home = body.container?.type === 'view' && body.view?.type === 'home';
      const say = async (text: string) => {
        if (!home) return void (await respond({ response_type: 'ephemeral', replace_original: false, text: esc(text) }));
        await client.chat.postMessage({ channel: body.user.id, text: esc(text) });
      };
      try {
        const line = await run(action.value ?? '', body.user.id);
        if (line) await say(line);
      } catch (err) {
        if (!(err instanceof TernError)) deps.log.error({ err }, 'button failed');
        await say(err instanceof TernError ? err.userMessage : 'Something went wrong on our side; it has been logged.');
      }
      if (home) await publishHome(client, deps, body.user.id).catch((err: Error) => deps.log.warn({ err: err.message }, 'could not redraw the App Home'));
    };

  app.action<BlockAction<ButtonAction>>(ACTION_IDS.cancel, onTask((taskId, userId) => cancelTask(deps, taskId, userId)));
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.rollback, onTask((taskId, userId) => rollbackTask(deps, taskId, userId)));
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.retry, onTask((taskId, userId) => retryTask(deps, taskId, userId)));
  app.action<BlockAction<ButtonAction>>(
    ACTION_IDS.refresh,
    onTask(async (taskId) => {
      await deps.service.view(taskId); // unknown task: a clear answer
      deps.cards.refresh(taskId);
      return undefined;
    }),
  );

  // Detect settings: fills host, port, TLS and type of one side in place and says where they came
  // from. The typed password is never put back into the view (its block keeps it on Slack's side).
  app.action<BlockAction<ButtonAction>>(DETECT_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const view = body.view;
    if (!view) return;
    const side = (action.value === 'destination' ? 'destination' : 'source') as Side;
    const meta = JSON.parse(view.private_metadata || '{}') as ModalMetadata;
    const values = formValues(view.state.values as Parameters<typeof formValues>[0]);
    let said: string;
    try {
      const login = values[side].login?.trim();
      if (!login) throw new TernError('BAD_ACCOUNT_URL', 'Type the e-mail address first, then press Detect settings.');
      const { fields, said: line } = fillFromDetection(values[side], await detect(deps.service, { email: login }), side);
      values[side] = fields;
      said = `:mag: ${line}`;
    } catch (err) {
      if (!(err instanceof TernError)) deps.log.error({ err }, 'detect settings failed');
      said = `:warning: ${err instanceof TernError ? err.userMessage : 'Detection failed on our side; it has been logged.'}`;
    }
    const next = { ...meta, revision: (meta.revision ?? 0) + 1 };
    await client.views.update({ view_id: view.id, hash: view.hash, view: migrateModal(next, withoutPasswords(values), {}, { [side]: said }) }).catch((err: Error) =>
      deps.log.warn({ err: err.message }, 'could not update the form with detected settings'),
    );
  });

  app.action<BlockAction<ButtonAction>>(IMPORT_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const { fileId, name, channel } = JSON.parse(action.value ?? '{}') as { fileId: string; name: string; channel: string };
    await client.views.open({ trigger_id: body.trigger_id, view: importModal({ channel, fileId, fileName: name }, name) });
  });
}
