import type { App } from '@slack/bolt';
import { resumeFormSignIns, signInCodeText } from '../../../commands/form-sign-in';
import type { PlanView } from '../../../src/plan';
import type { TaskView } from '../../../src/task';
import { sayPrivately } from '../say-privately';
import { SURFACE } from '../cards';
import type { SlackDeps } from '../context';
import { afterSignIn, postCard } from './views';
import { planCardView } from './plan';

/**
 * On start: the form sign-ins that waited for approval when the bot last stopped go on polling;
 * their outcome is told as for a fresh one (the modal, if still open, and privately: the person
 * may have closed the modal while the bot was away).
 */
export async function resumeSignIns(client: App['client'], deps: SlackDeps): Promise<void> {
  await resumeFormSignIns(
    deps.service,
    SURFACE,
    deps.stopping,
    (kept) => (side, code) => sayPrivately(client, kept.channel, kept.user, signInCodeText(side, kept.values[side].login, code, kept.what === 'task' ? 'the migration starts' : 'the check runs')),
    (kept, started) => {
      const where = { viewId: kept.viewId ?? '', channel: kept.channel, user: kept.user };
      const finished = 'now' in started ? Promise.resolve(started.now) : started.finished;
      if (kept.what === 'task') {
        void afterSignIn(deps, client, finished as Promise<TaskView>, where, async (task) => {
          await sayPrivately(client, kept.channel, kept.user, `You have signed in: task ${task.id} has started.`);
          return postCard(deps, task, kept.channel);
        });
      } else {
        void afterSignIn(deps, client, finished as Promise<PlanView>, where, async (found) => {
          await sayPrivately(client, kept.channel, kept.user, 'You have signed in: the plan is ready in the Tern window you opened (run /migrate again if you closed it).');
          return planCardView(deps, kept.user, kept.channel, kept.values, found);
        }, 'Not checked');
      }
    },
  );
}
