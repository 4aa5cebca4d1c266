import type { webApi } from '@slack/bolt';
import { Pacer, RateLimited, type LaneRule } from '../cards/pacer';

/** Slack's rate tiers for what the cards send (https://api.slack.com/docs/rate-limits), as least intervals. */
export interface SlackPacing {
  /** chat.postMessage: about one a second per channel (threads count in their channel). */
  postMs: number;
  /** chat.update: Tier 3, about 50 a minute for the whole workspace, shared by all cards. */
  editMs: number;
  /** files.getUploadURLExternal / completeUploadExternal: Tier 4. */
  fileMs: number;
}

export const SLACK_PACING: SlackPacing = { postMs: 1_000, editMs: 1_200, fileMs: 600 };

type Client = webApi.WebClient;

/**
 * The workspace's card calls, each in its lane of one pacer. The WebClient given must reject
 * rate-limited calls (rejectRateLimitedCalls): the pacer waits their Retry-After, lane by lane,
 * instead of the client pausing every call of the app.
 */
export function pacedSlack(client: Client, pacing: SlackPacing = SLACK_PACING, onRateLimited?: (lane: string, ms: number) => void) {
  const rule = (lane: string): LaneRule => ({ intervalMs: lane.startsWith('chat.update') ? pacing.editMs : lane.startsWith('files') ? pacing.fileMs : pacing.postMs });
  const pacer = new Pacer(rule, 30, onRateLimited);
  const paced = <T>(lane: string, call: () => Promise<T>) =>
    pacer.run(lane, async () => {
      try {
        return await call();
      } catch (err) {
        const e = err as { code?: string; retryAfter?: number };
        if (e.code === 'slack_webapi_rate_limited_error') throw new RateLimited((e.retryAfter ?? 1) * 1000);
        throw err;
      }
    });
  return {
    pacer,
    postMessage: (args: Parameters<Client['chat']['postMessage']>[0] & { channel: string }) => paced(`chat.postMessage:${args.channel}`, () => client.chat.postMessage(args)),
    update: (args: Parameters<Client['chat']['update']>[0]) => paced('chat.update', () => client.chat.update(args)),
    /** files.uploadV2 in the channel's post lane: the file is a message of the thread, in its order. */
    upload: (args: Parameters<Client['filesUploadV2']>[0] & { channel_id: string }) => paced(`chat.postMessage:${args.channel_id}`, () => paced('files', () => client.filesUploadV2(args))),
  };
}

export type PacedSlack = ReturnType<typeof pacedSlack>;
