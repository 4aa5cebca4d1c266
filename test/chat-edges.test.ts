// Chat edge cases (issue 19) against the Slack and Discord stand-ins, driven by the real Bolt
// WebClient and discord.js: escaping, Block Kit and Discord limits, long reports as files.
// Tasks are real (logins checked against Dovecot); their progress is written to the store as a
// worker would, so each case sets up exactly the folder names and counts it needs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { folder, startChatPair, type ChatPair } from './support/chat-pair';
import { BLOCK_LIMITS } from './fakes/slack-blocks';
import { CHANNEL as DISCORD_CHANNEL } from './fakes/discord';
import { postInteraction, randomTriggerId } from './support/slack-requests';
import { SIGNING_SECRET } from './support/slack-harness';
import { ACTION_IDS } from '../adapters/slack/render-card';
import { until as waitUntil } from './support/until';

const SLACK_CHANNEL = 'C0EDGECHAN';
const SLACK_USER = 'U0EDGEUSER';
const DISCORD_USER = '920000000000000001';

let dovecot: DovecotServer;
let redis: TestRedis;
let chat: ChatPair;

beforeAll(async () => {
  [dovecot, redis] = await Promise.all([startDovecot('slash'), startRedis()]);
  chat = await startChatPair(redis.url, dovecot);
});

afterAll(async () => {
  await chat?.close();
  await Promise.all([dovecot?.stop(), redis?.stop()]);
});

const json = (v: unknown) => JSON.stringify(v) ?? '';

const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000) => waitUntil(what, probe, timeoutMs, 50);

/** A task with a card on both platforms, ended with `folders`. */
async function endedTask(folders: ReturnType<typeof folder>[]) {
  const slackTask = await chat.createTask(`slack:${SLACK_USER}`);
  await chat.slackBot.cards.post(slackTask, SLACK_CHANNEL);
  const discordTask = await chat.createTask(`discord:${DISCORD_USER}`);
  await chat.discordBot.cards.post(discordTask, DISCORD_CHANNEL);
  await chat.finish(slackTask.id, folders);
  await chat.finish(discordTask.id, folders);
  const slackCard = chat.slack.callsTo('chat.postMessage').find((c) => !c.body.thread_ts && json(c.body.blocks).includes(slackTask.id))!;
  const discordCard = chat.discord.callsTo('POST', new RegExp(`^/channels/${DISCORD_CHANNEL}/messages$`)).find((c) => json(c.body.embeds).includes(discordTask.id))!;
  return { slackTask, discordTask, slackTs: slackCard.response.ts as string, discordCardId: discordCard.response.id as string };
}

const slackThread = (ts: string) => [...chat.slack.messages.values()].filter((m) => m.thread_ts === ts);
const discordThread = (id: string) => [...chat.discord.messages.values()].filter((m) => m.channel_id === id);

describe('escaping (Slack mrkdwn, Discord markdown) and who gets notified', () => {
  const hostile = ['<!channel> & <!here>', `<@U0STRANGER> report`, '@everyone <@920000000000000002> *bold* _it_'];

  it('folder names are shown as text: no channel ping, no stranger mentioned; only the requester is notified, at the end', async () => {
    const { slackTask, slackTs, discordCardId } = await endedTask(hostile.map((n) => folder(n, { warning: `${n} kept <3 messages` })));
    const report = await until('the Slack report', () => slackThread(slackTs).find((m) => m.text?.startsWith('Completed')));
    expect(report.text).toContain('&lt;!channel&gt; &amp; &lt;!here&gt;');
    expect(report.text).toContain('&lt;@U0STRANGER&gt; report');
    // The stand-in parses mentions as Slack does: the requester, and nobody else, anywhere.
    expect(report.mentions).toEqual([`@${SLACK_USER}`]);
    await chat.slackBot.cards.idle();
    const card = await until('the completed Slack card', () => {
      const m = chat.slack.message(SLACK_CHANNEL, slackTs);
      return m && json(m.blocks).includes('Completed') && m;
    });
    expect(json(card.blocks)).toContain('&lt;!channel&gt; &amp; &lt;!here&gt; kept &lt;3 messages');
    for (const m of chat.slack.messages.values()) expect(m.mentions.filter((x) => x !== `@${SLACK_USER}`), m.text).toEqual([]);
    expect(slackTask.id).toBeTruthy();

    const thread = await until('the Discord report', () => discordThread(discordCardId).find((m) => m.content.startsWith('Completed')));
    expect(thread.content).toContain('\\<@920000000000000002>');
    expect(thread.content).toContain('\\*bold\\*');
    expect(thread.content).toContain(`<@${DISCORD_USER}>`);
    expect(thread.notified).toEqual([`user:${DISCORD_USER}`]);
    await chat.discordBot.cards.idle();
    for (const m of chat.discord.messages.values()) expect(m.notified.filter((x) => x !== `user:${DISCORD_USER}`), m.content).toEqual([]);
    const embed = json(chat.discord.messages.get(discordCardId)!.embeds);
    expect(embed).toContain('\\\\*bold\\\\*');
  });
});

