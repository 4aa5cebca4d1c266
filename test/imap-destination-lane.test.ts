// Round trips an IMAP destination spares (issue 21, instant re-runs): a login asks ID once, the
// folders are made from the planner's listing (one LIST a session, not two), and the append pipe
// logs in while the session goes on (its write lane is handed out at once), against the real Dovecot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { createHash } from 'node:crypto';
import { makeMessage, snapshotMailbox } from './support/mailbox';
import { commandSpy, type CommandSpy } from './support/command-spy';
import { loadConnector } from '../src/connectors/registry';
import { openImap, closeImap } from '../src/connectors/imap/session';
import { pendingPipeLane } from '../src/connectors/imap/write-lane';
import { openAppendPipe } from '../src/connectors/imap/append-pipe';
import { spoolMessage } from '../src/connectors/spooled-message';
import { TernError } from '../src/errors';
import type { AccountCredentials } from '../src/ports/account';
import type { WriteOutcome } from '../src/ports/mail';

let dovecot: DovecotServer;
let spy: CommandSpy;

beforeAll(async () => {
  dovecot = await startDovecot('dot-inbox-prefix', { users: 'lena:lenapass mara:marapass' });
  spy = await commandSpy(dovecot.imapPort);
});

afterAll(async () => {
  await spy?.close();
  await dovecot?.stop();
});

const credentials = (user: string, port = dovecot.imapPort): AccountCredentials => ({ protocol: 'imap', host: '127.0.0.1', port, secure: false, insecure: false, user, password: `${user}pass` });

/** What the engine gives every write besides the bytes (not looked at by an IMAP lane). */
const keyed = (k: string) => ({ dedupeKey: `key-${k}`, mark: `mark-${k}` });

/** Every answer of a write, by index. */
async function writeAll(write: (answered: (i: number, o: WriteOutcome) => void) => Promise<void>): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = [];
  await write((i, o) => (outcomes[i] = o));
  return outcomes;
}

