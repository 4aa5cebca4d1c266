import type { App } from '@slack/bolt';
import { esc } from './mrkdwn';

/**
 * A message only `user` sees: ephemeral in the form's channel, or (Slack refuses ephemerals in a
 * DM with the bot and in channels without it) in the user's messages with Tern.
 */
export async function sayPrivately(client: App['client'], channel: string, user: string, text: string): Promise<void> {
  try {
    await client.chat.postEphemeral({ channel, user, text: esc(text) });
  } catch {
    await client.chat.postMessage({ channel: user, text: esc(text) });
  }
}
