// Messages scanned and read on the bare fetch pipe (issue 21): the response reader against answers
// cut at every byte, and the pipe against the real Dovecot: byte-exact sources (8-bit, lines that
// look like IMAP), a scan equal to imapflow's, a folder switch, a vanished UID, a refused EXAMINE,
// a dropped connection, and a copy lane that reads through it rather than through imapflow's session.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { makeMessage, withImap } from './support/mailbox';
import { startLatencyProxy } from './support/latency-proxy';
import { commandSpy, type CommandSpy } from './support/command-spy';
import { selfSignedProxy } from './support/tls-proxy';
import { ResponseReader, fetchItems, internalDate, type Response } from '../src/connectors/imap/fetch-response';
import { openImap, closeImap } from '../src/connectors/imap/session';
import { scanFolder } from '../src/connectors/imap/messages';
import { dedupeKey, DEDUPE_HEADER_FIELDS } from '../src/ports/dedupe-key';
import { openFetchPipe, uidSet } from '../src/connectors/imap/fetch-pipe';
import { loadConnector } from '../src/connectors/registry';
import { TernError } from '../src/errors';
import type { AccountCredentials } from '../src/ports/account';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Feeds `wire` to a reader in pieces cut at `cuts`; returns the responses read. */
function readAll(wire: Buffer, cuts: number[] = []): Response[] {
  const out: Response[] = [];
  const reader = new ResponseReader((r) => out.push(r), 1024 * 1024);
  let from = 0;
  for (const at of [...cuts, wire.length]) {
    reader.push(wire.subarray(from, at));
    from = at;
  }
  return out;
}

describe('fetch responses', () => {
  const body = Buffer.concat([Buffer.from('Subject: x\r\n\r\n* 3 FETCH (UID 9 BODY[] {4}\r\nnot a literal {12}\r\n"quoted"\r\n', 'latin1'), Buffer.from([0x80, 0xe9, 0xff, 0x00, 0x0d, 0x0a])]);
  const wire = Buffer.concat([
    Buffer.from('* 1 EXISTS\r\n* 7 FETCH (FLAGS (\\Seen $Label1) MODSEQ (12) UID 42 BODY[] {' + body.length + '}\r\n', 'latin1'),
    body,
    Buffer.from(')\r\n* 8 FETCH (UID 43 BODY[] "small one")\r\n* 9 FETCH (BODY[HEADER.FIELDS (FROM TO)] {3}\r\nabc UID 44 BODY[] {0}\r\n)\r\n* 10 FETCH (UID 45 BODY[] NIL)\r\nF2 OK done\r\n', 'latin1'),
  ]);

  it('reads each response whole however the bytes are cut, literals byte for byte', () => {
    const whole = readAll(wire);
    expect(whole.map((r) => r.text.slice(0, 12))).toEqual(['* 1 EXISTS', '* 7 FETCH (F', '* 8 FETCH (U', '* 9 FETCH (B', '* 10 FETCH (', 'F2 OK done']);
    expect(fetchItems(whole[1])).toEqual({ flags: ['\\Seen', '$Label1'], uid: 42, body });
    expect(fetchItems(whole[2])).toEqual({ uid: 43, body: Buffer.from('small one') });
    expect(fetchItems(whole[3])).toEqual({ header: Buffer.from('abc'), uid: 44, body: Buffer.alloc(0) });
    expect(fetchItems(whole[4])).toEqual({ uid: 45 });
    for (let cut = 1; cut < wire.length; cut++) {
      const pieces = readAll(wire, [cut, Math.min(wire.length, cut + 7)]);
      expect(pieces.map((r) => r.parts.map((p) => (Buffer.isBuffer(p) ? sha(p) : p)))).toEqual(whole.map((r) => r.parts.map((p) => (Buffer.isBuffer(p) ? sha(p) : p))));
    }
  });

  it('hands a literal its sink asks for to the sink, piece by piece, and keeps an empty buffer in its place', () => {
    const big = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const wire = Buffer.concat([Buffer.from(`* 1 FETCH (UID 3 BODY[] {${big.length}}\r\n`), big, Buffer.from(' FLAGS (\\Seen))\r\n')]);
    for (const cut of [1, 40, 41, 2000, wire.length - 3]) {
      const pieces: Buffer[] = [];
      const out: Response[] = [];
      const reader = new ResponseReader((r) => out.push(r), 100, (text, size) => (size > 100 && /BODY\[\] \{\d+\}$/.test(text) ? { write: (p) => void pieces.push(Buffer.from(p)) } : undefined));
      reader.push(wire.subarray(0, cut));
      reader.push(wire.subarray(cut));
      expect(Buffer.concat(pieces).equals(big)).toBe(true);
      expect(fetchItems(out[0])).toEqual({ uid: 3, body: Buffer.alloc(0), flags: ['\\Seen'] });
    }
  });

  it('refuses a literal above the limit and a line without end', () => {
    expect(() => readAll(Buffer.from('* 1 FETCH (UID 1 BODY[] {2000000}\r\n'))).toThrow(/literal of 2000000 bytes/);
    expect(() => readAll(Buffer.alloc(1024 * 1024 + 10, 'a'))).toThrow(/line of more than/);
  });

  it('reads the scan items: flags, size, internal date with its zone, header fields', () => {
    const [r] = readAll(Buffer.from('* 2 FETCH (UID 8 FLAGS (\\Seen $Label1 \\Recent) INTERNALDATE " 7-Jul-1996 02:44:25 -0700" RFC822.SIZE 1234 BODY[HEADER.FIELDS (MESSAGE-ID DATE)] {21}\r\nMessage-ID: <a@b>\r\n\r\n)\r\n', 'latin1'));
    expect(fetchItems(r)).toEqual({ uid: 8, flags: ['\\Seen', '$Label1', '\\Recent'], internalDate: ' 7-Jul-1996 02:44:25 -0700', size: 1234, header: Buffer.from('Message-ID: <a@b>\r\n\r\n') });
    expect(internalDate(' 7-Jul-1996 02:44:25 -0700')?.toISOString()).toBe('1996-07-07T09:44:25.000Z');
    expect(internalDate('17-Dec-2024 23:30:00 +0130')?.toISOString()).toBe('2024-12-17T22:00:00.000Z');
    expect(internalDate('yesterday')).toBeUndefined();
  });

  it('asks for runs of UIDs as ranges', () => {
    expect(uidSet([5, 1, 2, 3, 9, 10, 7])).toBe('1:3,5,7,9:10');
    expect(uidSet([4])).toBe('4');
  });
});