describe('IMAP destination round trips', () => {
  it('a session asks ID once: the answer before login stands after it', async () => {
    spy.commands.length = 0;
    const client = await openImap(credentials('lena', spy.port));
    try {
      expect(spy.commands).toEqual(['ID', 'LOGIN', 'NAMESPACE', 'ENABLE']);
      expect(client.serverInfo?.name).toBe('Dovecot');
      expect(client.usable).toBe(true);
      const status = await client.status('INBOX', { messages: true });
      expect(status && status.messages).toBeGreaterThanOrEqual(0);
    } finally {
      await closeImap(client);
    }
  });

  it('lists the folders once: the folders it makes come from the planner’s listing', async () => {
    const connector = await loadConnector('imap');
    const destination = await connector.mailDestination!(credentials('lena', spy.port), { timeoutMs: 10_000, pipelining: true });
    try {
      spy.commands.length = 0;
      const tree = await destination.folders();
      expect(tree.folders.map((f) => f.path)).toContain('INBOX');
      // One listing (imapflow asks for INBOX apart under the "INBOX." prefix: two LIST commands).
      const listing = spy.commands.filter((c) => c === 'LIST').length;
      expect(listing).toBeGreaterThan(0);
      await destination.ensureFolder('INBOX', () => {});
      const created: string[] = [];
      const made = await destination.ensureFolder('INBOX.Projects', (f) => void created.push(f.path));
      expect(made.folder.path).toBe('INBOX.Projects');
      expect(created).toEqual(['INBOX.Projects']);
      expect(spy.commands.filter((c) => c === 'LIST')).toHaveLength(listing);
      expect(spy.commands).toContain('CREATE');
    } finally {
      await destination.close();
    }
  });

  it('hands out the write lane before the pipe has logged in; the writes wait for it and land with their UIDs', async () => {
    const client = await openImap(credentials('mara'));
    try {
      let loggedIn!: () => void;
      const gate = new Promise<void>((resolve) => (loggedIn = resolve));
      // The pipe's login is held back until the lane is in hand and writing.
      const lane = pendingPipeLane(gate.then(() => openAppendPipe(credentials('mara'), 10_000)), client, credentials('mara'));
      const [small, large] = [makeMessage({ subject: 'Waited for the pipe' }), makeMessage({ subject: 'Spooled one', bodyBytes: 5000 })];
      const spooled = await spoolMessage((async function* () { yield large; })());
      const writing = writeAll((answered) =>
        lane.writeStreamed!({ path: 'INBOX', id: 'INBOX' }, [
          { raw: small, flags: ['\\Seen'], ...keyed('a') },
          { raw: spooled, flags: [], ...keyed('b') },
        ], answered),
      );
      loggedIn();
      const outcomes = await writing;
      await lane.close();
      await spooled.dispose();
      expect(outcomes.map((o) => 'id' in o && o.id)).toEqual(['1', '2']);
      const inbox = (await snapshotMailbox({ host: '127.0.0.1', port: dovecot.imapPort, user: 'mara', password: 'marapass' })).folders.find((f) => f.path === 'INBOX')!;
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(inbox.messages.map((m) => m.sha256)).toEqual([sha(small), sha(large)]);
    } finally {
      await closeImap(client);
    }
  });

  it('writes through the session, one APPEND after the other, when the server has no pipe to offer (no LITERAL+)', async () => {
    const client = await openImap(credentials('mara'));
    try {
      const lane = pendingPipeLane(Promise.resolve(undefined), client, credentials('mara'));
      const spooled = await spoolMessage((async function* () { yield makeMessage({ subject: 'Serial spooled', bodyBytes: 3000 }); })());
      const outcomes = await writeAll((answered) => lane.writeStreamed!({ path: 'INBOX', id: 'INBOX' }, [{ raw: spooled, flags: ['\\Flagged'], ...keyed('c') }], answered));
      await spooled.dispose();
      await lane.close();
      expect(outcomes).toHaveLength(1);
      expect('id' in outcomes[0] && outcomes[0].id).toMatch(/^\d+$/);
    } finally {
      await closeImap(client);
    }
  });

  it('sends nothing once the run is told to stop, on the pipe and on the session alike', async () => {
    const client = await openImap(credentials('mara'));
    try {
      const count = async () => (await snapshotMailbox({ host: '127.0.0.1', port: dovecot.imapPort, user: 'mara', password: 'marapass' })).folders.find((f) => f.path === 'INBOX')!.messages.length;
      const before = await count();
      const stopped = AbortSignal.abort('shutdown');
      for (const lane of [pendingPipeLane(openAppendPipe(credentials('mara'), 10_000), client, credentials('mara')), pendingPipeLane(Promise.resolve(undefined), client, credentials('mara'))]) {
        const outcomes = await writeAll((answered) => lane.writeStreamed!({ path: 'INBOX', id: 'INBOX' }, [{ raw: makeMessage({ subject: 'Never sent' }), flags: [], ...keyed('s') }], answered, stopped));
        await lane.close();
        expect(outcomes).toEqual([]);
      }
      expect(await count()).toBe(before);
    } finally {
      await closeImap(client);
    }
  });

  it('a pipe that could not log in fails the first write with the server’s refusal, and the lane still closes', async () => {
    const client = await openImap(credentials('mara'));
    try {
      const wrong = { ...credentials('mara'), password: 'not-the-password' };
      const lane = pendingPipeLane(openAppendPipe(wrong, 10_000), client, wrong);
      const err = await lane.writeStreamed!({ path: 'INBOX', id: 'INBOX' }, [{ raw: makeMessage({ subject: 'Never sent' }), flags: [], ...keyed('d') }], () => {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TernError);
      expect((err as TernError).userMessage).toContain(`imap server 127.0.0.1:${dovecot.imapPort} refused the login for mara`);
      await expect(lane.close()).resolves.toBeUndefined();
    } finally {
      await closeImap(client);
    }
  });
});
