import type { Client } from 'discord.js';
import { resumeFormSignIns, signInCodeText } from '../../commands/form-sign-in';
import type { TaskView } from '../../src/task';
import { SURFACE } from './cards';
import type { DiscordDeps } from './context';
import { afterSignIn, created, webhookReply, type FormReply } from './form-reply';
import { md } from './markdown';

/**
 * On start: the /migrate forms whose sign-ins waited for approval when the bot last stopped go on
 * polling; the outcome is told as for a fresh one, through the form's interaction webhook (its
 * token is kept sealed with the sign-in), and the task's card goes to the channel.
 */
export async function resumeSignIns(client: Client, deps: DiscordDeps): Promise<void> {
  // Kept before the interaction's token was: nothing to answer, the card still goes to the channel.
  const silent: FormReply = { followUp: async () => undefined, edit: async () => undefined };
  const replyTo = (token: string | undefined) => (token ? webhookReply(client.rest, deps.config.applicationId, token) : silent);
  await resumeFormSignIns(
    deps.service,
    SURFACE,
    deps.stopping,
    (kept) => (side, code) => replyTo(kept.replyToken).followUp(signInCodeText(side, md(kept.values[side].login ?? ''), code)).then(() => {}),
    (kept, started) => {
      const reply = replyTo(kept.replyToken);
      const finished = ('now' in started ? Promise.resolve(started.now) : started.finished) as Promise<TaskView>;
      afterSignIn(deps, reply, finished, async (task) => {
        await created(deps, reply, task, kept.channel);
        await reply.followUp(`You have signed in: task ${task.id} has started.`);
      }, 'Not started');
    },
  );
}
