import path from 'node:path';
import { Client, Events, GatewayIntentBits, Partials, REST, Routes, type Message } from 'discord.js';
import type { Config, DiscordConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { TernService } from '../../src/service/service';
import type { CardKeeper } from '../cards/keeper';
import { discordCards, SURFACE } from './cards';
import { discordBatchCards } from './batch-cards';
import { BatchChecks } from './batch-checks';
import type { BatchCardKeeper } from '../cards/batch-keeper';
import { Drafts } from './drafts';
import { onInteraction } from './listeners';
import { resumeSignIns } from './resume-sign-ins';
import { COMMANDS } from './definitions';
import { button, id, row } from './render';
import { md } from './markdown';

export interface DiscordBot {
  client: Client;
  cards: CardKeeper;
  batchCards: BatchCardKeeper;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * REST options: DISCORD_API_URL points discord.js at another API (a proxy, the tests' fake).
 * Requests go through Node's fetch: @discordjs/rest's own undici 6 `request` picks up the global
 * dispatcher that @slack/socket-mode's undici 7 installs, which cannot send its multipart bodies
 * (an attached report failed with "action is not a function" whenever both bots ran).
 */
const restOptions = (c: DiscordConfig) => ({ makeRequest: globalThis.fetch as never, ...(c.apiUrl ? { api: c.apiUrl.replace(/\/$/, '') } : {}) });

/**
 * The Discord bot: the Guilds intent only, plus GuildMessages and MessageContent when
 * DISCORD_READ_MESSAGES offers imports for .pst files attached to messages that mention the bot.
 */
export function createDiscordBot(config: Config & { discord: DiscordConfig }, service: TernService, log: Logger, options: { editIntervalMs?: number } = {}): DiscordBot {
  const discord = config.discord;
  const intents = [GatewayIntentBits.Guilds, ...(discord.readMessages ? [GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent] : [])];
  // Answers never notify anyone unless a message names who (allowed_mentions).
  const client = new Client({ intents, partials: [Partials.Channel], rest: restOptions(discord), allowedMentions: { parse: [] } });
  const feed = service.feed(SURFACE);
  const cards = discordCards(client.rest, service, feed, log, options.editIntervalMs);
  const batchCards = discordBatchCards(client.rest, service, feed, log, options.editIntervalMs);
  const stopping = new AbortController();
  const deps = { service, cards, batchCards, batchChecks: new BatchChecks(), batchSecrets: config.batchSecrets, drafts: new Drafts(), config: discord, uploadsDir: path.join(config.dataDir, 'uploads'), maxUploadBytes: config.maxUploadBytes, log: log.child({ component: 'discord' }), stopping: stopping.signal };
  client.on(Events.InteractionCreate, onInteraction(deps));
  if (discord.readMessages) client.on(Events.MessageCreate, (m) => void offerImport(m, log));
  client.on(Events.Error, (err) => log.warn({ err: err.message }, 'discord client error'));
  return {
    client,
    cards,
    batchCards,
    start: async () => {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(discord.token);
      await ready;
      batchCards.start();
      await cards.start();
      // Sign-ins that were waiting for approval when the bot last stopped go on.
      await resumeSignIns(client, deps);
      log.info({ user: client.user?.tag }, 'discord bot running');
    },
    stop: async () => {
      stopping.abort();
      batchCards.stop();
      await cards.stop();
      await client.destroy();
    },
  };
}

/**
 * A .pst attached to a message that mentions the bot gets an Import… button (the import command
 * does the rest); a .csv, Check rows… (as /migrate batch).
 */
async function offerImport(message: Message, log: Logger): Promise<void> {
  if (message.author.bot || !message.client.user || !message.mentions.has(message.client.user)) return;
  const csv = message.attachments.find((a) => a.name.toLowerCase().endsWith('.csv'));
  if (csv) {
    await message
      .reply({ content: `${md(csv.name)} can be run as a batch of migrations, one per row: run \`/migrate batch\` with it, or press Check rows….`, components: [row(button(id('batch', 'check-message', `${message.channelId}-${message.id}`), 'Check rows…'))] })
      .catch((err: Error) => log.warn({ err: err.message }, 'could not offer a batch'));
    return;
  }
  const pst = message.attachments.find((a) => a.name.toLowerCase().endsWith('.pst'));
  if (!pst) return;
  await message
    .reply({ content: `${pst.name} can be imported into a mailbox: run \`/migrate import-pst\` with it, or press Import….`, components: [row(button(id('import', message.channelId, message.id), 'Import…'))] })
    .catch((err: Error) => log.warn({ err: err.message }, 'could not offer a PST import'));
}

/** `tern discord register`: bulk overwrite, so running it twice is harmless. */
export async function registerCommands(discord: DiscordConfig, guildId?: string): Promise<number> {
  const rest = new REST(restOptions(discord)).setToken(discord.token);
  const route = guildId ? Routes.applicationGuildCommands(discord.applicationId, guildId) : Routes.applicationCommands(discord.applicationId);
  const result = (await rest.put(route, { body: COMMANDS })) as unknown[];
  return result.length;
}
