import fs from 'node:fs';
import { ButtonStyle, MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction, type ModalSubmitInteraction, type RepliableInteraction } from 'discord.js';
import { actOnBatchTask, batch, cancelBatch, rollbackBatch } from '../../commands/batch';
import { problemText } from '../../commands/batch-card';
import { MAX_BATCH_CSV_BYTES } from '../../commands/batch-csv';
import { TernError } from '../../src/errors';
import { actorOf, type DiscordDeps } from './context';
import { downloadAttachment } from './download';
import { batchId, checkedMessage, oneTaskModal } from './render-batch';
import { button, row } from './render';
import { md } from './markdown';

const EPHEMERAL = MessageFlags.Ephemeral;

/** /migrate batch file:<.csv>: checks every row (as `tern batch --dry-run`), privately, with Start / Cancel. */
export async function onBatchCommand(deps: DiscordDeps, i: ChatInputCommandInteraction): Promise<void> {
  const file = i.options.getAttachment('file', true);
  await checkCsv(deps, i, { url: file.url, name: file.name, size: file.size });
}

/** Check rows…, offered under a message with a .csv that mentions the bot (DISCORD_READ_MESSAGES): the same check. */
async function checkFromMessage(deps: DiscordDeps, i: ButtonInteraction, where: string): Promise<void> {
  // Re-read the message: its attachment links are signed and expire.
  const [channelId, messageId] = where.split('-');
  const message = await i.client.channels.fetch(channelId).then((c) => (c && 'messages' in c ? c.messages.fetch(messageId) : undefined));
  const csv = message?.attachments.find((a) => a.name.toLowerCase().endsWith('.csv'));
  if (!csv) throw new TernError('BAD_BATCH', 'That message no longer has a .csv attachment.');
  await checkCsv(deps, i, { url: csv.url, name: csv.name, size: csv.size });
}

async function checkCsv(deps: DiscordDeps, i: ChatInputCommandInteraction | ButtonInteraction, file: { url: string; name: string; size: number }): Promise<void> {
  if (!file.name.toLowerCase().endsWith('.csv')) throw new TernError('BAD_BATCH', `${file.name} is not a .csv file: attach the batch CSV (columns source, destination, items, notify, source_password, destination_password).`);
  if (file.size > MAX_BATCH_CSV_BYTES) throw new TernError('BAD_BATCH', `${file.name} is larger than 16 MB: split it into several batches.`);
  // Every row's logins are checked: longer than Discord's 3 s.
  await i.deferReply({ flags: EPHEMERAL });
  await privately(i, async () => {
    const local = await downloadAttachment(file.url, file.name, deps.uploadsDir, MAX_BATCH_CSV_BYTES);
    let csv: string;
    try {
      csv = fs.readFileSync(local, 'utf8');
    } finally {
      fs.rmSync(local, { force: true });
    }
    const outcome = await batch(deps.service, { csv, name: file.name, dryRun: true, secrets: { env: deps.batchSecrets } }, actorOf(deps, i));
    const check = outcome.good.length ? deps.batchChecks.create(i.user.id, i.channelId, file.name, csv) : undefined;
    await i.editReply(checkedMessage(check?.id ?? '', file.name, outcome));
  });
}

/** A refusal after the deferral replaces the "thinking…" answer, saying what to fix. */
async function privately(i: RepliableInteraction, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof TernError)) throw err;
    await i.editReply({ content: md(err.userMessage), components: [] });
  }
}

