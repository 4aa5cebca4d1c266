import { PermissionFlagsBits, type RepliableInteraction } from 'discord.js';
import { TernError } from '../../src/errors';

/** What the bot needs in a guild channel to post a card and keep its thread. */
const NEEDED: Array<[bigint, string]> = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  [PermissionFlagsBits.CreatePublicThreads, 'Create Public Threads'],
  [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads'],
];

/**
 * Refuses, before any form, a guild channel where the bot could not post the task's card (the
 * interaction says what the bot may do there): a task nobody can follow is never created.
 * DMs with the bot are always fine.
 */
export function checkCanPost(i: RepliableInteraction): void {
  if (!i.inGuild()) return;
  const missing = NEEDED.filter(([flag]) => !i.appPermissions.has(flag)).map(([, name]) => name);
  if (missing.length) {
    throw new TernError(
      'FORBIDDEN',
      `Tern cannot post in this channel (it lacks ${missing.join(', ')}): ask a server admin to grant them to Tern here, or run /migrate start in another channel or in a DM with Tern.`,
    );
  }
}
