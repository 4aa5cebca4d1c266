// Pipelined APPENDs against the real Dovecot: many commands on the wire at once, each answered in
// order with its APPENDUID; a refused one fails alone; logins with awkward passwords.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { makeMessage, snapshotMailbox, withImap } from './support/mailbox';
import { AppendRefused, NotSent, openAppendPipe } from '../src/connectors/imap/append-pipe';
import { TernError } from '../src/errors';
import { spoolMessage } from '../src/connectors/spooled-message';
import { release } from '../src/ports/message-bytes';
import { openRawSession } from '../src/connectors/imap/raw-session';
import net from 'node:net';

let dovecot: DovecotServer;
const AWKWARD = 'Qu"ote\\back slash-été';

beforeAll(async () => {
  dovecot = await startDovecot('dot-inbox-prefix');
  await dovecot.addUser('zoe', AWKWARD);
});

afterAll(() => dovecot?.stop());

const credentials = (user: string, password: string) => ({ protocol: 'imap' as const, host: '127.0.0.1', port: dovecot.imapPort, secure: false, insecure: false, user, password });

describe('pipelined APPEND', () => {
  it('sends many at once and gets each APPENDUID back, in order, with flags and dates kept', async () => {
    await withImap({ host: '127.0.0.1', port: dovecot.imapPort, user: 'zoe', password: AWKWARD }, (c) => c.mailboxCreate('INBOX.Réunions'));
    const pipe = (await openAppendPipe(credentials('zoe', AWKWARD), 10_000))!;
    expect(pipe, 'Dovecot offers LITERAL+').toBeDefined();
    const date = (i: number) => new Date(Date.UTC(2023, 4, 1 + (i % 28), 9, i % 60, 0));
    const messages = Array.from({ length: 60 }, (_, i) => makeMessage({ subject: `Pipelined ${i}`, bodyBytes: 200 + i * 50, date: date(i) }));
    const answers = await Promise.all(messages.map((raw, i) => pipe.append(i % 2 ? 'INBOX' : 'INBOX.Réunions', raw, i % 3 ? ['\\Seen'] : ['\\Flagged', '$Label1'], date(i))));
    await pipe.close();
    const uids = (folderIndex: number) => answers.filter((_, i) => i % 2 === folderIndex).map((a) => a.uid);
    expect(uids(1)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(uids(0)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(new Set(answers.map((a) => a.uidValidity)).size).toBe(2);

    const snap = await snapshotMailbox({ host: '127.0.0.1', port: dovecot.imapPort, user: 'zoe', password: AWKWARD });
    const inbox = snap.folders.find((f) => f.path === 'INBOX')!;
    const reunions = snap.folders.find((f) => f.path === 'INBOX.Réunions')!;
    expect(inbox.messages).toHaveLength(30);
    expect(reunions.messages).toHaveLength(30);
    const first = reunions.messages.find((m) => m.uid === 1)!;
    expect(first.flags.sort()).toEqual(['$Label1', '\\Flagged']);
    expect(new Date(first.internalDate).getTime()).toBe(date(0).getTime());
  });

  it('a spooled message is streamed from its file into the literal, byte for byte, among in-memory ones on the same wire', async () => {
    await withImap({ host: '127.0.0.1', port: dovecot.imapPort, user: 'zoe', password: AWKWARD }, (c) => c.mailboxCreate('INBOX.Spooled'));
    const large = makeMessage({ subject: 'Spooled', bodyBytes: 6 * 1024 * 1024 });
    const small = (i: number) => makeMessage({ subject: `Around ${i}`, bodyBytes: 3_000 });
    const spooled = await spoolMessage((async function* () {
      for (let i = 0; i < large.length; i += 1024 * 1024) yield large.subarray(i, i + 1024 * 1024);
    })());
    const pipe = (await openAppendPipe(credentials('zoe', AWKWARD), 10_000))!;
    const bytesSent = [small(1), large, small(2), small(3)];
    const sent = bytesSent.map((raw) => (raw === large ? spooled : raw));
    // Asked together: an APPEND asked while the spooled literal streams goes on the wire after it.
    const answers = await Promise.all(sent.map((raw) => pipe.append('INBOX.Spooled', raw, ['\\Seen'])));
    await pipe.close();
    await release(spooled);
    expect(answers.map((a) => a.uid).sort()).toEqual([1, 2, 3, 4]);
    const stored = await withImap({ host: '127.0.0.1', port: dovecot.imapPort, user: 'zoe', password: AWKWARD }, async (c) => {
      await c.mailboxOpen('INBOX.Spooled');
      const out: Buffer[] = [];
      for await (const m of c.fetch('1:*', { uid: true, source: true }, { uid: true })) out[m.uid - 1] = m.source!;
      return out;
    });
    // Each APPENDUID names the message that was sent with it, whole.
    for (const [i, a] of answers.entries()) expect(stored[a.uid! - 1].equals(bytesSent[i]), `message ${i}`).toBe(true);
  });

  it('once the run is told to stop, nothing more goes on the wire: what was sent is answered, what waited behind it is not sent', async () => {
    await withImap({ host: '127.0.0.1', port: dovecot.imapPort, user: 'zoe', password: AWKWARD }, (c) => c.mailboxCreate('INBOX.Stopped'));
    const large = makeMessage({ subject: 'On the wire', bodyBytes: 3 * 1024 * 1024 });
    const spooled = await spoolMessage((async function* () {
      for (let i = 0; i < large.length; i += 1024 * 1024) yield large.subarray(i, i + 1024 * 1024);
    })());
    const pipe = (await openAppendPipe(credentials('zoe', AWKWARD), 10_000))!;
    const stop = new AbortController();
    // The spooled literal streams first; the two asked meanwhile wait behind it, and the stop comes before it is through.
    const asked = [spooled, makeMessage({ subject: 'Behind 1' }), makeMessage({ subject: 'Behind 2' })].map((raw) => pipe.append('INBOX.Stopped', raw, [], undefined, stop.signal).catch((err: unknown) => err));
    stop.abort();
    const [onTheWire, ...behind] = await Promise.all(asked);
    expect(onTheWire).toMatchObject({ uid: 1 });
    for (const answer of behind) expect(answer).toBeInstanceOf(NotSent);
    expect(await pipe.append('INBOX.Stopped', makeMessage({ subject: 'After' }), [], undefined, stop.signal).catch((err: unknown) => err)).toBeInstanceOf(NotSent);
    await pipe.close();
    await release(spooled);
    const snap = await snapshotMailbox({ host: '127.0.0.1', port: dovecot.imapPort, user: 'zoe', password: AWKWARD });
    expect(snap.folders.find((f) => f.path === 'INBOX.Stopped')!.messages).toHaveLength(1);
  });

  it('a refused APPEND fails alone; the ones around it land', async () => {
    const pipe = (await openAppendPipe(credentials('zoe', AWKWARD), 10_000))!;
    const results = await Promise.allSettled([
      pipe.append('INBOX', makeMessage({ subject: 'before' }), []),
      pipe.append('INBOX.DoesNotExist', makeMessage({ subject: 'refused' }), []),
      pipe.append('INBOX', makeMessage({ subject: 'after' }), []),
    ]);
    await pipe.close();
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const refused = (results[1] as PromiseRejectedResult).reason as AppendRefused;
    expect(refused).toBeInstanceOf(AppendRefused);
    expect(refused.responseStatus).toBe('NO');
  });

  it('a wrong password is AUTH_FAILED naming the server, without the password', async () => {
    const err = (await openAppendPipe(credentials('zoe', 'Not-Her-Pw'), 10_000).catch((e: unknown) => e)) as TernError;
    expect(err).toBeInstanceOf(TernError);
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.userMessage).toContain(`imap server 127.0.0.1:${dovecot.imapPort} refused the login for zoe`);
    expect(err.userMessage).not.toContain('Not-Her-Pw');
  });

  it('a connection that drops fails what is in flight with a connection error, not a hang', async () => {
    const pipe = (await openAppendPipe(credentials('zoe', AWKWARD), 10_000))!;
    const inFlight = pipe.append('INBOX', makeMessage({ subject: 'x', bodyBytes: 2_000_000 }), []);
    await pipe.close();
    await expect(inFlight).rejects.toBeInstanceOf(TernError);
  });
});

describe('bare connection (raw-session.ts)', () => {
  /** A server that greets without LITERAL+ and accepts any LOGIN: what it was sent is kept. */
  async function withoutLiteralPlus(): Promise<{ port: number; heard: string[]; close(): Promise<void> }> {
    const heard: string[] = [];
    const server = net.createServer((c) => {
      c.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n');
      c.on('data', (chunk) => {
        for (const line of chunk.toString('latin1').split('\r\n').filter(Boolean)) {
          heard.push(line);
          const tag = line.split(' ')[0];
          c.write(/ LOGOUT$/i.test(line) ? `* BYE\r\n${tag} OK bye\r\n` : `${tag} OK done\r\n`);
        }
      });
      c.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as net.AddressInfo).port, heard, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  it('logs in with one LOGIN, but leaves credentials that need a literal to imapflow when the server has no LITERAL+', async () => {
    const server = await withoutLiteralPlus();
    try {
      const at = (password: string) => ({ ...credentials('zoe', password), port: server.port });
      const plain = await openRawSession(at('plain-pw'), 5_000);
      expect(plain).toBeDefined();
      plain!.logout();
      expect(await openRawSession(at('été'), 5_000)).toBeUndefined();
      await new Promise((r) => setTimeout(r, 50));
      expect(server.heard.filter((l) => / LOGIN /i.test(l))).toEqual(['L1 LOGIN "zoe" "plain-pw"']);
    } finally {
      await server.close();
    }
  });
});
