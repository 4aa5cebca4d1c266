// Contact groups into Microsoft 365 (Graph v1.0 has no contact groups): said up front on the plan
// and the task, then each member arrives as a contact carrying the group's name as a category. A
// member who is already a contact copied by the task gets the category, not a twin; one without an
// address is reported by name. Exchange (fake EWS) → Graph and CalDAV/CardDAV (Radicale) → Graph,
// against the fake Graph (every request and answer checked against the CSDL), through the service
// and the real queue: re-runs add nothing, rollback leaves the destination as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphPimWorld, type GraphPimWorld } from './support/graph-pim-world';
import { readPim, withEws } from './support/pim-accounts';
import type { ContactData, GroupData } from '../src/ports/pim-items';
import { migrate } from '../commands/migrate';
import { rollback } from '../commands/rollback';
import { statusCard } from '../commands/views';
import { planCard } from '../commands/plan-view';
import { plan } from '../commands/plan';
import { taskJson, taskText } from '../adapters/cli/render';
import { TernError } from '../src/errors';
import type { TaskView } from '../src/task';

const EWS_USERS: Record<string, string> = { 'alice@ex.test': 'alice-pw', 'bob@ex.test': 'bob-pw' };
const TOKENS: Record<string, string> = { 'ann@m365.test': 'tok-ann', 'dee@m365.test': 'tok-dee' };
const UP_FRONT = 'Microsoft 365 has no contact groups: each group\'s members become contacts with the category "<group name>"';

let world: GraphPimWorld;

beforeAll(async () => {
  world = await startGraphPimWorld(TOKENS, EWS_USERS);
}, 120_000);

afterAll(async () => {
  await world?.close();
});

const graphUrl = (user: string) => world.graphUrl(user);
const ewsUrl = (user: string) => world.ewsUrl(user);
const contactsAt = async (user: string) => (await readPim(graphUrl(user), 'contact')) as ContactData[];
const byAddress = (contacts: ContactData[], address: string) => contacts.filter((c) => c.emails.some((e) => e.address.toLowerCase() === address));
/** The fake mailbox's contacts as stored (ids and server dates left out), to compare before and after. */
const graphContacts = (user: string) => {
  const box = world.graph.mailbox(user);
  return [...box.entities.values()].filter((e) => e.set === 'contacts').map((e) => JSON.stringify(e.json)).sort();
};

const person = (name: string, address?: string): ContactData => ({ kind: 'contact', sourceId: 'seed', folder: 'Contacts', categories: [], displayName: name, emails: address ? [{ key: 'EmailAddress1', address }] : [], phones: {}, addresses: {}, imAddresses: {} });

/** Checks a finished groups task: Dana (a contact the task copied) got the category, Carl arrived as a contact, the member without address failed by name. */
function expectGroupSpread(contacts: ContactData[], group: string, noAddress: string, carlName: string, done: TaskView) {
  const [dana] = byAddress(contacts, 'dana@example.org');
  expect(byAddress(contacts, 'dana@example.org')).toHaveLength(1);
  expect(dana.categories).toContain(group);
  const carl = byAddress(contacts, 'carl@example.org');
  expect(carl).toHaveLength(1);
  expect(carl[0]).toMatchObject({ displayName: carlName, categories: [group] });
  expect(contacts.some((c) => c.displayName === noAddress && c.categories.includes(group))).toBe(false);
  expect(done.steps.find((s) => s.kind === 'contactGroups')).toMatchObject({ status: 'done', total: 3, copied: 2, alreadyPresent: 0, failed: 1 });
  const report = done.folders.find((f) => f.sourceFolder.startsWith('Contact groups'));
  expect(report?.failures?.map((f) => f.reason)).toEqual([`"${noAddress}" of the group "${group}" has no e-mail address, so it cannot become a contact`]);
}

