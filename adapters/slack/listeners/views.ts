import type { App, ViewSubmitAction } from '@slack/bolt';
import { FormErrors, parseMigrateForm, type Side } from '../../../commands/migrate-form';
import { importPstSignedIn, signInCodeText, signInFailure, signingInText, startMigrateForm } from '../../../commands/form-sign-in';
import type { DeviceCode } from '../../../src/auth/device';
import { sayPrivately } from '../say-privately';
import { importPst } from '../../../commands/import-pst';
import { TernError } from '../../../src/errors';
import { checkingModal, createdModal, fieldOfBlock, formValues, importModal, messageModal, migrateModal, withoutPasswords, IMPORT_CALLBACK, MIGRATE_CALLBACK, type ModalMetadata } from '../render-modal';
import { actorOf, type SlackDeps } from '../context';
import { downloadSlackFile } from '../download';
import { esc } from '../mrkdwn';
import { SURFACE } from '../cards';
import type { TaskView } from '../../../src/task';

type State = Parameters<typeof formValues>[0];

/**
 * Form submissions. Malformed fields come back at once as field errors; the account check takes
 * longer than Slack's 3 s, so the modal says "checking" and is updated with the outcome.
 */
export function registerViews(app: App, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(MIGRATE_CALLBACK, async ({ ack, body, view, client }) => {
    const meta = JSON.parse(view.private_metadata || '{}') as ModalMetadata;
    const values = formValues(view.state.values as State);
    try {
      parseMigrateForm(values);
    } catch (err) {
      if (err instanceof FormErrors) return ack({ response_action: 'errors', errors: slackErrors(err.errors, Object.keys(view.state.values)) });
      throw err;
    }
    await ack({ response_action: 'update', view: checkingModal() });
    let next;
    let finished: Promise<TaskView> | undefined;
    const user = body.user.id;
    try {
      const actor = actorOf(deps, user);
      const keeping = { kept: { surface: SURFACE, user, channel: meta.channel, viewId: view.id, values, actor }, botStopping: deps.stopping };
      const started = await startMigrateForm(deps.service, values, actor, (side, code) => sayPrivately(client, meta.channel, user, signInCodeText(side, values[side].login, code)), keeping);
      if ('now' in started) next = await postCard(deps, started.now, meta.channel);
      else {
        next = messageModal('Sign in first', `:key: ${esc(signingInText(started.signingIn))}`);
        finished = started.finished;
      }
    } catch (err) {
      next = failureView(deps, err, () => migrateModal(meta, withoutPasswords(values), (err as FormErrors).errors));
    }
    await client.views.update({ view_id: view.id, view: next });
    // The sign-ins take minutes: their outcome is told when they end (the modal may be closed by then).
    if (finished) void afterSignIn(deps, client, finished, { viewId: view.id, channel: meta.channel, user }, (task) => postCard(deps, task, meta.channel));
  });

  app.view<ViewSubmitAction>(IMPORT_CALLBACK, async ({ ack, body, view, client }) => {
    const meta = JSON.parse(view.private_metadata || '{}') as ModalMetadata;
    const values = formValues(view.state.values as State);
    // Acknowledged first: files.info is a network call, and Slack allows 3 s for the answer.
    await ack({ response_action: 'update', view: messageModal('Import a PST file', `:hourglass_flowing_sand: Fetching *${esc(meta.fileName ?? 'the file')}* and checking the account…`) });
    let next;
    let finished: Promise<TaskView> | undefined;
    const user = body.user.id;
    let fileName = meta.fileName ?? 'the file';
    try {
      const file = (await client.files.info({ file: meta.fileId! })).file!;
      fileName = file.name ?? fileName;
      if ((file.size ?? 0) > deps.maxUploadBytes) throw new TernError('BAD_UPLOAD', `${file.name} is larger than the ${deps.maxUploadBytes} bytes allowed (TERN_MAX_UPLOAD_BYTES).`);
      const actor = actorOf(deps, user);
      // A destination that chose a provider signs in first (its code sent privately); the import starts once it has.
      const show = (side: Side, code: DeviceCode) => sayPrivately(client, meta.channel, user, signInCodeText(side, values[side].login, code, 'the import starts'));
      // Fetched only then: a sign-in denied or left to expire leaves no copy of someone's mailbox on disk.
      const run = async () => importPst(deps.service, { file: await downloadSlackFile(file.url_private_download!, deps.botToken, { id: file.id!, name: file.name! }, deps.uploadsDir, deps.maxUploadBytes), fileName: file.name!, values }, actor);
      const started = await importPstSignedIn(deps.service, values, actor, show, run);
      if ('now' in started) next = await postCard(deps, started.now, meta.channel);
      else {
        next = messageModal('Sign in first', `:key: ${esc(signingInText(started.signingIn, 'The import starts'))}`);
        finished = started.finished;
      }
    } catch (err) {
      next = failureView(deps, err, () => importModal(meta, fileName, withoutPasswords(values), (err as FormErrors).errors));
    }
    await client.views.update({ view_id: view.id, view: next });
    if (finished) void afterSignIn(deps, client, finished, { viewId: view.id, channel: meta.channel, user }, (task) => postCard(deps, task, meta.channel));
  });
}

