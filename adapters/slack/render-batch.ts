import type { KnownBlock } from './block-kit';
import { batchCard } from '../../commands/batch-card';
import type { BatchView } from '../../src/batch';
import { escClip } from './mrkdwn';

export const BATCH_ACTIONS = { check: 'tern_batch_check', run: 'tern_batch_run', cancel: 'tern_batch_cancel', rollback: 'tern_batch_rollback', task: 'tern_batch_task', refresh: 'tern_batch_refresh' } as const;
/** The "One task…" modal's callback ID. */
export const BATCH_TASK_CALLBACK = 'tern_batch_task_modal';

/** The batch card in Block Kit: title, counts, throughput, slowest, failures, refused rows, and Cancel all / Roll back all / One task… / Refresh. */
export function batchBlocks(b: BatchView): { text: string; blocks: KnownBlock[] } {
  const card = batchCard(b);
  const button = (action_id: string, label: string, style?: 'danger') => ({ type: 'button' as const, action_id, value: b.id, text: { type: 'plain_text' as const, text: label }, ...(style ? { style } : {}) });
  const buttons = [
    ...(card.canCancel ? [button(BATCH_ACTIONS.cancel, 'Cancel all', 'danger')] : []),
    ...(card.canRollback ? [button(BATCH_ACTIONS.rollback, 'Roll back all', 'danger')] : []),
    ...(card.canCancel || card.canRollback ? [button(BATCH_ACTIONS.task, 'One task…')] : []),
    button(BATCH_ACTIONS.refresh, 'Refresh'),
  ];
  return {
    text: card.title,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: card.title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: escClip(card.lines.join('\n'), 2900) } },
      { type: 'actions', elements: buttons },
    ],
  };
}

/** "One task…": a task of the batch by its ID, and whether to cancel or roll it back (the batch ID rides in private_metadata). */
export function oneTaskModal(batchId: string) {
  const option = (value: string, text: string) => ({ value, text: { type: 'plain_text' as const, text } });
  return {
    type: 'modal' as const,
    callback_id: BATCH_TASK_CALLBACK,
    private_metadata: batchId,
    title: { type: 'plain_text' as const, text: 'One task of the batch' },
    submit: { type: 'plain_text' as const, text: 'Do it' },
    close: { type: 'plain_text' as const, text: 'Close' },
    blocks: [
      { type: 'input', block_id: 'task', label: { type: 'plain_text', text: 'Task ID' }, hint: { type: 'plain_text', text: `A task of ${batchId}, e.g. T-7K3M9QXA` }, element: { type: 'plain_text_input', action_id: 'value', placeholder: { type: 'plain_text', text: 'T-…' } } },
      {
        type: 'input',
        block_id: 'action',
        label: { type: 'plain_text', text: 'What to do' },
        element: { type: 'static_select', action_id: 'value', initial_option: option('cancel', 'Cancel it (finishes the folder in progress)'), options: [option('cancel', 'Cancel it (finishes the folder in progress)'), option('rollback', 'Roll it back (removes what it created)')] },
      },
    ],
  };
}
