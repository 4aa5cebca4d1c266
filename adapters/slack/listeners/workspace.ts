import type { AnyMiddlewareArgs, App, RespondFn } from '@slack/bolt';
import type { SlackDeps } from '../context';

/**
 * Commands and clicks from another workspace than the one this bot serves (a shared channel, a
 * message forwarded across a Slack Connect link) are answered with one private sentence and do
 * nothing: a task of this workspace is not someone else's to cancel, even their admins'.
 */
export function registerWorkspaceGuard(app: App, deps: SlackDeps, ownTeam: () => string | undefined): void {
  app.use(async (args) => {
    const body = args.body as { team?: { id?: string }; team_id?: string; user?: { team_id?: string }; type?: string; command?: string };
    const team = body.user?.team_id ?? body.team?.id ?? body.team_id;
    const own = ownTeam();
    const acting = body.type === 'block_actions' || typeof body.command === 'string';
    if (!acting || !team || !own || team === own) return args.next();
    const { ack, respond } = args as AnyMiddlewareArgs & { ack?: () => Promise<void>; respond?: RespondFn };
    await ack?.();
    deps.log.warn({ team }, 'a command or click from another workspace was refused');
    await respond?.({ response_type: 'ephemeral', replace_original: false, text: 'This Tern belongs to another Slack workspace: its tasks can only be followed and changed from there. Nothing was changed.' });
  });
}
