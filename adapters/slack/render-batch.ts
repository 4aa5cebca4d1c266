import type { KnownBlock } from './block-kit';
import { batchCard } from '../../commands/batch-card';
import type { BatchView } from '../../src/batch';
import { escClip } from './mrkdwn';

export const BATCH_ACTIONS = { check: 'tern_batch_check', run: 'tern_batch_run', cancel: 'tern_batch_cancel', rollback: 'tern_batch_rollback', refresh: 'tern_batch_refresh' } as const;

/** The batch card in Block Kit: title, counts, throughput, slowest, failures, refused rows, and Cancel all / Roll back all / Refresh. */
export function batchBlocks(b: BatchView): { text: string; blocks: KnownBlock[] } {
  const card = batchCard(b);
  const button = (action_id: string, label: string, style?: 'danger') => ({ type: 'button' as const, action_id, value: b.id, text: { type: 'plain_text' as const, text: label }, ...(style ? { style } : {}) });
  const buttons = [
    ...(card.canCancel ? [button(BATCH_ACTIONS.cancel, 'Cancel all', 'danger')] : []),
    ...(card.canRollback ? [button(BATCH_ACTIONS.rollback, 'Roll back all', 'danger')] : []),
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
