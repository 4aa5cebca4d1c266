import type { KnownBlock, Button } from './block-kit';
import type { CardButton, StatusCard } from '../../commands/views';

/** Block Kit for a status card. Action IDs carry the verb; the button value carries the task ID. */
export const ACTION_IDS = { cancel: 'tern_cancel', rollback: 'tern_rollback', refresh: 'tern_refresh' } as const;

const STATE_ICONS: Record<string, string> = {
  pending: '⏳',
  running: '🔄',
  done: '✅',
  skipped: '⏭',
  failed: '❌',
  cancelled: '⏹',
};

export function mention(requester: string): string {
  return requester.startsWith('slack:') ? `<@${requester.slice('slack:'.length)}>` : requester.replace(/^\w+:/, '');
}

const when = (iso: string) => iso.replace('T', ' ').slice(0, 16) + ' UTC';

export function cardBlocks(card: StatusCard): KnownBlock[] {
  const p = card.progress;
  const progressLine = [`\`${p.bar}\` *${p.percent}%*`, `${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} items`, p.throughput, p.eta && `ETA ${p.eta}`]
    .filter(Boolean)
    .join(' · ');
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `Migration ${card.taskId}` } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Task ID*\n\`${card.taskId}\`` },
        { type: 'mrkdwn', text: `*Status*\n${card.headline}` },
        { type: 'mrkdwn', text: `*From*\n${card.source}` },
        { type: 'mrkdwn', text: `*To*\n${card.destination}` },
        { type: 'mrkdwn', text: `*Started by*\n${mention(card.requester)}` },
        { type: 'mrkdwn', text: `*Created*\n${when(card.createdAt)}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: progressLine } },
    ...card.steps.map(
      (s): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: `${STATE_ICONS[s.state] ?? ''} *${s.label}* — ${s.state}\n${s.counters}` } }),
    ),
    { type: 'context', elements: [{ type: 'mrkdwn', text: [`Last update ${when(card.updatedAt)}`, ...card.notes].join(' · ') }] },
  ];
  if (card.buttons.length) blocks.push({ type: 'actions', block_id: `tern_card`, elements: card.buttons.map((b) => button(b, card.taskId)) });
  return blocks;
}

function button(b: CardButton, taskId: string): Button {
  return {
    type: 'button',
    action_id: ACTION_IDS[b.action],
    text: { type: 'plain_text', text: b.label },
    value: taskId,
    ...(b.style ? { style: b.style } : {}),
    ...(b.confirm
      ? {
          confirm: {
            title: { type: 'plain_text', text: b.confirm.title },
            text: { type: 'mrkdwn', text: b.confirm.text },
            confirm: { type: 'plain_text', text: b.confirm.confirm },
            deny: { type: 'plain_text', text: b.confirm.deny },
            style: 'danger',
          },
        }
      : {}),
  };
}

/** Notification text of the card (shown in notifications and where blocks are not). */
export function cardText(card: StatusCard): string {
  return `Migration ${card.taskId}: ${card.headline} (${card.progress.percent}%)`;
}
