import { ButtonStyle, type APIActionRowComponent, type APIButtonComponent } from 'discord-api-types/v10';
import type { StatusCard } from '../../commands/views';
import { button, id, row, stamp } from './render';
import { md } from './markdown';
import { clip } from '../cards/fit';

/** Discord allows five rows of buttons in a message: the five newest tasks get theirs. */
const ROWS = 5;

/** `/migrate list`: a line per task (state, counts, when) and the buttons that apply, labelled with the task. */
export function taskListMessage(cards: StatusCard[], more: number): { content: string; components: Array<APIActionRowComponent<APIButtonComponent>> } {
  const lines = cards.map((c) => {
    const p = c.progress;
    return `**\`${c.taskId}\`** ${md(c.headline)} · ${p.percent}% · ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} items · ${stamp(c.createdAt, 'R')}\n${md(clip(c.source, 150))} → ${md(clip(c.destination, 150))}`;
  });
  if (more) lines.push(`…and ${more} older: \`/migrate status task:<id>\` shows any of them.`);
  const components = cards
    .slice(0, ROWS)
    .filter((c) => c.buttons.length)
    .map((c) => row(...c.buttons.map((b) => button(id(b.action, c.taskId), `${b.label} ${c.taskId}`, b.style === 'danger' ? ButtonStyle.Danger : ButtonStyle.Secondary))));
  return { content: clip(lines.join('\n'), 2000), components };
}
