// Where people really type /migrate in Slack: a channel the bot was never invited to, and a DM
// with the bot. The real Bolt app (HTTP receiver) against the Slack stand-in, real Dovecot and
// Redis, a worker running the tasks. Private answers go through response URLs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { postInteraction, randomTriggerId } from './support/slack-requests';
import { SIGNING_SECRET, checked, imapFormSide, startSlackHarness, text, type FakeView, type SlackHarness, type StateValue } from './support/slack-harness';
import { ACTION_IDS } from '../adapters/slack/render-card';
import { until as waitUntil } from './support/until';

const USER = 'U0PLACEUSER';
const NO_BOT = 'C0NOBOTHERE';
const DM = `D${USER.slice(1)}`;

let dovecot: DovecotServer;
let redis: TestRedis;
let slack: SlackHarness;

beforeAll(async () => {
  [dovecot, redis] = await Promise.all([startDovecot('slash'), startRedis()]);
  slack = await startSlackHarness(redis.url);
  slack.fake.removeBotFrom(NO_BOT);
});

afterAll(async () => {
  await slack?.close();
  await Promise.all([dovecot?.stop(), redis?.stop()]);
});

const json = (v: unknown) => JSON.stringify(v) ?? '';
const taskIdIn = (s: string) => /T-[0-9A-HJKMNP-TV-Z]{8}/.exec(s)?.[0];

const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000) => waitUntil(what, probe, timeoutMs, 50);

const values = (): Record<string, StateValue> => ({
  ...imapFormSide('source', 'alice', 'alicepass', dovecot.imapPort),
  ...imapFormSide('destination', 'bob', 'bobpass', dovecot.imapPort),
  items: checked('emails'),
  notify: text(null),
});

/** /migrate in `channel`, the form submitted: the view the bot ends on (created, or an error). */
async function migrateIn(channel: string): Promise<string> {
  const opens = slack.fake.callsTo('views.open').length;
  expect((await slack.slash(USER, '', channel)).status).toBe(200);
  const open = await slack.fake.waitFor('views.open', () => slack.fake.callsTo('views.open').length > opens);
  const view: FakeView = { ...open.body.view, id: open.response.view.id };
  await slack.submit(view, USER, values());
  const update = await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id, 30_000);
  return json(update.body.view);
}

/** The card message of a task, wherever the bot put it. */
const cardOf = (taskId: string) => [...slack.fake.messages.values()].find((m) => !m.thread_ts && json(m.blocks).includes(taskId));
const thread = (m: { channel: string; ts: string }) => [...slack.fake.messages.values()].filter((x) => x.channel === m.channel && x.thread_ts === m.ts).map((x) => x.text ?? '');

describe('a channel the bot is not in', () => {
  it('the card goes to the requester\'s DM with a note saying why; the task can be followed and cancelled there', async () => {
    const shown = await migrateIn(NO_BOT);
    const taskId = taskIdIn(shown)!;
    expect(shown, 'the task was created').toContain('Migration started');
    expect(shown).toContain(`Tern is not in <#${NO_BOT}>: the status card is in your messages with Tern.`);
    const card = await until('the card in the DM', () => cardOf(taskId));
    expect(card.channel).toBe(DM);
    await until('the note in its thread', () => thread(card).some((t) => t.includes(`Tern is not a member of <#${NO_BOT}>`) && t.includes('/invite')));
    expect((await slack.tern.waitFor(taskId)).status).toBe('completed');
    await until('the final report in the DM thread', () => thread(card).some((t) => t.startsWith('Completed')));
    // Buttons of the DM card answer privately (response URL), never by chat.postEphemeral.
    await slack.click(USER, card, ACTION_IDS.cancel, taskId);
    await until('the answer to a click on a finished task', () => slack.privateTo(USER).some((t) => t.includes(`${taskId} has already ended`)));
    expect((await slack.tern.service.view(taskId)).status).toBe('completed');
  });

  it('subcommands answer there privately through the response URL', async () => {
    const before = slack.privateTo(USER).length;
    await slack.slash(USER, 'help', NO_BOT);
    await until('the help', () => slack.privateTo(USER).slice(before).some((t) => t.includes('/migrate help')));
  });
});

describe('a direct message with the bot', () => {
  it('help, list and errors answer privately; the whole flow runs: form, card, thread, buttons', async () => {
    const before = slack.privateTo(USER).length;
    await slack.slash(USER, 'help', DM);
    await slack.slash(USER, 'status T-ZZZZZZZZ', DM);
    const answers = await until('two private answers', () => {
      const a = slack.privateTo(USER).slice(before);
      return a.length >= 2 && a;
    });
    expect(answers.join('\n')).toContain('/migrate status &lt;task-id&gt;');
    expect(answers.join('\n')).toContain('T-ZZZZZZZZ');

    const shown = await migrateIn(DM);
    const taskId = taskIdIn(shown)!;
    expect(shown).toContain('Migration started');
    expect(shown).not.toContain('not in');
    const card = await until('the card in the DM', () => cardOf(taskId));
    expect(card.channel).toBe(DM);
    expect((await slack.tern.waitFor(taskId)).status).toBe('completed');
    await until('the final report in the thread', () => thread(card).some((t) => t.startsWith('Completed')));
    const n = slack.privateTo(USER).length;
    await slack.click(USER, card, ACTION_IDS.rollback, taskId);
    await until('the rollback answer', () => slack.privateTo(USER).slice(n).some((t) => t.includes(`Rolling back ${taskId}`)));
    await slack.tern.waitFor(taskId, (t) => t.status === 'rolled_back');
  });
});