describe('contact groups into Microsoft 365: members as contacts with a category', () => {
  it('Exchange → Graph: said up front (plan, card, CLI); members arrive with the category; a re-run adds nothing; rollback removes exactly what was made', async () => {
    await withEws(ewsUrl('alice@ex.test'), async (s) => {
      const contacts = (await s.folders()).find((f) => f.wellKnown === 'contacts')!;
      const danaId = await s.createItem(contacts.id, person('Dana Example', 'dana@example.org'), { stamp: 'seed' });
      const receptionId = await s.createItem(contacts.id, person('Reception'), { stamp: 'seed' });
      const group: GroupData = {
        kind: 'group',
        sourceId: 'seed',
        folder: 'Contacts',
        categories: [],
        displayName: 'Project X',
        members: [
          { name: 'Dana Example', address: 'dana@example.org', routingType: 'SMTP', contactSourceId: danaId },
          { name: 'Carl Member', address: 'carl@example.org', routingType: 'SMTP' },
          { name: 'Reception', contactSourceId: receptionId },
        ],
      };
      await s.createItem(contacts.id, group, { stamp: 'seed', contactIds: new Map([[danaId, danaId], [receptionId, receptionId]]) });
    });
    const before = graphContacts('ann@m365.test');
    const request = { from: ewsUrl('alice@ex.test'), to: graphUrl('ann@m365.test'), items: 'contacts,contactGroups' };

    const planned = await plan(world.tern.service, request, world.tern.actor);
    expect(planned.kinds.find((k) => k.kind === 'contactGroups')).toMatchObject({ carried: true, reshaped: UP_FRONT });
    expect(planCard(planned).lines.filter((l) => l.startsWith('Contact groups: ') && l.endsWith(` — ${UP_FRONT}`))).toHaveLength(1);
    expect(planned.warnings).toContain(UP_FRONT);
    const task = await migrate(world.tern.service, request, world.tern.actor);
    expect(statusCard(task).notes).toContain(UP_FRONT);
    expect(taskText(task)).toContain(UP_FRONT);
    expect(taskJson(task)).toMatchObject({ reshaped: [UP_FRONT] });
    const done = await world.tern.waitFor(task.id);
    expect(done.error).toBeUndefined();
    expect(done.steps.find((s) => s.kind === 'contacts')).toMatchObject({ status: 'done', copied: 2 });
    expectGroupSpread(await contactsAt('ann@m365.test'), 'Project X', 'Reception', 'Carl Member', done);

    const again = await world.tern.waitFor((await migrate(world.tern.service, request, world.tern.actor)).id);
    expect(again.steps.find((s) => s.kind === 'contactGroups')).toMatchObject({ status: 'done', copied: 0, alreadyPresent: 2, failed: 1 });
    expect(byAddress(await contactsAt('ann@m365.test'), 'carl@example.org')).toHaveLength(1);
    await rollback(world.tern.service, { taskId: again.id }, world.tern.actor);
    expect((await world.tern.waitFor(again.id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
    expect(byAddress(await contactsAt('ann@m365.test'), 'carl@example.org')).toHaveLength(1);

    await rollback(world.tern.service, { taskId: done.id }, world.tern.actor);
    const rolled = await world.tern.waitFor(done.id, (t) => t.status !== 'rolling_back');
    expect(rolled.rollbackError).toBeUndefined();
    expect(rolled.status).toBe('rolled_back');
    expect(graphContacts('ann@m365.test')).toEqual(before);
  });

  it('a category added to a contact an earlier task copied comes off again with the rollback of the task that added it', async () => {
    // The contacts first, alone; then the groups: Dana is an earlier task's contact, so her category is a pre-image.
    const contactsOnly = await world.tern.waitFor((await migrate(world.tern.service, { from: ewsUrl('alice@ex.test'), to: graphUrl('ann@m365.test'), items: 'contacts' }, world.tern.actor)).id);
    expect(contactsOnly.steps[0]).toMatchObject({ status: 'done', copied: 2 });
    const afterContacts = graphContacts('ann@m365.test');
    const groups = await world.tern.waitFor((await migrate(world.tern.service, { from: ewsUrl('alice@ex.test'), to: graphUrl('ann@m365.test'), items: 'contactGroups' }, world.tern.actor)).id);
    expectGroupSpread(await contactsAt('ann@m365.test'), 'Project X', 'Reception', 'Carl Member', groups);
    await rollback(world.tern.service, { taskId: groups.id }, world.tern.actor);
    expect((await world.tern.waitFor(groups.id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
    const [dana] = byAddress(await contactsAt('ann@m365.test'), 'dana@example.org');
    expect(dana.categories).toEqual([]);
    expect(byAddress(await contactsAt('ann@m365.test'), 'carl@example.org')).toHaveLength(0);
    expect(graphContacts('ann@m365.test')).toEqual(afterContacts);
    await rollback(world.tern.service, { taskId: contactsOnly.id }, world.tern.actor);
    expect((await world.tern.waitFor(contactsOnly.id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
  });

  it('CalDAV/CardDAV → Graph: a vCard group of 3 arrives as categorised contacts; re-run and rollback', async () => {
    const put = async (name: string, card: string[]) => {
      const res = await world.radicale.request('bob', 'PUT', `/bob/contacts/${name}.vcf`, [...card, ''].join('\r\n'), { 'Content-Type': 'text/vcard' });
      expect(res.status).toBe(201);
    };
    await put('dana', ['BEGIN:VCARD', 'VERSION:4.0', 'UID:dana-1@test', 'FN:Dana Example', 'N:Example;Dana;;;', 'EMAIL:dana@example.org', 'END:VCARD']);
    await put('desk', ['BEGIN:VCARD', 'VERSION:4.0', 'UID:desk-1@test', 'FN:Front Desk', 'N:Desk;Front;;;', 'TEL:+33 1 00 00 00 00', 'END:VCARD']);
    await put('team', ['BEGIN:VCARD', 'VERSION:4.0', 'UID:team-1@test', 'KIND:group', 'FN:Team', 'MEMBER:urn:uuid:dana-1@test', 'MEMBER:mailto:carl@example.org', 'MEMBER:urn:uuid:desk-1@test', 'END:VCARD']);
    const from = `dav+http://bob:bobpass@127.0.0.1:${world.radicale.port}/`;
    const request = { from, to: graphUrl('dee@m365.test'), items: 'contacts,contactGroups' };
    const before = graphContacts('dee@m365.test');

    const done = await world.tern.waitFor((await migrate(world.tern.service, request, world.tern.actor)).id);
    expect(done.error).toBeUndefined();
    const contacts = await contactsAt('dee@m365.test');
    // A mailto: member has no name: its contact is named by its address.
    expectGroupSpread(contacts, 'Team', 'Front Desk', 'carl@example.org', done);
    const again = await world.tern.waitFor((await migrate(world.tern.service, request, world.tern.actor)).id);
    expect(again.steps.find((s) => s.kind === 'contactGroups')).toMatchObject({ status: 'done', copied: 0, alreadyPresent: 2, failed: 1 });
    expect((await contactsAt('dee@m365.test')).length).toBe(contacts.length);

    await rollback(world.tern.service, { taskId: done.id }, world.tern.actor);
    expect((await world.tern.waitFor(done.id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
    expect(graphContacts('dee@m365.test')).toEqual(before);
  });

  it('contact groups out of Microsoft 365 are still refused up front: Graph gives none', async () => {
    const err = await migrate(world.tern.service, { from: graphUrl('ann@m365.test'), to: ewsUrl('bob@ex.test'), items: 'contacts,contactGroups' }, world.tern.actor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TernError);
    expect((err as TernError).userMessage).toMatch(/Contact groups cannot be migrated from this source: Microsoft Graph v1\.0 has no contact groups/);
  });
});
