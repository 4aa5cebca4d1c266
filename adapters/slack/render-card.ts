import type { KnownBlock, Button } from './block-kit';
import { waitingNote, type CardButton, type StatusCard } from '../../commands/views';
import { clip, fitLines } from '../cards/fit';
import { esc, escClip, person } from './mrkdwn';
import { slackTime } from './time';

/** Block Kit for a status card. Action IDs carry the verb; the button value carries the task ID. */
export const ACTION_IDS = { cancel: 'tern_cancel', rollback: 'tern_rollback', retry: 'tern_retry', refresh: 'tern_refresh' } as const;

const STATE_ICONS: Record<string, string> = {
  pending: '⏳',
  running: '🔄',
  done: '✅',
  skipped: '⏭',
  failed: '❌',
  cancelled: '⏹',
};

/** Block Kit's limits (https://api.slack.com/reference/block-kit/blocks), with room for our own words. */
export const SLACK_LIMITS = { sectionText: 3000, field: 2000, account: 500, buttonLabel: 75, confirmText: 300, blocks: 50 };

export function mention(requester: string): string {
  return requester.startsWith('slack:') ? `<@${requester.slice('slack:'.length)}>` : esc(requester.replace(/^\w+:/, ''));
}

/** Someone the card names: an actor ID ("slack:U…") or a label the adapter made ("<@U…>"). */
const who = (by: string) => (by.startsWith('slack:') ? mention(by) : person(by));

/**
 * `compact` drops the steps and notes: what is sent again when Slack refused the full card, so
 * the card never stays at a stale state.
 */
export function cardBlocks(card: StatusCard, opts: { compact?: boolean } = {}): KnownBlock[] {
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
        { type: 'mrkdwn', text: `*Status*\n${esc(card.headline)}` },
        { type: 'mrkdwn', text: `*From*\n${escClip(card.source, SLACK_LIMITS.account)}` },
        { type: 'mrkdwn', text: `*To*\n${escClip(card.destination, SLACK_LIMITS.account)}` },
        { type: 'mrkdwn', text: `*Started by*\n${mention(card.requester)}` },
        { type: 'mrkdwn', text: `*Created*\n${slackTime(card.createdAt)}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: progressLine } },
  ];
  if (!opts.compact) {
    for (const s of card.steps) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${STATE_ICONS[s.state] ?? ''} *${esc(s.label)}* — ${s.state}\n${escClip(s.counters, SLACK_LIMITS.field)}` } });
    }
    // Each note escaped and bounded on its own, so no entity is cut in half; the waiting times
    // are added after escaping, as date tokens each reader sees in their own time zone.
    const notes = card.notes.map((n) => escClip(n, SLACK_LIMITS.field));
    if (card.waiting) notes.unshift(waitingNote({ ...card.waiting, reason: escClip(card.waiting.reason, SLACK_LIMITS.field) }, (at) => slackTime(at, 'time')));
    if (notes.length) {
      const text = fitLines(notes, SLACK_LIMITS.sectionText, (n) => `…and ${n} more: the final report has them all.`);
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
    }
  }
  const context = [`Last update ${slackTime(card.updatedAt)}`];
  if (card.cancel) context.push(`Cancel asked by ${who(card.cancel.by)}${card.cancel.at ? ` at ${slackTime(card.cancel.at, 'time')}` : ''}`);
  if (card.rollbackUntil) context.push(`Rollback possible until ${slackTime(card.rollbackUntil)}`);
  if (card.rollback) context.push(`Rollback asked by ${who(card.rollback.by)} at ${slackTime(card.rollback.at, 'time')}`);
  const noteCount = card.notes.length + (card.waiting ? 1 : 0);
  if (opts.compact && noteCount) context.push(`${noteCount} note${noteCount > 1 ? 's' : ''} too long for this card: \`/migrate status ${card.taskId}\` shows them`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  if (card.buttons.length) blocks.push({ type: 'actions', block_id: `tern_card`, elements: card.buttons.map((b) => button(b, card.taskId)) });
  return blocks;
}

export function button(b: CardButton, taskId: string): Button {
  return {
    type: 'button',
    action_id: ACTION_IDS[b.action],
    text: { type: 'plain_text', text: clip(b.label, SLACK_LIMITS.buttonLabel) },
    value: taskId,
    ...(b.style ? { style: b.style } : {}),
    ...(b.confirm
      ? {
          confirm: {
            title: { type: 'plain_text', text: b.confirm.title },
            text: { type: 'mrkdwn', text: escClip(b.confirm.text, SLACK_LIMITS.confirmText) },
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
  return `Migration ${card.taskId}: ${esc(card.headline)} (${card.progress.percent}%)`;
}
