import { MessageFlags, Routes, type Client } from 'discord.js';
import { resumeFormSignIns, signInCodeText, type KeptSignIn } from '../../commands/form-sign-in';
import { FormErrors } from '../../commands/migrate-form';
import { TernError } from '../../src/errors';
import type { TaskView } from '../../src/task';
import { SURFACE } from './cards';
import type { DiscordDeps } from './context';
import { createdText } from './listeners';
import { md } from './markdown';

/**
 * On start: the /migrate forms whose sign-ins waited for approval when the bot last stopped go on
 * polling; the outcome is told as for a fresh one, through the form's interaction (its token is
 * kept sealed with the sign-in and answers for 15 minutes), and the task's card goes to the channel.
 */
export async function resumeSignIns(client: Client, deps: DiscordDeps): Promise<void> {
  const appId = deps.config.applicationId;
  // Interaction webhooks take no bot token.
  const followUp = (kept: KeptSignIn, content: string) =>
    kept.replyToken ? client.rest.post(Routes.webhook(appId, kept.replyToken), { body: { content, flags: MessageFlags.Ephemeral }, auth: false }) : Promise.resolve();
  const editForm = (kept: KeptSignIn, content: string) =>
    kept.replyToken ? client.rest.patch(Routes.webhookMessage(appId, kept.replyToken, '@original'), { body: { content, components: [] }, auth: false }) : Promise.resolve();
  const told = (what: string) => (err: Error) => deps.log.warn({ err: err.message }, `could not tell the outcome of a resumed sign-in (${what})`);
  await resumeFormSignIns(
    deps.service,
    SURFACE,
    deps.stopping,
    (kept) => (side, code) => followUp(kept, signInCodeText(side, md(kept.values[side].login ?? ''), code)).then(() => {}),
    (kept, started) => {
      const finished = ('now' in started ? Promise.resolve(started.now) : started.finished) as Promise<TaskView>;
      void finished.then(
        async (task) => {
          await editForm(kept, createdText(task)).catch(told('form'));
          await followUp(kept, `You have signed in: task ${task.id} has started.`).catch(told('follow-up'));
          await deps.cards.post(task, kept.channel);
        },
        async (err: unknown) => {
          if (deps.stopping.aborted && err instanceof TernError && err.code === 'INTERRUPTED') return;
          if (!(err instanceof TernError) && !(err instanceof FormErrors)) deps.log.error({ err }, 'form sign-in failed');
          const said = err instanceof FormErrors ? Object.values(err.errors).join(' ') : err instanceof TernError ? err.userMessage : 'Something went wrong on our side; it has been logged.';
          await followUp(kept, md(said)).catch(told('follow-up'));
          await editForm(kept, `Not started: ${md(said)}`).catch(told('form'));
        },
      ).catch(told('card'));
    },
  );
}
