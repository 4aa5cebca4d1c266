import type { webApi } from '@slack/bolt';
import type { TernService } from '../../src/service/service';
import type { Logger } from '../../src/log';
import { CardKeeper, type CardTransport } from '../cards/keeper';
import type { TaskFeed } from '../../src/notify/task-feed';
import { cardBlocks, cardText } from './render-card';

export const SURFACE = 'slack';

/** Status cards as Slack messages: chat.update is Tier 3 (~50 a minute per workspace), hence ~1.2 s between edits. */
export function slackCards(client: webApi.WebClient, service: TernService, feed: TaskFeed, log: Logger, editIntervalMs = 1_200): CardKeeper {
  const transport: CardTransport = {
    async post(card, channel) {
      const res = await client.chat.postMessage({ channel, text: cardText(card), blocks: cardBlocks(card) });
      return { channel: res.channel ?? channel, messageId: res.ts!, threadId: res.ts! };
    },
    async edit(place, card) {
      await client.chat.update({ channel: place.channel, ts: place.messageId, text: cardText(card), blocks: cardBlocks(card) });
    },
    async reply(place, text) {
      await client.chat.postMessage({ channel: place.channel, thread_ts: place.threadId, text });
    },
  };
  return new CardKeeper(SURFACE, transport, service, feed, log, editIntervalMs);
}
