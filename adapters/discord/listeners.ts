import { ButtonStyle, MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction, type ModalSubmitInteraction, type RepliableInteraction } from 'discord.js';
import { FormErrors, parseImportForm, parseMigrateForm, type MigrateFormValues, type Side } from '../../commands/migrate-form';
import { importPstSignedIn, planMigrateFormSignedIn, signInCodeText, signingInText, startMigrateForm, type ShowCode } from '../../commands/form-sign-in';
import { planCard } from '../../commands/plan-view';
import { optionsModal, planMessage } from './render-plan';
import { status } from '../../commands/status';
import { myTasks } from '../../commands/my-tasks';
import { cancel } from '../../commands/cancel';
import { rollback } from '../../commands/rollback';
import { retry } from '../../commands/retry';
import { USAGE } from '../../commands/slash';
import { statusCard } from '../../commands/views';
import { taskListMessage } from './render-list';
import { importPst, importPstFromUrl } from '../../commands/import-pst';
import { TernError } from '../../src/errors';
import type { Actor } from '../../src/service/actor';
import type { PlanView } from '../../src/plan';
import { actorOf, type DiscordDeps } from './context';
import { SURFACE } from './cards';
import { afterSignIn, created, interactionReply } from './form-reply';
import { onBatchButton, onBatchCommand, onBatchModal } from './batch';
import { accountFields, accountModal, button, cardMessage, confirmMessage, id, itemsModal, row, signInModal } from './render';
import { downloadAttachment } from './download';
import { detect, fillFromDetection } from '../../commands/detect';
import { md } from './markdown';
import { checkCanPost } from './can-post';

const EPHEMERAL = MessageFlags.Ephemeral;
/** Now as a Discord timestamp: each reader sees their own time zone. */
const clock = () => `<t:${Math.floor(Date.now() / 1000)}:t>`;

/** Every interaction Tern answers: /migrate, the form's modals and buttons, the card's buttons. */
export function onInteraction(deps: DiscordDeps) {
  return async (interaction: Interaction): Promise<void> => {
    try {
      if (interaction.isChatInputCommand() && interaction.commandName === 'migrate') await onCommand(deps, interaction);
      else if (interaction.isModalSubmit() && interaction.customId.startsWith('tern:form:')) await onFormModal(deps, interaction);
      else if (interaction.isModalSubmit() && interaction.customId.startsWith('tern:batch:')) await onBatchModal(deps, interaction);
      else if (interaction.isButton() && interaction.customId.startsWith('tern:batch:')) await onBatchButton(deps, interaction);
      else if (interaction.isButton() && interaction.customId.startsWith('tern:form:')) await onFormButton(deps, interaction);
      else if (interaction.isButton() && interaction.customId.startsWith('tern:')) await onCardButton(deps, interaction);
    } catch (err) {
      if (!interaction.isRepliable()) return;
      if (!(err instanceof TernError)) deps.log.error({ err }, 'discord interaction failed');
      await answer(interaction, err instanceof TernError ? err.userMessage : 'Something went wrong on our side; it has been logged.').catch(() => {});
    }
  };
}

/** An ephemeral answer, whatever state the interaction is in. */
async function answer(interaction: RepliableInteraction, content: string): Promise<void> {
  if (interaction.deferred || interaction.replied) await interaction.followUp({ content, flags: EPHEMERAL });
  else await interaction.reply({ content, flags: EPHEMERAL });
}

