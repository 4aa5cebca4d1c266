import { Routes, type RESTPostAPIChannelMessageResult, type APIChannel } from 'discord-api-types/v10';
import type { REST } from 'discord.js';
import type { TernService } from '../../src/service/service';
import type { Logger } from '../../src/log';
import type { TaskFeed } from '../../src/notify/task-feed';
import { CardKeeper, type CardTransport, type ThreadPost } from '../cards/keeper';
import { cardMessage, mention } from './render';
import { md, mentionsOnly } from './markdown';

export const SURFACE = 'discord';

/** Discord refuses message content over 2,000 characters; a longer report goes as an attachment. */
export const CONTENT_MAX = 2_000;
/** "Cannot execute action on this channel type": a thread asked for in a DM. */
const NO_THREADS_HERE = 50024;

/**
 * Status cards as Discord messages, edited with the bot token (interaction tokens die after 15
 * minutes; migrations run for hours), with a thread started from each. @discordjs/rest queues
 * per route and honours 429s. Nothing the bot posts notifies anyone but the requester.
 */
export function discordCards(rest: REST, service: TernService, feed: TaskFeed, log: Logger, editIntervalMs = 1_000): CardKeeper {
  const transport: CardTransport = {
    async post(card, channel) {
      const msg = (await rest.post(Routes.channelMessages(channel), { body: { ...cardMessage(card), allowed_mentions: mentionsOnly() } })) as RESTPostAPIChannelMessageResult;
      try {
        const thread = (await rest.post(Routes.threads(channel, msg.id), { body: { name: `Migration ${card.taskId}`, auto_archive_duration: 1440 } })) as APIChannel;
        return { channel, messageId: msg.id, threadId: thread.id };
      } catch (err) {
        // A DM has no threads: the card's replies answer it in the DM itself.
        if ((err as { code?: number }).code !== NO_THREADS_HERE) throw err;
        return { channel, messageId: msg.id, threadId: channel };
      }
    },
    async edit(place, card) {
      await rest.patch(Routes.channelMessage(place.channel, place.messageId), { body: { ...cardMessage(card), allowed_mentions: mentionsOnly() } });
    },
    async reply(place, post) {
      const { content, file, requesterId } = threadMessage(post);
      const inline = place.threadId === place.channel;
      await rest.post(Routes.channelMessages(place.threadId), {
        body: { content, allowed_mentions: mentionsOnly(requesterId), ...(inline ? { message_reference: { message_id: place.messageId, fail_if_not_exists: false } } : {}) },
        ...(file ? { files: [{ name: file.name, data: Buffer.from(file.content, 'utf8'), contentType: 'text/plain' }] } : {}),
      });
    },
  };
  return new CardKeeper(SURFACE, transport, service, feed, log, editIntervalMs);
}

/** A thread message: plain lines escaped, the requester mentioned on the last one; too long → summary + attachment. */
export function threadMessage(post: ThreadPost): { content: string; file?: { name: string; content: string }; requesterId?: string } {
  const requesterId = post.final && post.requester?.startsWith('discord:') ? post.requester.slice('discord:'.length) : undefined;
  const tag = requesterId ? `\n${mention(post.requester!)}` : '';
  const body = post.plain ? post.lines.map(md).join('\n') : post.lines.join('\n');
  if (body.length + tag.length <= CONTENT_MAX) return { content: body + tag, requesterId };
  const head: string[] = [];
  for (const line of post.lines) {
    const next = post.plain ? md(line) : line;
    if (line.includes(' → ') || [...head, next].join('\n').length > CONTENT_MAX / 2) break;
    head.push(next);
  }
  const id = /T-[0-9A-Z]{8}/.exec(post.lines[0] ?? '')?.[0] ?? 'task';
  return { content: `${head.join('\n')}\nThe full report (${post.lines.length} lines) is in the attached file.${tag}`, file: { name: `${id}-report.txt`, content: post.lines.join('\n') + '\n' }, requesterId };
}
