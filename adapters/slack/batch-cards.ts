import type { TernService } from '../../src/service/service';
import type { Logger } from '../../src/log';
import type { TaskFeed } from '../../src/notify/task-feed';
import { BatchCardKeeper } from '../cards/batch-keeper';
import { batchBlocks } from './render-batch';
import type { PacedSlack } from './paced-client';
import { SURFACE } from './cards';

/**
 * Batch cards as Slack messages in the CSV's thread, through the workspace's pacer like the task
 * cards (chat.update shares their lane and its rate).
 */
export function slackBatchCards(client: PacedSlack, service: TernService, feed: TaskFeed, log: Logger, editIntervalMs: number): BatchCardKeeper {
  return new BatchCardKeeper(
    SURFACE,
    {
      async post(batch, channel, threadId) {
        const res = (await client.postMessage({ channel, ...(threadId ? { thread_ts: threadId } : {}), ...batchBlocks(batch) })) as { channel?: string; ts?: string };
        return { channel: res.channel ?? channel, messageId: res.ts!, ...(threadId ? { threadId } : {}) };
      },
      async edit(place, batch) {
        await client.update({ channel: place.channel, ts: place.messageId, ...batchBlocks(batch) });
      },
    },
    service,
    feed,
    log,
    editIntervalMs,
  );
}
