import type { KnownBlock, View } from './block-kit';
import type { StatusCard } from '../../commands/views';
import { button } from './render-card';
import { escClip } from './mrkdwn';
import { slackTime } from './time';

/** One section and one row of buttons per task (2 blocks each: 10 tasks stay far under 50). */
export function taskListBlocks(cards: StatusCard[], more: number): KnownBlock[] {
  if (!cards.length) return [{ type: 'section', text: { type: 'mrkdwn', text: 'You have no tasks yet. `/migrate` starts one.' } }];
  const blocks: KnownBlock[] = [];
  for (const c of cards) {
    const p = c.progress;
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*\`${c.taskId}\`* — ${escClip(c.headline, 100)} · ${p.percent}% · ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} items\n${escClip(c.source, 300)} → ${escClip(c.destination, 300)}\nCreated ${slackTime(c.createdAt)}`,
      },
    });
    blocks.push({ type: 'actions', block_id: `tern_list_${c.taskId}`, elements: c.buttons.map((b) => button(b, c.taskId)) });
  }
  if (more) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${more} older task${more > 1 ? 's' : ''}: \`/migrate status <task-id>\` shows any of them.`.replace('<task-id>', '&lt;task-id&gt;') }] });
  return blocks;
}

/** The App Home tab: the person's recent tasks, refreshed each time they open it. */
export function homeView(cards: StatusCard[], more: number): View {
  return {
    type: 'home',
    blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Your migrations' } }, ...taskListBlocks(cards, more)],
  };
}