/**
 * The task's card, and the view that tells where it is: in the channel, in the requester's DM
 * when the bot is not in the channel, or (Slack refused it) nowhere, with how to follow the task.
 */
export async function postCard(deps: SlackDeps, task: TaskView, channel: string) {
  try {
    const place = await deps.cards.post(task, channel);
    return createdModal(task, place.channel === channel ? undefined : `Tern is not in <#${channel}>: the status card is in your messages with Tern.`);
  } catch (err) {
    deps.log.warn({ task: task.id, err: (err as Error).message }, 'could not post the status card');
    return createdModal(task, `The status card could not be posted in <#${channel}>. \`/migrate status ${task.id}\` shows the task, and \`/migrate cancel ${task.id}\` cancels it.`);
  }
}

/**
 * What the form asked for once the sign-ins are done (the task's card, the plan); otherwise the one
 * sentence saying which side failed and what to do, privately and in the modal.
 */
export async function afterSignIn<T>(deps: SlackDeps, client: App['client'], finished: Promise<T>, where: { viewId: string; channel: string; user: string }, render: (done: T) => Promise<ReturnType<typeof messageModal>>, title = 'Not started') {
  const update = (view: ReturnType<typeof messageModal>) => client.views.update({ view_id: where.viewId, view }).catch(() => {}); // closed by now: fine
  try {
    await update(await render(await finished));
  } catch (err) {
    const failure = signInFailure(err, deps.stopping);
    if (!failure) return;
    if (failure.unexpected) deps.log.error({ err }, 'form sign-in failed');
    const said = failure.said;
    await sayPrivately(client, where.channel, where.user, said).catch((e: Error) => deps.log.warn({ err: e.message }, 'could not say a sign-in failed'));
    await update(messageModal(title, `:warning: ${esc(said)}`));
  }
}

/** The form again with its errors, or a plain message for anything that is not about a field. */
export function failureView(deps: SlackDeps, err: unknown, form: () => ReturnType<typeof migrateModal>, title = 'Not started') {
  if (err instanceof FormErrors) return form();
  if (err instanceof TernError) return messageModal(title, `:warning: ${esc(err.userMessage)}`);
  deps.log.error({ err }, 'form submission failed');
  return messageModal(title, ':warning: Something went wrong on our side; it has been logged.');
}

/** Slack's field errors must name the view's input blocks ("source.host", or "source.host~1" after Detect settings). */
function slackErrors(errors: Record<string, string>, blockIds: string[]): Record<string, string> {
  const blockOf = (field: string) => blockIds.find((id) => fieldOfBlock(id) === field) ?? field;
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [blockOf(k), v.replace(/^(Source|Destination): /, '')]));
}