/** Start / Cancel of a check, and the batch card's buttons: "tern:batch:<verb>:<id>". */
export async function onBatchButton(deps: DiscordDeps, i: ButtonInteraction): Promise<void> {
  const [, , verb, of] = i.customId.split(':');
  const actor = actorOf(deps, i);
  const expired = () => new TernError('INVALID_STATE', 'This check has expired (15 minutes) or is not yours: run `/migrate batch` again.');
  // A click on a card posted before cards were kept live: followed from now on.
  const follow = async () => {
    if (i.message && !i.message.flags.has(EPHEMERAL)) await deps.batchCards.adopt(of, { channel: i.message.channelId, messageId: i.message.id });
    deps.batchCards.refresh(of, true);
  };
  switch (verb) {
    case 'check-message':
      return checkFromMessage(deps, i, of);
    case 'start': {
      const check = deps.batchChecks.get(of, i.user.id);
      if (!check) throw expired();
      // Every row is checked again (a login may have changed since): longer than Discord's 3 s.
      await i.deferUpdate();
      return privately(i, async () => {
        const outcome = await batch(deps.service, { csv: check.csv, name: check.name, secrets: { env: deps.batchSecrets } }, actor);
        deps.batchChecks.drop(check.id);
        const refused = outcome.refused.map((p) => md(problemText(p)));
        if (!outcome.batch) return void (await i.editReply({ content: [`Nothing queued from **${md(check.name)}**: every row was refused.`, ...refused].join('\n').slice(0, 2000), components: [] }));
        const good = outcome.good.length;
        await i.editReply({ content: [`✅ Batch **\`${outcome.batch.id}\`** queued: ${good} task${good === 1 ? '' : 's'}${refused.length ? `, ${refused.length} row${refused.length === 1 ? '' : 's'} not queued` : ''}. Its card in the channel follows it.`, ...refused].join('\n').slice(0, 2000), components: [] });
        await deps.batchCards.post(outcome.batch, check.channelId);
      });
    }
    case 'drop':
      if (!deps.batchChecks.get(of, i.user.id)) throw expired();
      deps.batchChecks.drop(of);
      return void (await i.update({ content: 'Cancelled: nothing was queued.', components: [] }));
    case 'cancel': {
      const r = await cancelBatch(deps.service, { batchId: of }, actor);
      await i.reply({ content: `Cancel asked for ${r.done.length} task${r.done.length === 1 ? '' : 's'} of ${r.batch.id}: each finishes the folder in progress first.`, flags: EPHEMERAL });
      return follow();
    }
    case 'rollback': {
      // A stranger is refused before the question (the service checks again at "yes").
      const b = await deps.service.batches.summary(of);
      if (b.requester !== actor.id && !actor.admin) throw new TernError('FORBIDDEN', `Only the person who started ${b.id} or an admin can roll it back.`);
      return void (await i.reply({
        content: `Roll back every ended task of \`${b.id}\`? What they created at the destinations is removed; what was there before stays. Tasks still running are left alone (Cancel all first).`,
        components: [row(button(batchId('rollback-yes', b.id), 'Yes, roll back all', ButtonStyle.Danger))],
        flags: EPHEMERAL,
      }));
    }
    case 'rollback-yes': {
      const r = await rollbackBatch(deps.service, { batchId: of }, actor);
      await i.update({ content: `Rolling back ${r.done.length} task${r.done.length === 1 ? '' : 's'} of ${r.batch.id}: what they created is being removed.`, components: [] });
      deps.batchCards.refresh(r.batch.id, true);
      return;
    }
    case 'task':
      await deps.service.batches.summary(of); // an unknown batch: a clear answer
      return void (await i.showModal(oneTaskModal(of)));
    case 'refresh':
      await deps.service.batches.summary(of);
      await i.deferUpdate();
      return follow();
  }
}

/** One task of the batch, by its ID: cancelled or rolled back under the task's own rules. */
export async function onBatchModal(deps: DiscordDeps, i: ModalSubmitInteraction): Promise<void> {
  const [, , verb, of] = i.customId.split(':');
  if (verb !== 'task-modal') return;
  const action = i.fields.getStringSelectValues('action')[0] === 'rollback' ? 'rollback' : 'cancel';
  const taskId = await actOnBatchTask(deps.service, { batchId: of, taskId: i.fields.getTextInputValue('task'), action }, actorOf(deps, i));
  await i.reply({ content: action === 'cancel' ? `Cancel asked for ${taskId} of ${of}.` : `Rolling back ${taskId} of ${of}: what it created at the destination is being removed.`, flags: EPHEMERAL });
  deps.batchCards.refresh(of);
}
