import { Routes, type RESTPostAPIChannelMessageResult } from 'discord-api-types/v10';
import type { REST } from 'discord.js';
import type { TernService } from '../../src/service/service';
import type { Logger } from '../../src/log';
import type { TaskFeed } from '../../src/notify/task-feed';
import { BatchCardKeeper } from '../cards/batch-keeper';
import { batchMessage } from './render-batch';
import { mentionsOnly } from './markdown';
import { SURFACE } from './cards';

/** Batch cards as Discord messages, edited with the bot token (@discordjs/rest queues per route and honours 429s), paced like the task cards. */
export function discordBatchCards(rest: REST, service: TernService, feed: TaskFeed, log: Logger, editIntervalMs = 1_000): BatchCardKeeper {
  return new BatchCardKeeper(
    SURFACE,
    {
      async post(batch, channel) {
        const msg = (await rest.post(Routes.channelMessages(channel), { body: { ...batchMessage(batch), allowed_mentions: mentionsOnly() } })) as RESTPostAPIChannelMessageResult;
        return { channel, messageId: msg.id };
      },
      async edit(place, batch) {
        await rest.patch(Routes.channelMessage(place.channel, place.messageId), { body: { ...batchMessage(batch), allowed_mentions: mentionsOnly() } });
      },
    },
    service,
    feed,
    log,
    editIntervalMs,
  );
}
