// The Exchange issue's "done": the real `tern` binary migrates all seven item kinds between two
// mailboxes of the fake Exchange with --json, accounts for every item, and rolls back exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEws, type FakeEws } from './fakes/ews';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage } from './support/mailbox';
import { ternEnv } from './support/tern';
import { lastJson, runTernBinary } from './support/tern-binary';

let fake: FakeEws;
let redis: TestRedis;

beforeAll(async () => {
  [fake, redis] = await Promise.all([startFakeEws({ users: { 'ann@cli.test': 'ann-pw', 'ben@cli.test': 'ben-pw' } }), startRedis()]);
});

afterAll(async () => {
  await Promise.all([fake?.close(), redis?.stop()]);
  expect(fake?.schemaErrors ?? []).toEqual([]);
  expect(fake?.internalErrors ?? []).toEqual([]);
});

const tern = runTernBinary;

describe('tern migrate between two Exchange mailboxes', () => {
  it('moves all seven kinds with --json, then tern rollback restores the destination', async () => {
    const ann = fake.mailbox('ann@cli.test');
    ann.addFolder('', 'Invoices');
    ann.addMessage('Inbox', makeMessage({ subject: 'One' }), { isRead: true });
    ann.addMessage('Invoices', makeMessage({ subject: 'Two' }), {});
    ann.addItem('Contacts', '<t:Contact><t:DisplayName>Zoe Client</t:DisplayName><t:GivenName>Zoe</t:GivenName><t:EmailAddresses><t:Entry Key="EmailAddress1">zoe@client.test</t:Entry></t:EmailAddresses><t:Surname>Client</t:Surname></t:Contact>');
    ann.addItem('Calendar', '<t:CalendarItem><t:Subject>Kick-off</t:Subject><t:Start>2024-03-04T09:00:00Z</t:Start><t:End>2024-03-04T10:00:00Z</t:End></t:CalendarItem>');
    ann.addItem('Tasks', '<t:Task><t:Subject>Pay the invoices</t:Subject><t:PercentComplete>0</t:PercentComplete><t:Status>NotStarted</t:Status></t:Task>');
    ann.addItem('Contacts', '<t:DistributionList><t:DisplayName>Clients</t:DisplayName><t:Members><t:Member><t:Mailbox><t:Name>Yan</t:Name><t:EmailAddress>yan@client.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>OneOff</t:MailboxType></t:Mailbox></t:Member></t:Members></t:DistributionList>');
    const invoices = ann.folderByPath('Invoices')!.id;
    ann.rules = [
      `<t:Rule><t:DisplayName>File invoices</t:DisplayName><t:Priority>1</t:Priority><t:IsEnabled>true</t:IsEnabled><t:Conditions><t:ContainsSubjectStrings><t:String>Invoice</t:String></t:ContainsSubjectStrings></t:Conditions><t:Exceptions/><t:Actions><t:MoveToFolder><t:FolderId Id="${invoices}"/></t:MoveToFolder></t:Actions></t:Rule>`,
    ];
    ann.oof = { state: 'Enabled', externalAudience: 'All', internalReply: 'Ann is away.', externalReply: 'Away.' };
    const before = fake.mailbox('ben@cli.test').snapshot();
    const env = ternEnv(redis.url);
    const from = `ews+http://ann%40cli.test:ann-pw@127.0.0.1:${fake.port}/EWS/Exchange.asmx`;
    const to = `ews+http://ben%40cli.test@127.0.0.1:${fake.port}/EWS/Exchange.asmx`;

    const run = await tern(['migrate', '--from', from, '--to', to, '--items', 'emails,contacts,contactGroups,calendars,tasks,inboxRules,outOfOffice', '--json'], { ...env, TERN_TO_PASSWORD: 'ben-pw' });
    expect(run.stderr).not.toContain('ann-pw');
    expect(run.code, run.stderr).toBe(0);
    const task = lastJson(run.stdout);
    expect(task).toMatchObject({ status: 'completed', source: expect.stringContaining('ews+http://ann%40cli.test@127.0.0.1'), destination: expect.stringContaining('ben%40cli.test') });
    expect(JSON.stringify(task)).not.toMatch(/ann-pw|ben-pw/);
    const steps = Object.fromEntries(task.steps.map((s: { kind: string }) => [s.kind, s]));
    expect(steps.emails).toMatchObject({ status: 'done', total: 2, copied: 2, failed: 0 });
    for (const kind of ['contacts', 'contactGroups', 'calendars', 'tasks', 'inboxRules', 'outOfOffice']) expect(steps[kind], kind).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });
    // Every kind is really at the destination, not only counted.
    const ben = fake.mailbox('ben@cli.test');
    expect(ben.items('Inbox')).toHaveLength(1);
    expect(ben.items('Invoices')).toHaveLength(1);
    expect(ben.items('Contacts').map((i) => i.type).sort()).toEqual(['Contact', 'DistributionList']);
    expect(ben.items('Calendar')).toHaveLength(1);
    expect(ben.items('Tasks')).toHaveLength(1);
    expect(ben.rules.map((r) => r.displayName)).toEqual(['File invoices']);
    expect(ben.rules[0].xml).toContain(ben.folderByPath('Invoices')!.id);
    expect(ben.oof).toMatchObject({ state: 'Enabled', internalReply: 'Ann is away.', externalReply: 'Away.' });

    const back = await tern(['rollback', task.id, '--json'], { ...env });
    expect(back.code, back.stderr).toBe(0);
    expect(lastJson(back.stdout).status).toBe('rolled_back');
    expect(ben.snapshot()).toEqual(before);
  });
});
