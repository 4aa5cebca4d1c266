import { Routes, type RESTPostAPIChannelMessageResult, type APIChannel } from 'discord-api-types/v10';
import type { REST } from 'discord.js';
import type { TernService } from '../../src/service/service';
import type { Logger } from '../../src/log';
import type { TaskFeed } from '../../src/notify/task-feed';
import { CardKeeper, type CardTransport } from '../cards/keeper';
import { cardMessage } from './render';

export const SURFACE = 'discord';

/**
 * Status cards as Discord messages, edited with the bot token (interaction tokens die after 15
 * minutes; migrations run for hours), with a thread started from each. @discordjs/rest queues
 * per route and honours 429s.
 */
export function discordCards(rest: REST, service: TernService, feed: TaskFeed, log: Logger, editIntervalMs = 1_000): CardKeeper {
  const transport: CardTransport = {
    async post(card, channel) {
      const msg = (await rest.post(Routes.channelMessages(channel), { body: cardMessage(card) })) as RESTPostAPIChannelMessageResult;
      const thread = (await rest.post(Routes.threads(channel, msg.id), { body: { name: `Migration ${card.taskId}`, auto_archive_duration: 1440 } })) as APIChannel;
      return { channel, messageId: msg.id, threadId: thread.id };
    },
    async edit(place, card) {
      await rest.patch(Routes.channelMessage(place.channel, place.messageId), { body: cardMessage(card) });
    },
    async reply(place, text) {
      await rest.post(Routes.channelMessages(place.threadId), { body: { content: text.slice(0, 2000), allowed_mentions: { parse: [] } } });
    },
  };
  return new CardKeeper(SURFACE, transport, service, feed, log, editIntervalMs);
}