describe('limits: every text bounded, a refused card retried shorter, a long report sent whole as a file', () => {
  const many = Array.from({ length: 60 }, (_, i) => folder(`Archive/${String(i).padStart(3, '0')}-${'x'.repeat(180)}`, { warning: `the server counts ${i} more than were copied: ${'y'.repeat(150)}` }));

  it('60 folders with long names and warnings: the cards are accepted and summarised, the reports arrive whole as files', async () => {
    const { slackTask, discordTask, slackTs, discordCardId } = await endedTask(many);
    await chat.slackBot.cards.idle();
    await chat.discordBot.cards.idle();
    const refused = chat.slack.calls.filter((c) => c.response.ok === false);
    expect(refused.map((c) => `${c.method}: ${json(c.response.response_metadata)}`)).toEqual([]);
    const card = await until('the completed Slack card', () => {
      const m = chat.slack.message(SLACK_CHANNEL, slackTs);
      return m && json(m.blocks).includes('Completed') && m;
    });
    const sections = (card.blocks as Array<{ type: string; text?: { text: string } }>).filter((b) => b.type === 'section' && b.text);
    expect(Math.max(...sections.map((b) => b.text!.text.length))).toBeLessThanOrEqual(BLOCK_LIMITS.sectionText);
    expect(json(card.blocks)).toMatch(/…and \d+ more: the final report has them all/);

    const upload = await until('the Slack report file', () => [...chat.slack.uploads.values()].find((u) => u.thread_ts === slackTs && u.initial_comment));
    const file = upload.content.toString('utf8');
    for (const f of many) expect(file).toContain(f.sourceFolder);
    expect(upload.filename).toBe(`${slackTask.id}-report.txt`);
    expect(upload.initial_comment).toContain(`<@${SLACK_USER}>`);
    expect(upload.initial_comment).toContain('The full report (');
    expect(chat.slack.callsTo('files.completeUploadExternal')[0].body.channel_id).toBe(SLACK_CHANNEL);

    expect(chat.discord.calls.filter((c) => c.response?.code === 50035)).toEqual([]);
    const embed = chat.discord.messages.get(discordCardId)!;
    expect(json(embed.embeds)).toContain('Completed');
    const report = await until('the Discord report attachment', () => discordThread(discordCardId).find((m) => m.files.length));
    expect(report.files[0].name).toBe(`${discordTask.id}-report.txt`);
    for (const f of many) expect(report.files[0].content).toContain(f.sourceFolder);
    expect(report.content.length).toBeLessThanOrEqual(2000);
    expect(report.notified).toEqual([`user:${DISCORD_USER}`]);
  });

  it('a card Slack refuses for its size is sent again compact, so it never stays at "Queued"', async () => {
    chat.slack.limitBlocksBytes(2_000);
    try {
      const { slackTs } = await endedTask([folder('INBOX', { warning: 'z'.repeat(1500) })]);
      await chat.slackBot.cards.idle();
      const card = await until('the completed card', () => {
        const m = chat.slack.message(SLACK_CHANNEL, slackTs);
        return m && json(m.blocks).includes('Completed') && m;
      });
      expect(chat.slack.callsTo('chat.update').some((c) => c.response.error === 'invalid_blocks')).toBe(true);
      expect(json(card.blocks)).toContain('too long for this card');
      expect(json(card.blocks)).toContain('tern_rollback');
    } finally {
      chat.slack.limitBlocksBytes(undefined);
    }
  });
});

