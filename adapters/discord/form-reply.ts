import { MessageFlags, Routes, type ButtonInteraction, type REST } from 'discord.js';
import { signInFailure } from '../../commands/form-sign-in';
import { accountLabel } from '../../commands/views';
import type { TaskView } from '../../src/task';
import type { DiscordDeps } from './context';
import { md } from './markdown';

/**
 * Where a /migrate form's outcome is told: through its interaction while the bot that received it
 * runs, or through the interaction's webhook (its token answers for 15 minutes) after a restart.
 */
export interface FormReply {
  /** An ephemeral follow-up, seen only by the person who filled the form. */
  followUp(content: string): Promise<unknown>;
  /** The form's own message, replaced by this text. */
  edit(content: string): Promise<unknown>;
}

export const interactionReply = (i: ButtonInteraction): FormReply => ({
  followUp: (content) => i.followUp({ content, flags: MessageFlags.Ephemeral }),
  edit: (content) => i.editReply({ content, components: [] }),
});

/** Interaction webhooks take no bot token. */
export const webhookReply = (rest: REST, applicationId: string, token: string): FormReply => ({
  followUp: (content) => rest.post(Routes.webhook(applicationId, token), { body: { content, flags: MessageFlags.Ephemeral }, auth: false }),
  edit: (content) => rest.patch(Routes.webhookMessage(applicationId, token, '@original'), { body: { content, components: [] }, auth: false }),
});

/** The sign-ins take minutes; then what the form asked for, or one private sentence saying what failed. */
export function afterSignIn<T>(deps: DiscordDeps, reply: FormReply, finished: Promise<T>, done: (result: T) => Promise<void>, failed: string): void {
  void finished
    .then(done, async (err: unknown) => {
      const failure = signInFailure(err, deps.stopping);
      if (!failure) return;
      if (failure.unexpected) deps.log.error({ err }, 'form sign-in failed');
      await reply.followUp(md(failure.said));
      await reply.edit(`${failed}: ${md(failure.said)}`);
    })
    .catch((err: Error) => deps.log.warn({ err: err.message }, 'could not tell the outcome of a form sign-in'));
}

/** The form's answer once its task exists, and the task's status card in the channel (posted even when the form can no longer be answered). */
export async function created(deps: DiscordDeps, reply: FormReply, task: TaskView, channelId: string): Promise<void> {
  await reply
    .edit(`✅ Task **\`${task.id}\`** created: ${md(accountLabel(task.sourceEndpoint))} → ${md(accountLabel(task.destinationEndpoint))}. Note the task ID; the status card below follows it.`)
    .catch((err: Error) => deps.log.warn({ task: task.id, err: err.message }, 'could not answer the form'));
  await deps.cards.post(task, channelId);
}