describe('fetch pipe on Dovecot', () => {
  let dovecot: DovecotServer;
  let spy: CommandSpy;
  const credentials = (user: string, port = dovecot.imapPort): AccountCredentials => ({ protocol: 'imap', host: '127.0.0.1', port, secure: false, insecure: false, user, password: `${user}pass` });
  const eightBit = Buffer.concat([
    Buffer.from('From: a@tern.test\r\nSubject: 8-bit\r\nMessage-ID: <eight@tern.test>\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n', 'latin1'),
    Buffer.from('caf\xe9 \xff\xfe\r\n* 1 FETCH (UID 1 BODY[] {10}\r\nF1 OK trick\r\n)\r\n', 'latin1'),
  ]);
  const inbox = [eightBit, makeMessage({ subject: 'Second', bodyBytes: 70_000 }), makeMessage({ subject: 'Third' }), makeMessage({ subject: 'Fourth', bodyBytes: 300 })];
  const other = [makeMessage({ subject: 'Réunion 1' }), makeMessage({ subject: 'Réunion 2', bodyBytes: 5000 })];
  const large = makeMessage({ subject: 'Large', bodyBytes: 6 * 1024 * 1024 });

  beforeAll(async () => {
    dovecot = await startDovecot('dot-inbox-prefix', { users: 'ivy:ivypass' });
    spy = await commandSpy(dovecot.imapPort);
    await withImap({ host: '127.0.0.1', port: dovecot.imapPort, user: 'ivy', password: 'ivypass' }, async (c) => {
      await c.mailboxCreate('INBOX.Réunions');
      for (const raw of inbox) await c.append('INBOX', raw, []);
      for (const [i, raw] of other.entries()) await c.append('INBOX.Réunions', raw, i ? ['\\Flagged', '$Work'] : ['\\Seen'], new Date(Date.UTC(2021, 2, 3 + i, 4, 5, 6)));
      await c.mailboxCreate('INBOX.Empty');
      await c.mailboxCreate('INBOX.Big');
      await c.append('INBOX.Big', large, []);
      await c.append('INBOX.Big', makeMessage({ subject: 'Small next to it' }), []);
    });
  });

  afterAll(async () => {
    await spy?.close();
    await dovecot?.stop();
  });

  const readAllOf = async (iterable: AsyncIterable<{ uid: number; source: Buffer }>) => {
    const out: Array<[number, string]> = [];
    for await (const m of iterable) out.push([m.uid, sha(m.source)]);
    return out;
  };

  it('reads sources byte for byte, switches folders, leaves a vanished UID out and keeps \\Seen as it was', async () => {
    const pipe = (await openFetchPipe(credentials('ivy'), 10_000))!;
    try {
      expect(await readAllOf(pipe.read('INBOX', [1, 2, 3, 4, 99]))).toEqual(inbox.map((raw, i) => [i + 1, sha(raw)]));
      expect(await readAllOf(pipe.read('INBOX.Réunions', [2, 1]))).toEqual(other.map((raw, i) => [i + 1, sha(raw)]));
      expect(await readAllOf(pipe.read('INBOX', [3]))).toEqual([[3, sha(inbox[2])]]);
      // Two reads asked at once take turns, each with its own messages.
      const [a, b] = await Promise.all([readAllOf(pipe.read('INBOX.Réunions', [1])), readAllOf(pipe.read('INBOX', [4]))]);
      expect([a, b]).toEqual([[[1, sha(other[0])]], [[4, sha(inbox[3])]]]);
    } finally {
      await pipe.close();
    }
    const flags = await withImap({ host: '127.0.0.1', port: dovecot.imapPort, user: 'ivy', password: 'ivypass' }, async (c) => {
      await c.mailboxOpen('INBOX', { readOnly: true });
      const out: string[][] = [];
      for await (const m of c.fetch('1:*', { flags: true })) out.push([...(m.flags ?? [])].filter((f) => f !== '\\Recent'));
      return out;
    });
    expect(flags).toEqual([[], [], [], []]);
  });

  it('reads one message in one FETCH: a large one into a spool file as it arrives, a small one in memory, a vanished one as nothing', async () => {
    const pipe = (await openFetchPipe(credentials('ivy'), 10_000))!;
    try {
      const spooled = await pipe.readOne('INBOX.Big', 1, 2 * 1024 * 1024);
      expect(spooled && !Buffer.isBuffer(spooled)).toBe(true);
      if (!spooled || Buffer.isBuffer(spooled)) return;
      expect(spooled.length).toBe(large.length);
      expect(sha(await spooled.read())).toBe(sha(large));
      await spooled.dispose();
      const small = await pipe.readOne('INBOX.Big', 2, 2 * 1024 * 1024);
      expect(Buffer.isBuffer(small) && small.toString('latin1').includes('Small next to it')).toBe(true);
      expect(await pipe.readOne('INBOX.Big', 99, 2 * 1024 * 1024)).toBeUndefined();
      expect(await readAllOf(pipe.read('INBOX', [1]))).toEqual([[1, sha(inbox[0])]]);
    } finally {
      await pipe.close();
    }
  });

  it('reads over TLS too (a connection that reads into fresh buffers, not one reused)', async () => {
    const front = await selfSignedProxy(dovecot.imapPort);
    const pipe = (await openFetchPipe({ ...credentials('ivy', front.port), secure: true, insecure: true }, 10_000))!;
    try {
      expect(await readAllOf(pipe.read('INBOX', [1, 2, 3, 4]))).toEqual(inbox.map((raw, i) => [i + 1, sha(raw)]));
      const spooled = await pipe.readOne('INBOX.Big', 1, 2 * 1024 * 1024);
      expect(spooled && !Buffer.isBuffer(spooled) ? sha(await spooled.read()) : undefined).toBe(sha(large));
      if (spooled && !Buffer.isBuffer(spooled)) await spooled.dispose();
    } finally {
      await pipe.close();
      await front.close();
    }
  });

  it('a read left early does not hand its rest to the next one', async () => {
    const pipe = (await openFetchPipe(credentials('ivy'), 10_000))!;
    try {
      for await (const m of pipe.read('INBOX', [1, 2, 3, 4])) {
        expect(m.uid).toBe(1);
        break;
      }
      expect(await readAllOf(pipe.read('INBOX.Réunions', [1, 2]))).toEqual(other.map((raw, i) => [i + 1, sha(raw)]));
    } finally {
      await pipe.close();
    }
  });

  it('a folder the server refuses fails that read with its words; the next read works', async () => {
    const pipe = (await openFetchPipe(credentials('ivy'), 10_000))!;
    try {
      await expect(readAllOf(pipe.read('INBOX.Missing', [1, 2]))).rejects.toMatchObject({ responseStatus: 'NO' });
      expect(await readAllOf(pipe.read('INBOX', [2]))).toEqual([[2, sha(inbox[1])]]);
    } finally {
      await pipe.close();
    }
  });

  it('a dropped connection fails the read as a connection error, and the pipe says it is no longer usable', async () => {
    const link = await startLatencyProxy(dovecot.imapPort, 2);
    const pipe = (await openFetchPipe(credentials('ivy', link.port), 10_000))!;
    try {
      expect(pipe.usable).toBe(true);
      const reading = readAllOf(pipe.read('INBOX', [1, 2, 3, 4]));
      await link.cut();
      const err = await reading.then(() => undefined, (e: unknown) => e);
      // Either the read finished before the cut, or it failed as a connection error (retried by the task).
      if (err !== undefined) expect(err).toBeInstanceOf(TernError);
      await expect(readAllOf(pipe.read('INBOX', [1]))).rejects.toBeInstanceOf(TernError);
      expect(pipe.usable).toBe(false);
    } finally {
      await pipe.close();
      await link.close();
    }
  });

  it("scans a folder as imapflow's session does: UIDs, sizes, flags, internal dates and dedupe keys", async () => {
    const pipe = (await openFetchPipe(credentials('ivy'), 10_000))!;
    const client = await openImap(credentials('ivy'));
    try {
      for (const folder of ['INBOX', 'INBOX.Réunions', 'INBOX.Empty']) {
        const viaSession = (await scanFolder(client, folder)).messages.map((m) => [m.uid, m.size, [...m.flags].sort(), m.internalDate?.getTime(), m.dedupeKey]);
        const viaPipe = (await pipe.scan(folder, DEDUPE_HEADER_FIELDS)).map((m) => [m.uid, m.size, [...m.flags].sort(), m.internalDate?.getTime(), dedupeKey(m.header)]);
        expect(viaPipe).toEqual(viaSession);
        expect(viaPipe.length).toBe(folder === 'INBOX' ? 4 : folder === 'INBOX.Empty' ? 0 : 2);
      }
      await expect(pipe.scan('INBOX.Missing', DEDUPE_HEADER_FIELDS)).rejects.toMatchObject({ responseStatus: 'NO' });
      expect(await readAllOf(pipe.read('INBOX', [2]))).toEqual([[2, sha(inbox[1])]]);
    } finally {
      await pipe.close();
      await closeImap(client);
    }
  });

  it('a copy lane scans and reads through the pipe: in the order asked, with the same bytes', async () => {
    const connector = await loadConnector('imap');
    const source = await connector.mailSource!(credentials('ivy', spy.port), { timeoutMs: 10_000, copyLane: true, pipelining: true });
    try {
      spy.lines.length = 0;
      const got: Array<[string, string]> = [];
      for await (const m of source.read('INBOX', ['4', '1', '3'])) got.push([m.ref, sha(m.raw as Buffer)]);
      expect(got).toEqual([['4', sha(inbox[3])], ['1', sha(inbox[0])], ['3', sha(inbox[2])]]);
      // The pipe's tags (E…, F…), not imapflow's numbered ones.
      expect(spy.lines.filter((l) => / UID FETCH /i.test(l))).toEqual([expect.stringMatching(/^F\d+ UID FETCH 1,3:4 \(UID BODY\.PEEK\[\]\)$/)]);
      spy.lines.length = 0;
      const scanned = await source.scan('INBOX');
      expect(scanned.map((m) => [m.ref, m.size, m.dedupeKey])).toEqual(inbox.map((raw, i) => [String(i + 1), raw.length, dedupeKey(raw)]));
      expect(spy.lines.filter((l) => / UID FETCH /i.test(l))).toEqual([expect.stringMatching(/^F\d+ UID FETCH 1:\* \(UID FLAGS INTERNALDATE RFC822\.SIZE BODY\.PEEK\[HEADER\.FIELDS /)]);
    } finally {
      await source.close();
    }
  });
});
