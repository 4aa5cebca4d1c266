// DAV to DAV through the real `tern` binary: two users of one Radicale, every PIM kind, a re-run
// that copies nothing twice, and a rollback that removes exactly what the task created (an item
// edited at the destination since stays).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRadicale, type RadicaleServer } from './support/radicale';
import { startRedis, type TestRedis } from './support/redis';
import { seedSamples } from './support/dav-samples';
import { ternEnv } from './support/tern';
import { lastJson, runTernBinary } from './support/tern-binary';

let radicale: RadicaleServer;
let redis: TestRedis;

beforeAll(async () => {
  [radicale, redis] = await Promise.all([startRadicale(), startRedis()]);
  await seedSamples(radicale, 'alice', { broken: true });
});

afterAll(async () => {
  await Promise.all([radicale?.stop(), redis?.stop()]);
});

const tern = runTernBinary;
const stepsOf = (task: { steps: Array<{ kind: string; total: number }> }) => Object.fromEntries(task.steps.map((s) => [s.kind, s]));

describe('tern migrate between two CalDAV/CardDAV accounts', () => {
  it('moves contacts, groups, events and tasks; a re-run finds them all there; rollback removes them but keeps an edited one', async () => {
    const env = { ...ternEnv(redis.url), TERN_TO_PASSWORD: 'bobpass' };
    const from = `dav+http://alice:alicepass@127.0.0.1:${radicale.port}/`;
    const to = `dav+http://bob@127.0.0.1:${radicale.port}/`;
    const args = ['migrate', '--from', from, '--to', to, '--items', 'contacts,contactGroups,calendars,tasks', '--json'];

    const run = await tern(args, env);
    // 3: every step ran to its end, but an item failed (the broken vCard).
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout + run.stderr).not.toMatch(/alicepass|bobpass/);
    const task = lastJson(run.stdout);
    expect(task).toMatchObject({ source: expect.stringContaining('dav+http://alice@127.0.0.1'), destination: expect.stringContaining('dav+http://bob@127.0.0.1') });
    const steps = stepsOf(task);
    // The broken vCard fails alone, with its name and why; the rest goes on.
    expect(steps.contacts).toMatchObject({ status: 'done', total: 3, copied: 2, failed: 1 });
    expect(JSON.stringify(task)).toMatch(/broken-1\.vcf: not a valid vCard/);
    expect(steps.contactGroups).toMatchObject({ status: 'done', total: 2, copied: 2, failed: 0 });
    expect(steps.calendars).toMatchObject({ status: 'done', total: 2, copied: 2, failed: 0 });
    expect(steps.tasks).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });

    // At the server: the same UIDs, the source's own text, Tern's stamp on each.
    const calendar = await radicale.files('bob/calendar');
    const contacts = await radicale.files('bob/contacts');
    expect([...calendar.keys()].sort()).toEqual(['holiday-1@test.ics', 'todo-1@test.ics', 'weekly-1@test.ics']);
    expect([...contacts.keys()].sort()).toEqual(['ann-1@test.vcf', 'friends-1@test.vcf', 'team-1@test.vcf', 'urn_uuid_ben-2.vcf']);
    for (const text of [...calendar.values(), ...contacts.values()]) expect(text).toMatch(/X-TERN-STAMP:tern1:/);
    expect(calendar.get('weekly-1@test.ics')).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20240311T090000');
    expect(contacts.get('team-1@test.vcf')).toContain('MEMBER:urn:uuid:ann-1@test');

    const again = lastJson((await tern(args, env)).stdout);
    const second = stepsOf(again);
    for (const kind of ['contactGroups', 'calendars', 'tasks']) expect(second[kind], kind).toMatchObject({ copied: 0, alreadyPresent: second[kind].total, failed: 0 });
    expect(second.contacts).toMatchObject({ copied: 0, alreadyPresent: 2, failed: 1 });

    // Someone edits one copy at the destination: the rollback leaves that one.
    const annPath = '/bob/contacts/ann-1@test.vcf';
    const ann = await radicale.request('bob', 'GET', annPath);
    expect((await radicale.request('bob', 'PUT', annPath, ann.text.replace('TITLE:Chemist', 'TITLE:Head chemist'), { 'Content-Type': 'text/vcard' })).status).toBe(201);

    const back = await tern(['rollback', task.id, '--json'], env);
    expect(back.code, back.stderr).toBe(0);
    const rolled = lastJson(back.stdout);
    expect(rolled.status).toBe('rolled_back');
    expect(rolled.rollbackNotes).toEqual([`${annPath}: edited since the migration, kept`]);
    expect([...(await radicale.files('bob/calendar')).keys()]).toEqual([]);
    expect([...(await radicale.files('bob/contacts')).keys()]).toEqual(['ann-1@test.vcf']);
    // The source is never touched.
    expect((await radicale.files('alice/contacts')).size).toBe(5);
  });
});
