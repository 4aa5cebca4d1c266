import type { App } from '@slack/bolt';
import type { SlackDeps } from '../context';
import { IMPORT_ACTION } from './actions';
import { bytes } from '../../../commands/views';
import { esc } from '../mrkdwn';
import { publishHome } from '../home';
import { batchOffer } from './batch';

/** Remembers the last N keys seen: Slack retries events. */
class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly max = 1000) {}
  /** True the first time a key is seen. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value!);
    return true;
  }
}

/**
 * A .pst shared where the bot is gets a thread reply with an Import… button (a .csv: Check rows /
 * Queue batch). Retried deliveries
 * (X-Slack-Retry-Num) are dropped by event ID, and a file is offered once.
 */
export function registerEvents(app: App, deps: SlackDeps): void {
  const events = new RecentKeys();
  const files = new RecentKeys();

  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && !events.add(eventId)) return;
    await next();
  });

  const offer = async (client: App['client'], fileId: string, channel: string) => {
    if (!files.add(fileId)) return;
    const info = await client.files.info({ file: fileId });
    const file = info.file;
    const name = file?.name?.toLowerCase() ?? '';
    if (!file || !(name.endsWith('.pst') || name.endsWith('.csv'))) return;
    const value = JSON.stringify({ fileId, name: file.name, channel });
    // file_shared does not say which message shared the file; files.info does (shares).
    const shares = file.shares as { public?: Record<string, Array<{ ts?: string }>>; private?: Record<string, Array<{ ts?: string }>> } | undefined;
    const thread = shares?.public?.[channel]?.[0]?.ts ?? shares?.private?.[channel]?.[0]?.ts;
    // A CSV is offered as a batch of migrations (see listeners/batch.ts).
    if (name.endsWith('.csv')) {
      await client.chat.postMessage({ channel, ...(thread ? { thread_ts: thread } : {}), ...batchOffer({ fileId, name: file.name!, channel, thread }, bytes(file.size ?? 0)) });
      return;
    }
    await client.chat.postMessage({
      channel,
      ...(thread ? { thread_ts: thread } : {}),
      text: `${esc(file.name!)} (${bytes(file.size ?? 0)}) can be imported into a mailbox.`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `:inbox_tray: *${esc(file.name!)}* (${bytes(file.size ?? 0)}) can be imported into a mailbox.` } },
        { type: 'actions', elements: [{ type: 'button', action_id: IMPORT_ACTION, text: { type: 'plain_text', text: 'Import…' }, value, style: 'primary' }] },
      ],
    });
  };

  // The App Home tab lists the person's recent tasks, with their buttons, each time it is opened.
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await publishHome(client, deps, event.user).catch((err: Error) => deps.log.warn({ err: err.message }, 'could not publish the App Home'));
  });

  app.event('file_shared', async ({ event, client }) => {
    try {
      await offer(client, event.file_id, event.channel_id);
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'could not offer a PST import');
    }
  });
  // The `message` event (subtype file_share) would say the same, but receiving it needs
  // channels:history, i.e. reading every message of the channel: file_shared + files.info is enough.
}