describe('rate limits: 20 tasks at once in one channel', () => {
  it('every milestone and final report arrives once, in order; Retry-After is honoured; identical edits are not resent', async () => {
    // Slack's tiers, scaled ten times up to keep the test short: posts per channel, edits per workspace.
    chat.slack.enforceTiers({ 'chat.postMessage': { perMinute: 600, burst: 3, per: 'channel' }, 'chat.update': { perMinute: 600, burst: 3, per: 'workspace' } });
    try {
      const tasks = await Promise.all(Array.from({ length: 20 }, () => chat.createTask(`slack:${SLACK_USER}`)));
      const places = await Promise.all(tasks.map((t) => chat.slackBot.cards.post(t, SLACK_CHANNEL)));
      for (const t of tasks) {
        await chat.tern.runtime.tasks.updateStep(t.id, 'emails', { status: 'running', total: 2, startedAt: Date.now() });
        chat.slackBot.cards.refresh(t.id);
      }
      for (const t of tasks) await chat.finish(t.id, [folder(`INBOX-${t.id}`)]);
      await until('every final report', () => places.every((p) => slackThread(p.messageId).some((m) => m.text?.startsWith('Completed'))), 120_000);
      await chat.slackBot.cards.idle();

      for (const [i, p] of places.entries()) {
        const lines = slackThread(p.messageId).map((m) => (m.text ?? '').split('\n')[0]);
        expect(lines, tasks[i].id).toEqual(['▶ E-mails started', '✅ E-mails done: 2 copied · 0 already there · 0 failed of 2 · 0 B', `Completed: ${tasks[i].id}`]);
        expect(json(chat.slack.message(SLACK_CHANNEL, p.messageId)!.blocks)).toContain('Completed');
        const edits = chat.slack.callsTo('chat.update').filter((c) => c.body.ts === p.messageId && c.response.ok).map((c) => json(c.body.blocks));
        for (let k = 1; k < edits.length; k++) expect(edits[k], 'an identical edit was resent').not.toBe(edits[k - 1]);
      }
      const limited = chat.slack.calls.filter((c) => c.rateLimited);
      expect(limited.length, 'the stand-in enforced the tiers').toBeGreaterThan(0);
      // After a 429 the lane waited Retry-After (1 s) before its next call.
      for (const c of limited.filter((x) => x.method === 'chat.postMessage')) {
        const next = chat.slack.calls.find((x) => x.method === 'chat.postMessage' && x.body.channel === c.body.channel && x.at > c.at);
        if (next) expect(next.at - c.at).toBeGreaterThanOrEqual(950);
      }
    } finally {
      chat.slack.enforceTiers({});
    }
  });
});

describe('rate limits on Discord: 20 tasks at once, the stand-in answering 429s', () => {
  it('every milestone and final report arrives once, in thread order; Retry-After is waited; identical edits are not resent', async () => {
    const tasks = await Promise.all(Array.from({ length: 20 }, () => chat.createTask(`discord:${DISCORD_USER}`)));
    const places = await Promise.all(tasks.map((t) => chat.discordBot.cards.post(t, DISCORD_CHANNEL)));
    // From here on, thread posts and card edits hit 429s (Retry-After 0.3 s), many of them.
    chat.discord.rateLimit(/^POST \/channels\/\d+\/messages$/, 30, 0.3);
    chat.discord.rateLimit(/^PATCH \/channels\/\d+\/messages\/\d+$/, 30, 0.3);
    for (const t of tasks) {
      await chat.tern.runtime.tasks.updateStep(t.id, 'emails', { status: 'running', total: 2, startedAt: Date.now() });
      chat.discordBot.cards.refresh(t.id);
    }
    for (const t of tasks) await chat.finish(t.id, [folder(`INBOX-${t.id}`)]);
    await until('every final report', () => places.every((p) => discordThread(p.threadId).some((m) => m.content.startsWith('Completed'))), 120_000);
    await chat.discordBot.cards.idle();

    const limited = chat.discord.calls.filter((c) => c.rateLimited);
    expect(limited.length, 'the stand-in answered 429s').toBe(60);
    for (const [i, p] of places.entries()) {
      const lines = discordThread(p.threadId).map((m) => m.content.split('\n')[0]);
      expect(lines, tasks[i].id).toEqual(['▶ E-mails started', '✅ E-mails done: 2 copied · 0 already there · 0 failed of 2 · 0 B', `Completed: ${tasks[i].id}`]);
      expect(json(chat.discord.messages.get(p.messageId)!.embeds)).toContain('Completed');
      const edits = chat.discord.calls.filter((c) => c.method === 'PATCH' && c.path.endsWith(`/messages/${p.messageId}`) && !c.rateLimited).map((c) => json(c.body.embeds));
      for (let k = 1; k < edits.length; k++) expect(edits[k], 'an identical edit was resent').not.toBe(edits[k - 1]);
    }
    // A limited call is tried again only after Retry-After.
    for (const c of limited) {
      const next = chat.discord.calls.find((x) => x.method === c.method && x.path === c.path && x.at > c.at);
      if (next) expect(next.at - c.at).toBeGreaterThanOrEqual(250);
    }
  });
});

