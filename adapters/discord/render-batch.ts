import { ButtonStyle, ComponentType, type APIEmbed, type APIActionRowComponent, type APIButtonComponent, type APIModalInteractionResponseCallbackData } from 'discord-api-types/v10';
import { batchCard, problemText } from '../../commands/batch-card';
import type { BatchView } from '../../src/batch';
import type { BatchOutcome } from '../../src/service/batches';
import { clip, fitLines } from '../cards/fit';
import { md } from './markdown';
import { button, id, label, row, textInput } from './render';

/** Custom IDs of batch components: "tern:batch:<verb>:<batch or check id>". */
export const batchId = (verb: string, of: string) => id('batch', verb, of);

const COLORS = { running: 0x4a90d9, ended: 0x2eb67d, failures: 0xe01e5a };

/** The batch card: an embed (counts, throughput, slowest, failures, refused rows) and Cancel all / Roll back all / One task… / Refresh. */
export function batchMessage(b: BatchView): { embeds: APIEmbed[]; components: Array<APIActionRowComponent<APIButtonComponent>> } {
  const card = batchCard(b);
  const embed: APIEmbed = {
    title: clip(card.title, 256),
    description: fitLines(card.lines.map(md), 4000, (n) => `…and ${n} more lines: \`tern status ${b.id}\` shows them all.`),
    color: b.failed.length ? COLORS.failures : b.ended ? COLORS.ended : COLORS.running,
    footer: { text: 'Last update' },
    timestamp: new Date().toISOString(),
  };
  const buttons = [
    ...(card.canCancel ? [button(batchId('cancel', b.id), 'Cancel all', ButtonStyle.Danger)] : []),
    ...(card.canRollback ? [button(batchId('rollback', b.id), 'Roll back all', ButtonStyle.Danger)] : []),
    ...(card.canCancel || card.canRollback ? [button(batchId('task', b.id), 'One task…')] : []),
    button(batchId('refresh', b.id), 'Refresh'),
  ];
  return { embeds: [embed], components: [row(...buttons)] };
}

/** The private answer to /migrate batch: what the check found, and Start / Cancel. */
export function checkedMessage(checkId: string, name: string, o: BatchOutcome) {
  const good = o.good.length;
  const head = `**${md(name)}** checked: ${good} row${good === 1 ? '' : 's'} can be queued, ${o.refused.length} refused.${good ? ' Nothing is queued before Start.' : ' Fix the file and run `/migrate batch` again.'}`;
  const lines = [...o.good.map((g) => `line ${g.line}: ok${g.detected.length ? ` (${g.detected.join('; ')})` : ''}`), ...o.refused.map((p) => `line ${problemText(p).slice('line '.length)}`)].map(md);
  const content = `${head}\n${fitLines(lines, 1900 - head.length, (n) => `…and ${n} more rows.`)}`;
  const components = good ? [row(button(batchId('start', checkId), `Start ${good} task${good === 1 ? '' : 's'}`, ButtonStyle.Primary), button(batchId('drop', checkId), 'Cancel'))] : [];
  return { content, components };
}

/** "One task…": which task of the batch, and what to do with it. */
export function oneTaskModal(batch: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: batchId('task-modal', batch),
    title: `One task of ${batch}`,
    components: [
      label('Task ID', 'The task of this batch, e.g. T-7K3M9QXA', textInput('task', { placeholder: 'T-…' })),
      label('What to do', undefined, {
        type: ComponentType.StringSelect,
        custom_id: 'action',
        options: [
          { label: 'Cancel it (finishes the folder in progress)', value: 'cancel', default: true },
          { label: 'Roll it back (removes what it created)', value: 'rollback' },
        ],
      }),
    ],
  } as APIModalInteractionResponseCallbackData;
}