async function onCommand(deps: DiscordDeps, i: ChatInputCommandInteraction): Promise<void> {
  const actor = actorOf(deps, i);
  switch (i.options.getSubcommand()) {
    case 'start': {
      checkCanPost(i);
      const draft = deps.drafts.create(i.user.id, i.channelId);
      await i.showModal(accountModal(draft.id, 'source', draft.values.source));
      return;
    }
    case 'status': {
      const card = statusCard(await status(deps.service, { taskId: i.options.getString('task', true), sourceEmail: i.options.getString('email') ?? undefined }, actor));
      await i.reply({ ...cardMessage({ ...card, buttons: [] }), flags: EPHEMERAL });
      return;
    }
    case 'cancel':
      await i.reply({ content: await cancelTask(deps, i.options.getString('task', true), i), flags: EPHEMERAL });
      return;
    case 'rollback':
      await i.reply(rollbackQuestion(i.options.getString('task', true)));
      return;
    case 'retry':
      await i.reply({ content: await retryTask(deps, i.options.getString('task', true), i), flags: EPHEMERAL });
      return;
    case 'list': {
      const { cards, more } = await myTasks(deps.service, actor);
      if (!cards.length) return void (await answer(i, 'You have no tasks yet. `/migrate start` starts one.'));
      await i.reply({ ...taskListMessage(cards, more), flags: EPHEMERAL });
      return;
    }
    case 'help':
      await answer(i, USAGE.map((l) => l.replace('`/migrate`', '`/migrate start`').replace(/`\/migrate status <task-id> <source-email>`/, '`/migrate status task:<id> email:<source>`')).join('\n') + '\n`/migrate import-pst file:<.pst> | url:<https link>` imports a PST file\n`/migrate batch file:<.csv>` checks a CSV of migrations (one per row), then queues it as one batch');
      return;
    case 'import-pst':
      checkCanPost(i);
      await startImport(deps, i);
      return;
    case 'batch':
      checkCanPost(i);
      await onBatchCommand(deps, i);
      return;
  }
}