/** SLACK_USER clicks a button of the card at `ts` in SLACK_CHANNEL, as Slack delivers it. */
function clickOnCard(ts: string, actionId: string, taskId: string, label: string) {
  return postInteraction(chat.slackEventsUrl, SIGNING_SECRET, {
    type: 'block_actions',
    team: { id: chat.slack.identity.teamId, domain: chat.slack.identity.teamDomain },
    user: { id: SLACK_USER, username: 'edge', name: 'edge', team_id: chat.slack.identity.teamId },
    api_app_id: chat.slack.identity.appId,
    token: 'legacy-verification-token',
    trigger_id: randomTriggerId(),
    container: { type: 'message', message_ts: ts, channel_id: SLACK_CHANNEL, is_ephemeral: false },
    channel: { id: SLACK_CHANNEL, name: 'edges' },
    message: { type: 'message', ts, text: '' },
    response_url: chat.slack.responseUrl(SLACK_USER),
    actions: [{ type: 'button', action_id: actionId, block_id: 'tern_card', value: taskId, text: { type: 'plain_text', text: label }, action_ts: `${Date.now() / 1000}` }],
  });
}

describe('people: mentions, time zones, who pressed what, no account URLs', () => {
  it('Rollback pressed in Slack: who and when on the card (in the reader\'s time zone) and in the thread', async () => {
    const { slackTask, slackTs } = await endedTask([folder('INBOX')]);
    await until('the final report', () => slackThread(slackTs).some((m) => m.text?.startsWith('Completed')));
    const res = await clickOnCard(slackTs, ACTION_IDS.rollback, slackTask.id, 'Rollback');
    expect(res.status).toBe(200);
    const line = await until('the rollback line in the thread', () => slackThread(slackTs).find((m) => m.text?.startsWith('↩ Rollback asked by')));
    expect(line.text).toMatch(new RegExp(`^↩ Rollback asked by <@${SLACK_USER}> at <!date\\^\\d+\\^\\{time\\}\\|\\d\\d:\\d\\d UTC>$`));
    const card = await until('the card naming who asked', () => {
      const m = chat.slack.message(SLACK_CHANNEL, slackTs);
      return m && json(m.blocks).includes('Rollback asked by') && m;
    });
    expect(json(card.blocks)).toMatch(new RegExp(`Rollback asked by <@${SLACK_USER}> at <!date\\^\\d+\\^\\{time\\}\\|\\d\\d:\\d\\d UTC>`));
    expect(json(card.blocks)).toMatch(/\*Created\*\\n<!date\^\d+\^\{date_short_pretty\} \{time\}\|/);
  });

  it('Retry failed pressed in Slack: a new pass of the same task, said in the thread; the button goes', async () => {
    const slackTask = await chat.createTask(`slack:${SLACK_USER}`);
    await chat.slackBot.cards.post(slackTask, SLACK_CHANNEL);
    await chat.finish(slackTask.id, [folder('INBOX', { copied: 1, failed: 1, failures: [{ reason: 'refused by the destination: too big', count: 1 }] })], 'completed_with_errors');
    const slackTs = chat.slack.callsTo('chat.postMessage').find((c) => !c.body.thread_ts && json(c.body.blocks).includes(slackTask.id))!.response.ts as string;
    await until('the Retry failed button on the card', () => json(chat.slack.message(SLACK_CHANNEL, slackTs)?.blocks).includes(`"action_id":"${ACTION_IDS.retry}"`));
    const res = await clickOnCard(slackTs, ACTION_IDS.retry, slackTask.id, 'Retry failed');
    expect(res.status).toBe(200);
    const line = await until('the retry line in the thread', () => slackThread(slackTs).find((m) => m.text?.startsWith('🔁 Retry asked by')));
    expect(line.text).toMatch(new RegExp(`^🔁 Retry asked by <@${SLACK_USER}> at .+: pass 2 copies what failed, plus what arrived since\\.$`));
    expect(await chat.service.view(slackTask.id)).toMatchObject({ status: 'queued', pass: 2 });
    await until('the card without Retry failed', () => {
      const blocks = json(chat.slack.message(SLACK_CHANNEL, slackTs)?.blocks);
      return blocks.includes('Queued') && !blocks.includes(ACTION_IDS.retry);
    });
  });

  it('Discord shows times as <t:…> timestamps; no account URL with user info reached either platform', async () => {
    const { discordCardId } = await endedTask([folder('INBOX')]);
    await chat.discordBot.cards.idle();
    const embed = chat.discord.messages.get(discordCardId)!.embeds[0];
    expect(embed.fields.find((f: { name: string }) => f.name === 'Started by').value).toMatch(new RegExp(`^<@${DISCORD_USER}> <t:\\d+:f>$`));
    expect(embed.timestamp).toBeDefined();
    expect(json(embed)).not.toContain('UTC');
    expect(json(embed)).toContain('alice on IMAP 127.0.0.1:');
    const sent = json(chat.slack.calls.map((c) => c.body)) + json(chat.discord.calls.map((c) => c.body));
    expect(sent).not.toMatch(/(imaps?|pop3s?|ews):\/\/[^"\s]*@/);
  });
});

describe('a task paused by the server: when it resumes, in the reader\'s time zone', () => {
  it('the waiting note on the Slack and Discord cards gives its times as date tokens, never as UTC text', async () => {
    const slackTask = await chat.createTask(`slack:${SLACK_USER}`);
    const slackPlace = await chat.slackBot.cards.post(slackTask, SLACK_CHANNEL);
    const discordTask = await chat.createTask(`discord:${DISCORD_USER}`);
    const discordPlace = await chat.discordBot.cards.post(discordTask, DISCORD_CHANNEL);
    const since = Date.now();
    const next = since + 5 * 60_000;
    for (const t of [slackTask, discordTask]) {
      await chat.tern.runtime.tasks.transition(t.id, ['queued'], 'running', { startedAt: since });
      await chat.tern.runtime.tasks.update(t.id, { waitingSince: since, waitingFor: 'Source: imap.example.com is throttling <us>.', nextTryAt: next });
    }
    chat.slackBot.cards.refresh(slackTask.id);
    chat.discordBot.cards.refresh(discordTask.id);
    const unix = (ms: number) => Math.floor(ms / 1000);
    const card = await until('the waiting Slack card', () => {
      const m = chat.slack.message(SLACK_CHANNEL, slackPlace.messageId);
      return m && json(m.blocks).includes('Waiting since') && m;
    });
    const note = json(card.blocks);
    expect(note).toContain(`Source: imap.example.com is throttling &lt;us&gt;. Waiting since <!date^${unix(since)}^{time}|`);
    expect(note).toContain(`next try at <!date^${unix(next)}^{time}|`);
    // "UTC" only inside a token's fallback (for clients that cannot show dates), never as the text.
    expect(note.replace(/<!date\^[^>]+>/g, '')).not.toContain('UTC');

    await until('the waiting Discord card', () => json(chat.discord.messages.get(discordPlace.messageId)?.embeds).includes('Waiting since'));
    const embed = json(chat.discord.messages.get(discordPlace.messageId)!.embeds);
    expect(embed).toContain(`Waiting since <t:${unix(since)}:t>; next try at <t:${unix(next)}:t>.`);
    expect(embed).toContain('throttling \\\\<us>');
    expect(embed).not.toContain('UTC');
  });
});
