import fs from 'node:fs';
import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { TernError } from '../../../src/errors';
import { actOnBatchTask, batch, cancelBatch, rollbackBatch } from '../../../commands/batch';
import { problemText } from '../../../commands/batch-card';
import { MAX_BATCH_CSV_BYTES } from '../../../commands/batch-csv';
import { actorOf, type SlackDeps } from '../context';
import { downloadSlackFile } from '../download';
import { BATCH_ACTIONS, BATCH_TASK_CALLBACK, oneTaskModal } from '../render-batch';
import { messageModal } from '../render-modal';
import { esc, escClip } from '../mrkdwn';


interface Offered {
  fileId: string;
  name: string;
  channel: string;
  thread?: string;
}

/** The thread reply offering a shared .csv as a batch: Check rows (a dry run) or Queue batch. */
export function batchOffer(file: Offered, size: string) {
  const value = JSON.stringify(file);
  return {
    text: `${esc(file.name)} (${size}) can be run as a batch of migrations.`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:spiral_note_pad: *${esc(file.name)}* (${size}) can be run as a batch of migrations: one per row (source, destination, items, notify, source_password, destination_password). Passwords are references (env:TERN_PW_…), never in the file.` } },
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: BATCH_ACTIONS.check, text: { type: 'plain_text', text: 'Check rows' }, value },
          { type: 'button', action_id: BATCH_ACTIONS.run, text: { type: 'plain_text', text: 'Queue batch' }, value, style: 'primary' },
        ],
      },
    ],
  };
}

/**
 * A CSV shared in Slack: checked (every row, logins included) or queued as one batch, with a
 * batch card in the thread: counts by state, throughput, slowest, failures, refused rows, and
 * Cancel all / Roll back all / Refresh. Answers to the clicker that only they need are private.
 */
export function registerBatchActions(app: App, deps: SlackDeps, batchSecrets: Record<string, string>): void {
  const onCsv = (dryRun: boolean) => async ({ ack, body, action, respond, client }: { ack: () => Promise<void>; body: BlockAction; action: ButtonAction; respond: (m: object) => Promise<unknown>; client: App['client'] }) => {
    await ack();
    const file = JSON.parse(action.value ?? '{}') as Offered;
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text: escClip(text, 3000) });
    let local: string | undefined;
    try {
      const info = (await client.files.info({ file: file.fileId })).file!;
      if ((info.size ?? 0) > MAX_BATCH_CSV_BYTES) throw new TernError('BAD_BATCH', `${file.name} is larger than 16 MB: split it into several batches.`);
      local = await downloadSlackFile(info.url_private_download!, deps.botToken, { id: file.fileId, name: file.name }, deps.uploadsDir, MAX_BATCH_CSV_BYTES);
      const csv = fs.readFileSync(local, 'utf8');
      const outcome = await batch(deps.service, { csv, name: file.name, dryRun, secrets: { env: batchSecrets } }, actorOf(deps, body.user.id));
      const refused = outcome.refused.map((p) => `• ${problemText(p)}`);
      if (dryRun || !outcome.batch) {
        await say([`${dryRun ? 'Checked' : 'Nothing queued from'} ${file.name}: ${outcome.good.length} row(s) ${dryRun ? 'would be queued' : 'good'}, ${outcome.refused.length} refused.${dryRun ? ' Nothing was queued.' : ''}`, ...refused].join('\n'));
        return;
      }
      // The card follows the batch from here: counts, throughput, slowest and failures as tasks move.
      await deps.batchCards.post(outcome.batch, file.channel, file.thread);
      if (refused.length) await say([`${outcome.refused.length} row(s) of ${file.name} were not queued:`, ...refused].join('\n'));
    } catch (err) {
      if (!(err instanceof TernError)) deps.log.error({ err }, 'batch from a shared CSV failed');
      await say(err instanceof TernError ? err.userMessage : 'Something went wrong on our side; it has been logged.');
    } finally {
      if (local) fs.rmSync(local, { force: true });
    }
  };
  app.action<BlockAction<ButtonAction>>(BATCH_ACTIONS.check, onCsv(true));
  app.action<BlockAction<ButtonAction>>(BATCH_ACTIONS.run, onCsv(false));

  /** Card buttons: act on the batch, then redraw its card in place (through its keeper, paced with every other edit). */
  const onCard = (run: (batchId: string, userId: string) => Promise<string | undefined>) => async ({ ack, body, action, respond }: { ack: () => Promise<void>; body: BlockAction; action: ButtonAction; respond: (m: object) => Promise<unknown> }) => {
    await ack();
    const batchId = action.value ?? '';
    try {
      const line = await run(batchId, body.user.id);
      if (line) await respond({ response_type: 'ephemeral', replace_original: false, text: esc(line) });
      const channel = body.channel?.id ?? body.container?.channel_id;
      const ts = body.message?.ts ?? body.container?.message_ts;
      await deps.service.batches.summary(batchId); // an unknown batch: a clear answer
      if (channel && ts) await deps.batchCards.adopt(batchId, { channel, messageId: ts });
      deps.batchCards.refresh(batchId, true);
    } catch (err) {
      if (!(err instanceof TernError)) deps.log.error({ err }, 'batch button failed');
      await respond({ response_type: 'ephemeral', replace_original: false, text: esc(err instanceof TernError ? err.userMessage : 'Something went wrong on our side; it has been logged.') });
    }
  };
  app.action<BlockAction<ButtonAction>>(
    BATCH_ACTIONS.cancel,
    onCard(async (id, user) => {
      const r = await cancelBatch(deps.service, { batchId: id }, actorOf(deps, user));
      return `Cancel asked for ${r.done.length} task(s) of ${r.batch.id}.`;
    }),
  );
  app.action<BlockAction<ButtonAction>>(
    BATCH_ACTIONS.rollback,
    onCard(async (id, user) => {
      const r = await rollbackBatch(deps.service, { batchId: id }, actorOf(deps, user));
      return `Rollback queued for ${r.done.length} task(s) of ${r.batch.id}.`;
    }),
  );
  app.action<BlockAction<ButtonAction>>(BATCH_ACTIONS.refresh, onCard(async () => undefined));

  // One task…: which task of the batch, and cancel or roll back; refusals come back on the field.
  app.action<BlockAction<ButtonAction>>(BATCH_ACTIONS.task, async ({ ack, body, action, client }) => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: oneTaskModal(action.value ?? '') });
  });
  app.view<ViewSubmitAction>(BATCH_TASK_CALLBACK, async ({ ack, body, view }) => {
    const batchId = view.private_metadata;
    const values = view.state.values as Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>;
    const action = values.action?.value?.selected_option?.value === 'rollback' ? 'rollback' : 'cancel';
    try {
      const taskId = await actOnBatchTask(deps.service, { batchId, taskId: values.task?.value?.value ?? '', action }, actorOf(deps, body.user.id));
      deps.batchCards.refresh(batchId);
      await ack({ response_action: 'update', view: messageModal('One task of the batch', esc(action === 'cancel' ? `Cancel asked for ${taskId} of ${batchId}.` : `Rolling back ${taskId} of ${batchId}: what it created at the destination is being removed.`)) });
    } catch (err) {
      if (!(err instanceof TernError)) deps.log.error({ err }, 'batch task action failed');
      await ack({ response_action: 'errors', errors: { task: err instanceof TernError ? err.userMessage : 'Something went wrong on our side; it has been logged.' } });
    }
  });
}
