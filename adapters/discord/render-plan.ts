import { ButtonStyle, type APIActionRowComponent, type APIButtonComponent, type APIModalInteractionResponseCallbackData } from 'discord-api-types/v10';
import type { MigrateFormValues } from '../../commands/migrate-form';
import type { PlanCard } from '../../commands/plan-view';
import { fitLines } from '../cards/fit';
import { md } from './markdown';
import { button, id, label, row, textInput } from './render';

/** The options step. A Discord modal holds five inputs: newest first is a button of the confirm step. */
export function optionsModal(formId: string, v: MigrateFormValues): APIModalInteractionResponseCallbackData {
  const o = v.options ?? {};
  const list = (x: string | string[] | undefined) => (Array.isArray(x) ? x.join(', ') : x);
  return {
    custom_id: id('form', formId, 'options'),
    // The options choose messages only: other kinds move whole (the confirm step says so too).
    title: 'E-mail options (all optional)',
    components: [
      label('Received on or after', 'YYYY-MM-DD', textInput('since', { value: o.since, required: false, placeholder: '2024-01-01' })),
      label('Received before', 'YYYY-MM-DD', textInput('before', { value: o.before, required: false })),
      label('Only these folders', 'Comma-separated, / between levels', textInput('folders', { value: list(o.folders), required: false, placeholder: 'INBOX, Projects/2024' })),
      label('Not these folders', 'Comma-separated', textInput('excludeFolders', { value: list(o.excludeFolders), required: false, placeholder: 'Spam, Trash' })),
      label('Leave out messages larger than', 'e.g. 25MB', textInput('maxSize', { value: o.maxSize, required: false })),
    ],
  } as unknown as APIModalInteractionResponseCallbackData;
}

/** The plan card: what the form would do, with Start and Cancel. */
export function planMessage(formId: string, card: PlanCard): { content: string; components: Array<APIActionRowComponent<APIButtonComponent>> } {
  const lines = [`**${card.title}:** ${md(card.source)} → ${md(card.destination)}`, md(card.summary), ...card.facts.map((f) => `• ${md(f)}`), ...card.lines.map((l) => `• ${md(l)}`), ...card.warnings.map((w) => `:warning: ${md(w)}`)];
  return {
    content: fitLines(lines, 1900, (n) => `…and ${n} more lines (tern plan lists them all)`),
    components: [row(button(id('form', formId, 'start'), 'Start', ButtonStyle.Primary), button(id('form', formId, 'cancel'), 'Cancel', ButtonStyle.Danger))],
  };
}