/** /migrate import-pst: the file (attachment or link) takes the source's place; the form asks for the rest. */
async function startImport(deps: DiscordDeps, i: ChatInputCommandInteraction): Promise<void> {
  const attachment = i.options.getAttachment('file');
  const url = i.options.getString('url') ?? undefined;
  if (!attachment && !url) throw new TernError('BAD_UPLOAD', 'Attach the .pst file (file:) or give an https:// link to it (url:).');
  if (attachment && !attachment.name.toLowerCase().endsWith('.pst')) throw new TernError('BAD_UPLOAD', `${attachment.name} is not a .pst file.`);
  if (url && !/^https:\/\//i.test(url)) throw new TernError('BAD_UPLOAD', 'The link must start with https://.');
  const draft = deps.drafts.create(i.user.id, i.channelId, attachment ? { url: attachment.url, fileName: attachment.name, attachment: true } : { url: url!, fileName: decodeURIComponent(new URL(url!).pathname.split('/').pop() || '') || 'file.pst', attachment: false });
  await i.showModal(accountModal(draft.id, 'destination', draft.values.destination));
}

async function onFormModal(deps: DiscordDeps, i: ModalSubmitInteraction): Promise<void> {
  const [, , formId, step] = i.customId.split(':');
  const draft = deps.drafts.get(formId, i.user.id);
  if (!draft) throw new TernError('INVALID_STATE', 'This form has expired (15 minutes) or is not yours: start again with `/migrate start`.');
  if (step === 'source' || step === 'destination') {
    const fields = accountFields((f) => i.fields.getTextInputValue(f), (f) => [...i.fields.getStringSelectValues(f)]);
    // The sign-in choice and the calendars server are asked elsewhere: kept.
    draft.values[step as Side] = { ...draft.values[step as Side], ...fields };
  } else if (step === 'signin-source' || step === 'signin-destination') {
    const side = step.slice('signin-'.length) as Side;
    const text = (f: string) => i.fields.getTextInputValue(f)?.trim() || undefined;
    draft.values[side] = { ...draft.values[side], signIn: i.fields.getStringSelectValues('signIn')[0] ?? 'password', issuer: text('issuer'), clientId: text('clientId'), scope: text('scope') };
  } else if (step === 'items') {
    draft.values.items = [...i.fields.getStringSelectValues('items')];
    draft.values.notify = i.fields.getTextInputValue('notify')?.trim() || undefined;
    const dav = (side: Side) => (i.fields.fields.has(`${side}-dav`) ? i.fields.getTextInputValue(`${side}-dav`)?.trim() || undefined : undefined);
    draft.values.source.dav = dav('source');
    draft.values.destination.dav = dav('destination');
  } else if (step === 'options') {
    const text = (f: string) => i.fields.getTextInputValue(f)?.trim() || undefined;
    draft.values.options = { ...draft.values.options, since: text('since'), before: text('before'), folders: text('folders'), excludeFolders: text('excludeFolders'), maxSize: text('maxSize') };
  }
  draft.done.add(step);
  // Next: the destination, then the items, then (and after any fix) the confirm view.
  const confirming = draft.done.has('destination') && draft.done.has('items');
  // The confirm view may autodetect servers (DNS, HTTP: seconds): answer Discord first, within its 3 s.
  const deferred = confirming && needsDetection(draft.values);
  if (deferred) await (i.isFromMessage() ? i.deferUpdate() : i.deferReply({ flags: EPHEMERAL }));
  const next = !draft.done.has('destination')
    ? { content: 'Source saved. Next: the destination account.', components: [row(button(id('form', formId, 'open-destination'), 'Destination…', ButtonStyle.Primary))] }
    : !confirming
      ? { content: 'Destination saved. Next: what to move.', components: [row(button(id('form', formId, 'open-items'), 'Items…', ButtonStyle.Primary))] }
      : await confirmView(deps, draft.id, draft.values, Boolean(draft.pst));
  if (deferred) await i.editReply(next);
  else if (i.isFromMessage()) await i.update(next);
  else await i.reply({ ...next, flags: EPHEMERAL });
}

/** A side set to Autodetect without a server: the confirm view looks it up. */
const needsDetection = (values: Parameters<typeof parseMigrateForm>[0]) =>
  (['source', 'destination'] as const).some((side) => (values[side].type ?? 'auto') === 'auto' && !values[side].host && values[side].login?.includes('@'));

async function confirmView(deps: DiscordDeps, formId: string, values: Parameters<typeof parseMigrateForm>[0], pst: boolean) {
  const detected = await detectedLines(deps, values);
  // The form's own checks first (malformed fields, unsupported kinds); logins are checked at Start.
  try {
    if (pst) parseImportForm(values);
    else parseMigrateForm(values);
    // A PST import has no source account to plan against: no Check first there (its options stay).
    return confirmMessage(formId, values, {}, detected, !pst);
  } catch (err) {
    if (err instanceof FormErrors) return confirmMessage(formId, values, err.errors, detected, !pst);
    throw err;
  }
}

/** For sides set to Autodetect without a server: what detection finds, shown before Start. */
async function detectedLines(deps: DiscordDeps, values: Parameters<typeof parseMigrateForm>[0]): Promise<string[]> {
  const lines: string[] = [];
  for (const side of ['source', 'destination'] as const) {
    const f = values[side];
    if ((f.type ?? 'auto') !== 'auto' || f.host || !f.login?.includes('@')) continue;
    const found = await detect(deps.service, { email: f.login }).catch(() => undefined);
    lines.push(`**${side === 'source' ? 'Source' : 'Destination'} detected:** ${found ? fillFromDetection(f, found, side).said : 'detection failed; choose the server type and fill in the server.'}`);
  }
  return lines;
}

async function onFormButton(deps: DiscordDeps, i: ButtonInteraction): Promise<void> {
  const [, , formId, action] = i.customId.split(':');
  const draft = deps.drafts.get(formId, i.user.id);
  if (!draft) throw new TernError('INVALID_STATE', 'This form has expired (15 minutes) or is not yours: start again with `/migrate start`.');
  const v = draft.values;
  // Reopened forms are pre-filled, the password excepted: it is never sent back to Discord.
  const modalOf = (side: Side) => accountModal(formId, side, { ...v[side], password: undefined });
  if (action === 'open-source' || action === 'fix-source') return void (await i.showModal(modalOf('source')));
  if (action === 'open-destination' || action === 'fix-destination') return void (await i.showModal(modalOf('destination')));
  if (action === 'open-items' || action === 'fix-items') return void (await i.showModal(itemsModal(formId, v, Boolean(draft.pst))));
  if (action === 'signin-source' || action === 'signin-destination') return void (await i.showModal(signInModal(formId, action.slice('signin-'.length) as Side, v[action.slice('signin-'.length) as Side])));
  if (action === 'open-options') return void (await i.showModal(optionsModal(formId, v)));
  if (action === 'newest') {
    v.options = { ...v.options, newestFirst: !v.options?.newestFirst };
    return void (await i.update(await confirmView(deps, formId, v, Boolean(draft.pst))));
  }
  if (action === 'cancel') {
    deps.drafts.drop(formId);
    return void (await i.update({ content: 'Cancelled: nothing was started.', components: [] }));
  }
  if (action === 'check') {
    // Reading both mailboxes takes longer than Discord's 3 s: acknowledge first.
    await i.deferUpdate();
    try {
      // A side that chose a provider signs in first (its code in an ephemeral follow-up); the check runs once it has.
      const started = await planMigrateFormSignedIn(deps.service, v, actorOf(deps, i), privateCode(i, v, 'the check runs'));
      const planned = (found: PlanView) => i.editReply(planMessage(formId, planCard(found))).then(() => {});
      if ('now' in started) return void (await planned(started.now));
      await i.editReply({ content: `🔑 ${md(signingInText(started.signingIn, 'The check runs'))}`, components: [] });
      afterSignIn(deps, interactionReply(i), started.finished, planned, 'Not checked');
    } catch (err) {
      if (!(err instanceof FormErrors)) throw err;
      for (const side of ['source', 'destination'] as const) if (err.errors[`${side}.password`]) v[side].password = undefined;
      await i.editReply(confirmMessage(formId, v, err.errors));
    }
    return;
  }
  if (action !== 'start') return;
  // Logging in to both servers takes longer than Discord's 3 s: acknowledge first.
  await i.deferUpdate();
  try {
    const actor = actorOf(deps, i);
    const after = draft.pst ? 'the import starts' : 'the migration starts';
    // Kept (sealed) for a restart as a copy: dropping the draft below wipes its passwords.
    const started = draft.pst
      ? await importPstSignedIn(deps.service, pstValues(draft), actor, privateCode(i, v, after), () => startPstImport(deps, draft, actor))
      : await startMigrateForm(deps.service, v, actor, privateCode(i, v, after), { kept: { surface: SURFACE, user: i.user.id, channel: draft.channelId, replyToken: i.token, values: structuredClone(v), actor }, botStopping: deps.stopping });
    deps.drafts.drop(formId);
    if ('now' in started) return void (await created(deps, interactionReply(i), started.now, draft.channelId));
    await i.editReply({ content: `🔑 ${md(signingInText(started.signingIn, draft.pst ? 'The import starts' : 'The migration starts'))}`, components: [] });
    afterSignIn(deps, interactionReply(i), started.finished, (task) => created(deps, interactionReply(i), task, draft.channelId), 'Not started');
  } catch (err) {
    if (!(err instanceof FormErrors)) throw err;
    for (const side of ['source', 'destination'] as const) if (err.errors[`${side}.password`]) v[side].password = undefined;
    await i.editReply(confirmMessage(formId, v, err.errors, [], !draft.pst));
  }
}

/** The sign-in link and code: an ephemeral follow-up, seen only by the person signing in. */
function privateCode(i: ButtonInteraction, v: MigrateFormValues, after: string): ShowCode {
  return (side, code) => i.followUp({ content: signInCodeText(side, md(v[side].login ?? ''), code, after), flags: EPHEMERAL }).then(() => {});
}

type Draft = NonNullable<ReturnType<DiscordDeps['drafts']['get']>>;

/** The import form's part of a draft (a PST import has no source). */
const pstValues = (draft: Draft) => ({ destination: draft.values.destination, items: draft.values.items, notify: draft.values.notify, options: draft.values.options });

async function startPstImport(deps: DiscordDeps, draft: Draft, actor: Actor) {
  const pst = draft.pst!;
  const values = pstValues(draft);
  if (!pst.attachment) return importPstFromUrl(deps.service, { url: pst.url, values }, actor);
  const file = await downloadAttachment(pst.url, pst.fileName, deps.uploadsDir, deps.maxUploadBytes);
  return importPst(deps.service, { file, fileName: pst.fileName, values }, actor);
}

function rollbackQuestion(taskId: string) {
  return {
    content: `Roll back \`${taskId}\`? Everything it created at the destination is removed; what was there before stays.`,
    components: [row(button(id('rollback-yes', taskId), 'Yes, roll back', ButtonStyle.Danger))],
    flags: EPHEMERAL,
  } as const;
}

async function cancelTask(deps: DiscordDeps, taskId: string, i: RepliableInteraction): Promise<string> {
  const task = await cancel(deps.service, { taskId }, actorOf(deps, i));
  // Not awaited: the thread may wait its turn under rate limits, the click's answer may not.
  void deps.cards.say(task.id, `⏹ Cancel asked by <@${i.user.id}> at ${clock()}`);
  deps.cards.refresh(task.id);
  return task.status === 'cancelled' ? `${task.id} is cancelled.` : `${task.id} is cancelling: the folder in progress is finished first.`;
}

/** Retry failed: a new pass over what the task did not copy, on the same card and thread. */
async function retryTask(deps: DiscordDeps, taskId: string, i: RepliableInteraction): Promise<string> {
  const task = await retry(deps.service, { taskId }, actorOf(deps, i));
  void deps.cards.say(task.id, `🔁 Retry asked by <@${i.user.id}> at ${clock()}: pass ${task.pass} copies what failed, plus what arrived since.`);
  deps.cards.refresh(task.id);
  return `Retrying ${task.id}: what failed is tried again (pass ${task.pass}); one rollback still removes everything it copied.`;
}

async function onCardButton(deps: DiscordDeps, i: ButtonInteraction): Promise<void> {
  const [, action, taskId] = i.customId.split(':');
  if (action === 'cancel') return void (await i.reply({ content: await cancelTask(deps, taskId, i), flags: EPHEMERAL }));
  if (action === 'retry') return void (await i.reply({ content: await retryTask(deps, taskId, i), flags: EPHEMERAL }));
  if (action === 'rollback') {
    // A stranger is refused before the question (the service checks again at "yes").
    const actor = actorOf(deps, i);
    if ((await deps.service.view(taskId)).requester !== actor.id && !actor.admin) {
      throw new TernError('FORBIDDEN', `Only the person who started ${taskId} or an admin can roll it back.`);
    }
    return void (await i.reply(rollbackQuestion(taskId)));
  }
  if (action === 'rollback-yes') {
    const task = await rollback(deps.service, { taskId }, actorOf(deps, i));
    void deps.cards.say(task.id, `↩ Rollback asked by <@${i.user.id}> at ${clock()}`);
    deps.cards.refresh(task.id);
    return void (await i.update({ content: `Rolling back ${task.id}: what it created at the destination is being removed.`, components: [] }));
  }
  if (action === 'import') {
    // Re-read the message: its attachment links are signed and expire.
    const [, , channelId, messageId] = i.customId.split(':');
    const message = await i.client.channels.fetch(channelId).then((c) => (c && 'messages' in c ? c.messages.fetch(messageId) : undefined));
    const pst = message?.attachments.find((a) => a.name.toLowerCase().endsWith('.pst'));
    if (!pst) throw new TernError('BAD_UPLOAD', 'That message no longer has a .pst attachment.');
    const draft = deps.drafts.create(i.user.id, i.channelId, { url: pst.url, fileName: pst.name, attachment: true });
    return void (await i.showModal(accountModal(draft.id, 'destination', draft.values.destination)));
  }
  if (action === 'refresh') {
    await deps.service.view(taskId);
    await i.deferUpdate();
    deps.cards.refresh(taskId);
  }
}
