import type { TernService } from '../../src/service/service';
import type { Logger } from '../../src/log';
import { CardKeeper, type CardTransport } from '../cards/keeper';
import type { TaskFeed } from '../../src/notify/task-feed';
import type { StatusCard } from '../../commands/views';
import { cardBlocks, cardText } from './render-card';
import { threadMessage } from './render-thread';
import type { PacedSlack } from './paced-client';

export const SURFACE = 'slack';

/** Errors Slack gives a message it will not take as it is: a shorter one is sent instead. */
const TOO_BIG = new Set(['invalid_blocks', 'msg_too_long', 'invalid_arguments']);
/** Errors of a channel the bot cannot post in (not invited; a private channel it cannot see). */
const NOT_THERE = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);
const platformError = (err: unknown) => (err as { data?: { error?: string } }).data?.error;

/**
 * Status cards as Slack messages, every call through the workspace's pacer (chat.update ~1.2 s
 * apart for all cards, posts ~1 s apart per channel). Edits waiting their turn are merged per
 * task by the keeper's coalescer, so only the latest state of a card is sent.
 */
export function slackCards(client: PacedSlack, service: TernService, feed: TaskFeed, log: Logger): CardKeeper {
  /** The full card, else (refused for its size) the compact one: a card never stays stale. */
  const send = async (card: StatusCard, call: (c: { text: string; blocks: ReturnType<typeof cardBlocks> }) => Promise<unknown>) => {
    try {
      return await call({ text: cardText(card), blocks: cardBlocks(card) });
    } catch (err) {
      if (!TOO_BIG.has(platformError(err) ?? '')) throw err;
      log.warn({ task: card.taskId, err: platformError(err) }, 'Slack refused the full card; sending the compact one');
      return call({ text: cardText(card), blocks: cardBlocks(card, { compact: true }) });
    }
  };
  const transport: CardTransport = {
    async post(card, channel) {
      const postIn = async (where: string) => (await send(card, (m) => client.postMessage({ channel: where, ...m }))) as { channel?: string; ts?: string };
      let res;
      try {
        res = await postIn(channel);
      } catch (err) {
        // Not in that channel: the card goes to the requester's DM with the bot, saying why, so
        // the task can still be followed and cancelled.
        if (!NOT_THERE.has(platformError(err) ?? '') || !card.requester.startsWith('slack:')) throw err;
        res = await postIn(card.requester.slice('slack:'.length));
        await client.postMessage({ channel: res.channel!, thread_ts: res.ts!, text: notInChannel(channel) });
      }
      return { channel: res.channel ?? channel, messageId: res.ts!, threadId: res.ts! };
    },
    async edit(place, card) {
      await send(card, (m) => client.update({ channel: place.channel, ts: place.messageId, ...m }));
    },
    async reply(place, post) {
      const message = threadMessage(post);
      if (!message.file) {
        await client.postMessage({ channel: place.channel, thread_ts: place.threadId, text: message.text });
        return;
      }
      // Too long for one message: the summary, and the whole report as a file in the thread.
      await client.upload({
        channel_id: place.channel,
        thread_ts: place.threadId,
        initial_comment: message.text,
        filename: message.file.name,
        title: message.file.name,
        content: message.file.content,
      });
    },
  };
  // The pacer spaces the edits; the coalescer only merges the ones waiting.
  return new CardKeeper(SURFACE, transport, service, feed, log, 0);
}

export const notInChannel = (channel: string) =>
  `Tern is not a member of <#${channel}>, so this task's status card is here, in your messages with Tern. To have cards in that channel, type \`/invite @tern\` there.`;