describe('bad input on buttons: one private sentence, nothing changed', () => {
  const click = (value: string, opts: { team?: string; action?: string } = {}) =>
    postInteraction(slack.eventsUrl, SIGNING_SECRET, {
      type: 'block_actions',
      team: { id: opts.team ?? slack.fake.identity.teamId, domain: 'x' },
      user: { id: USER, username: 'u', name: 'u', team_id: opts.team ?? slack.fake.identity.teamId },
      api_app_id: slack.fake.identity.appId,
      token: 'legacy-verification-token',
      trigger_id: randomTriggerId(),
      container: { type: 'message', message_ts: '1.2', channel_id: DM, is_ephemeral: false },
      channel: { id: DM, name: 'directmessage' },
      message: { type: 'message', ts: '1.2', text: '' },
      response_url: slack.fake.responseUrl(USER),
      actions: [{ type: 'button', action_id: opts.action ?? ACTION_IDS.cancel, block_id: 'tern_card', value, text: { type: 'plain_text', text: 'x' }, action_ts: `${Date.now() / 1000}` }],
    });

  it('an unknown task ID, a malformed one, another workspace\'s click', async () => {
    const shown = await migrateIn(DM);
    const taskId = taskIdIn(shown)!;
    await slack.tern.waitFor(taskId, (t) => t.status !== 'queued');
    const answers = async (n: number, run: () => Promise<unknown>) => {
      const before = slack.privateTo(USER).length;
      await run();
      return until(`${n} answer(s)`, () => {
        const a = slack.privateTo(USER).slice(before);
        return a.length >= n && a;
      });
    };
    expect(await answers(1, () => click('T-ZZZZZZZZ'))).toEqual(['There is no task T-ZZZZZZZZ. Check the ID: `/migrate list` in chat or `tern list` in a terminal shows yours.']);
    expect(await answers(1, () => click('garbage', { action: ACTION_IDS.refresh }))).toEqual(['"garbage" is not a task ID: task IDs look like T-7K3M9QXA.']);
    const other = await answers(1, () => click(taskId, { team: 'T0OTHERTEAM' }));
    expect(other).toEqual(['This Tern belongs to another Slack workspace: its tasks can only be followed and changed from there. Nothing was changed.']);
    const after = await slack.tern.service.view(taskId);
    expect(after.cancelling).toBe(false);
    expect((await slack.tern.runtime.tasks.auditLog(taskId)).some((a) => a.action === 'task.cancel')).toBe(false);
  });
});

describe('my tasks: /migrate list and the App Home', () => {
  it('lists the person\'s recent tasks with state, counts and the buttons that apply', async () => {
    const mine = await slack.tern.service.list({ id: `slack:${USER}`, label: '', admin: false });
    expect(mine.length).toBeGreaterThan(0);
    const before = slack.fake.responses.length;
    await slack.slash(USER, 'list', DM);
    const answer = await until('the list', () => slack.fake.responses.slice(before).find((r) => r.user === USER));
    const blocks = json(answer.body.blocks);
    for (const t of mine.slice(0, 10)) expect(blocks).toContain(`*\`${t.id}\`*`);
    const rolledBack = mine.find((t) => t.status === 'rolled_back')!;
    const completed = mine.find((t) => t.status === 'completed')!;
    expect(blocks).toContain('Rolled back');
    expect(blocks).toMatch(/\d+% · \d+\/\d+ items/);
    const actions = (answer.body.blocks as Array<{ type: string; block_id?: string; elements?: Array<{ action_id: string; value: string }> }>).filter((b) => b.type === 'actions');
    const buttonsOf = (id: string) => actions.find((b) => b.block_id === `tern_list_${id}`)!.elements!.map((e) => e.action_id);
    expect(buttonsOf(rolledBack.id)).toEqual([ACTION_IDS.refresh]);
    expect(buttonsOf(completed.id)).toEqual([ACTION_IDS.rollback, ACTION_IDS.refresh]);

    // App Home: published when the person opens the tab.
    await slack.event({ type: 'app_home_opened', user: USER, channel: DM, tab: 'home', event_ts: `${Date.now() / 1000}` });
    const home = await until('the App Home', () => slack.fake.homes.get(USER));
    expect(home.type).toBe('home');
    expect(json(home.blocks)).toContain('Your migrations');
    for (const t of mine.slice(0, 10)) expect(json(home.blocks)).toContain(t.id);
  });
});
