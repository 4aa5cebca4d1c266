import type { App, BlockAction, ButtonAction, ViewClosedAction, ViewSubmitAction } from '@slack/bolt';
import { FormErrors, parseMigrateForm, submitMigrateForm, type MigrateFormValues, type Side } from '../../../commands/migrate-form';
import { SURFACE } from '../cards';
import { planMigrateFormSignedIn, signInCodeText, signingInText } from '../../../commands/form-sign-in';
import type { DeviceCode } from '../../../src/auth/device';
import type { PlanView } from '../../../src/plan';
import { sayPrivately } from '../say-privately';
import { esc } from '../mrkdwn';
import { planCard } from '../../../commands/plan-view';
import { CHECK_ACTION, PLAN_CALLBACK, checkingModal, formValues, messageModal, migrateModal, planModal, withoutPasswords, type ModalMetadata } from '../render-modal';
import { actorOf, type SlackDeps } from '../context';
import { afterSignIn, failureView, postCard } from './views';

type PlanMetadata = ModalMetadata & { planId: string };

/**
 * "Check first" in the /migrate modal: the form is checked as for Start, both accounts are read,
 * and the modal becomes the plan card, whose Start creates the task and whose Cancel drops it.
 * The form's values (passwords included) wait in this process, never in the view.
 */
export function registerPlan(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(CHECK_ACTION, async ({ ack, body, client }) => {
    await ack();
    const view = body.view;
    if (!view) return;
    const meta = JSON.parse(view.private_metadata || '{}') as ModalMetadata;
    const values = formValues(view.state.values as Parameters<typeof formValues>[0]);
    const form = (errors: Record<string, string>) => migrateModal(meta, withoutPasswords(values), errors);
    try {
      parseMigrateForm(values);
    } catch (err) {
      if (!(err instanceof FormErrors)) throw err;
      await client.views.update({ view_id: view.id, view: form(err.errors) });
      return;
    }
    await client.views.update({ view_id: view.id, view: checkingModal() });
    const user = body.user.id;
    const planned = (found: PlanView) => planCardView(deps, user, meta.channel, values, found);
    let next;
    let finished: Promise<PlanView> | undefined;
    try {
      // A side that chose a provider signs in first (its code sent privately); the check runs once it has.
      const show = (side: Side, code: DeviceCode) => sayPrivately(client, meta.channel, user, signInCodeText(side, values[side].login, code, 'the check runs'));
      const actor = actorOf(deps, user);
      const keeping = { kept: { surface: SURFACE, user, channel: meta.channel, viewId: view.id, values, actor }, botStopping: deps.stopping };
      const started = await planMigrateFormSignedIn(deps.service, values, actor, show, keeping);
      if ('now' in started) next = await planned(started.now);
      else {
        next = messageModal('Sign in first', `:key: ${esc(signingInText(started.signingIn, 'The check runs'))}`);
        finished = started.finished;
      }
    } catch (err) {
      next = failureView(deps, err, () => form((err as FormErrors).errors), 'Not checked');
    }
    await client.views.update({ view_id: view.id, view: next });
    // The sign-ins take minutes: then the plan card, or the one sentence saying which side failed.
    if (finished) void afterSignIn(deps, client, finished, { viewId: view.id, channel: meta.channel, user }, planned, 'Not checked');
  });

  app.view<ViewSubmitAction>(PLAN_CALLBACK, async ({ ack, body, view, client }) => {
    const meta = JSON.parse(view.private_metadata || '{}') as PlanMetadata;
    const pending = await deps.plans.take(meta.planId, body.user.id);
    if (!pending) return ack({ response_action: 'update', view: messageModal('Not started', ':warning: This plan is no longer kept (plans wait 15 minutes): run `/migrate` again.') });
    await ack({ response_action: 'update', view: checkingModal() });
    let next;
    try {
      next = await postCard(deps, await submitMigrateForm(deps.service, pending.values, actorOf(deps, body.user.id)), pending.channel);
    } catch (err) {
      next = failureView(deps, err, () => migrateModal({ channel: pending.channel }, withoutPasswords(pending.values), (err as FormErrors).errors));
    }
    await client.views.update({ view_id: view.id, view: next });
  });

  // Cancel on the plan card: the waiting form, passwords included, goes at once.
  app.view<ViewClosedAction>({ callback_id: PLAN_CALLBACK, type: 'view_closed' }, async ({ ack, body, view }) => {
    await ack();
    await deps.plans.take((JSON.parse(view.private_metadata || '{}') as PlanMetadata).planId, body.user.id);
  });
}

/** The plan card in the modal; the checked form waits (sealed, in Redis) behind its Start. */
export async function planCardView(deps: SlackDeps, user: string, channel: string, values: MigrateFormValues, found: PlanView) {
  return planModal({ channel, planId: await deps.plans.add(user, channel, values) }, planCard(found));
}
