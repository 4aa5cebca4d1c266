import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPop3 } from '../src/connectors/pop3';
import { MultilineDecoder } from '../src/connectors/pop3/framing';
import type { AccountCredentials } from '../src/ports/account';
import { dedupeKey } from '../src/ports/dedupe-key';
import { TernError } from '../src/errors';
import { startDovecot, type DovecotServer } from './support/dovecot';

// --- small local helpers ---

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}


/** Delivers messages the honest way: IMAP APPEND as the user, not files written into the Maildir. */
async function appendAll(port: number, user: string, pass: string, messages: Buffer[]): Promise<void> {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass }, logger: false });
  await client.connect();
  try {
    for (const m of messages) await client.append('INBOX', m);
  } finally {
    await client.logout();
  }
}

const crlf = (lines: string[]) => Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');

// --- the messages: 8-bit bytes, lines starting with ".", a lone ".", missing/odd Date, a big one ---

const eightBit = Buffer.concat([
  crlf([
    'From: Ana <ana@example.com>',
    'To: alice@example.com',
    'Subject: =?ISO-8859-1?Q?caf=E9?=',
    'Date: Mon, 1 Jan 2024 10:00:00 +0100',
    'Message-ID: <eight-bit@example.com>',
    'Content-Type: text/plain; charset=ISO-8859-1',
    'Content-Transfer-Encoding: 8bit',
    '',
  ]),
  Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe, 0x80, 0x0d, 0x0a]), // "Café" in latin1 + bytes invalid as UTF-8
  crlf(['.leading dot', '..two dots', '.', 'after the lone dot', '. space after dot', 'last line']),
]);

const noMessageId = crlf([
  'From: bob@example.com',
  'To: alice@example.com',
  'Subject: no message id',
  'Date: Tue, 2 Jan 2024 08:30:00 -0500 (EST)',
  '',
  'body',
]);

const noDate = crlf(['From: carol@example.com', 'To: alice@example.com', 'Subject: no date', 'Message-ID: <no-date@example.com>', '', '.', '']);

const badDate = crlf(['From: dan@example.com', 'Subject: bad date', 'Date: sometime last week', 'Message-ID: <bad-date@example.com>', '', 'x']);

/** ~500 KB: many socket chunks, so stuffed dots and the terminator land on chunk edges. */
const big = Buffer.concat([
  crlf(['From: eve@example.com', 'To: alice@example.com', 'Subject: big', 'Date: Wed, 3 Jan 2024 12:00:00 +0000', 'Message-ID: <big@example.com>', '']),
  ...Array.from({ length: 25_000 }, (_, i) =>
    i % 4 === 0 ? crlf(['.']) : i % 4 === 1 ? crlf([`.line ${i}`]) : i % 4 === 2 ? Buffer.from([0x2e, 0x2e, 0xe9, 0x0d, 0x0a]) : crlf([`plain line ${i} ${'x'.repeat(i % 50)}`]),
  ),
]);

/** Ends without a line break: the POP3 framing adds one on the wire, which must not reach the copy. */
const noFinalNewline = Buffer.from('From: fay@example.com\r\nSubject: no final newline\r\nMessage-ID: <no-eol@example.com>\r\n\r\nlast line without CRLF', 'latin1');

const MESSAGES = [eightBit, noMessageId, noDate, badDate, big, noFinalNewline];

// --- tests ---

describe('MultilineDecoder', () => {
  // On the wire: dot-stuffed payload, then ".\r\n". Decoding must not depend on chunk edges.
  const payload = Buffer.from('a\r\n.b\r\n.\r\n\r\n..\r\n.\r\r\nz\r\n', 'latin1');
  const wire = Buffer.from('a\r\n..b\r\n..\r\n\r\n...\r\n..\r\r\nz\r\n.\r\n', 'latin1');

  it('unstuffs dots and stops at the terminator for every split of the input', () => {
    for (let i = 0; i <= wire.length; i++) {
      for (let j = i; j <= wire.length; j++) {
        const d = new MultilineDecoder();
        const out = [wire.subarray(0, i), wire.subarray(i, j), wire.subarray(j)].flatMap((c) => d.push(c));
        expect(d.done).toBe(true);
        expect(Buffer.concat(out).toString('latin1'), `split at ${i},${j}`).toBe(payload.toString('latin1'));
      }
    }
  });

  it('handles an empty payload and byte-by-byte input', () => {
    const d = new MultilineDecoder();
    expect(d.push(Buffer.from('.\r\n'))).toEqual([]);
    expect(d.done).toBe(true);
    const e = new MultilineDecoder();
    const out = [...wire].flatMap((b) => e.push(Buffer.from([b])));
    expect(Buffer.concat(out).equals(payload)).toBe(true);
  });
});

/** A scripted POP3 server, for what Dovecot will not do on demand: odd chunking, dropped connections, no TOP. */
async function fakePop3(options: { top?: boolean } = {}): Promise<{ port: number; close: () => void }> {
  const srv = net.createServer((sock) => {
    sock.setNoDelay(true);
    sock.write('+OK fake ready\r\n');
    let buffered = '';
    sock.on('data', (d) => {
      buffered += d.toString('latin1');
      let eol: number;
      while ((eol = buffered.indexOf('\r\n')) !== -1) {
        const line = buffered.slice(0, eol);
        buffered = buffered.slice(eol + 2);
        // A whole message is asked for with TOP n <all lines>: answered as RETR n, or refused by a server without TOP.
        if (/^TOP /.test(line) && options.top === false) {
          sock.write('-ERR TOP not supported\r\n');
          continue;
        }
        const cmd = line.replace(/^TOP (\d+) \d+$/, 'RETR $1');
        if (/^(USER|PASS) /.test(cmd)) sock.write('+OK\r\n');
        else if (cmd === 'UIDL') sock.write('+OK\r\n1 u1\r\n2 u2\r\n.\r\n');
        else if (cmd === 'LIST') sock.write('+OK\r\n1 23\r\n2 40\r\n.\r\n');
        else if (cmd === 'RETR 1') {
          // The terminator arrives in two TCP segments; stock node-pop3 waits forever here.
          sock.write('+OK\r\nSubject: x\r\n\r\n..body\r\n.');
          setTimeout(() => sock.write('\r\n'), 50);
        } else if (cmd === 'RETR 2') {
          sock.write('+OK\r\nSubject: y\r\n\r\npartial');
          setTimeout(() => sock.destroy(), 50);
        } else if (cmd === 'QUIT') sock.end('+OK bye\r\n');
        else sock.write('-ERR unknown\r\n');
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, close: () => srv.close() };
}

describe('POP3 source connector (scripted server)', () => {
  const acc = (port: number): AccountCredentials => ({ protocol: 'pop3', host: '127.0.0.1', port, secure: false, insecure: false, user: 'u', password: 'p' });

  it('reads a response whose terminator is split across packets', async () => {
    const fake = await fakePop3();
    const pop = await openPop3(acc(fake.port), { timeoutMs: 2_000 });
    try {
      expect((await pop.retrieve('u1')).toString('latin1')).toBe('Subject: x\r\n\r\n.body\r\n');
    } finally {
      await pop.close();
      fake.close();
    }
  });

  it('reads with RETR from a server without TOP', async () => {
    const fake = await fakePop3({ top: false });
    const pop = await openPop3(acc(fake.port), { timeoutMs: 2_000 });
    try {
      expect((await pop.retrieve('u1')).toString('latin1')).toBe('Subject: x\r\n\r\n.body\r\n');
    } finally {
      await pop.close();
      fake.close();
    }
  });

  it('fails (does not hang) when the server drops the connection mid-message', async () => {
    const fake = await fakePop3();
    const pop = await openPop3(acc(fake.port), { timeoutMs: 5_000 });
    try {
      const started = Date.now();
      await expect(pop.retrieve('u2')).rejects.toMatchObject({ code: 'UNREACHABLE' });
      expect(Date.now() - started).toBeLessThan(2_000);
      // The session is dead now; later calls fail fast instead of talking to a broken stream.
      await expect(pop.retrieve('u1')).rejects.toBeInstanceOf(TernError);
    } finally {
      await pop.close();
      fake.close();
    }
  });
});

describe('POP3 source connector (real Dovecot)', () => {
  let dovecot: DovecotServer;
  let account: AccountCredentials;

  beforeAll(async () => {
    dovecot = await startDovecot('slash');
    account = { protocol: 'pop3', host: '127.0.0.1', port: dovecot.pop3Port, secure: false, insecure: false, user: 'alice', password: 'alicepass' };
    await appendAll(dovecot.imapPort, 'alice', 'alicepass', MESSAGES);
  }, 60_000);

  afterAll(async () => {
    await dovecot?.stop();
  }, 60_000);

  it('lists every message in order with size, dedupe key and Date header', async () => {
    const pop = await openPop3(account);
    try {
      const list = await pop.list();
      expect(list).toHaveLength(MESSAGES.length);
      expect(new Set(list.map((m) => m.ref)).size).toBe(MESSAGES.length);
      // Dovecot's LIST size is the CRLF size, i.e. exactly the appended bytes.
      expect(list.map((m) => m.size)).toEqual(MESSAGES.map((m) => m.length));
      expect(list.map((m) => m.dedupeKey)).toEqual(MESSAGES.map((m) => dedupeKey(m)));
      expect(list[0].dedupeKey).toBe('mid:<eight-bit@example.com>');
      expect(list[1].dedupeKey).toMatch(/^hdr:/);
      expect(list.map((m) => m.internalDate?.toISOString())).toEqual([
        '2024-01-01T09:00:00.000Z',
        '2024-01-02T13:30:00.000Z',
        undefined,
        undefined,
        '2024-01-03T12:00:00.000Z',
        undefined,
      ]);
      expect(list.every((m) => m.flags.length === 0)).toBe(true);
    } finally {
      await pop.close();
    }
  }, 30_000);

  it('retrieves the exact appended bytes (8-bit, leading dots, big message, no final line break)', async () => {
    const pop = await openPop3(account);
    try {
      const list = await pop.list();
      // Backwards, so the lookup really goes through UIDL and not list position.
      for (let i = list.length - 1; i >= 0; i--) {
        const bytes = await pop.retrieve(list[i].ref);
        expect(bytes.length).toBe(MESSAGES[i].length);
        expect(bytes.equals(MESSAGES[i]), `message ${i}`).toBe(true);
      }
    } finally {
      await pop.close();
    }
  }, 30_000);

  it('retrieves without list() first, serialises concurrent calls, and rejects unknown refs', async () => {
    const refs = await (async () => {
      const pop = await openPop3(account);
      try {
        return (await pop.list()).map((m) => m.ref);
      } finally {
        await pop.close();
      }
    })();
    const pop = await openPop3(account);
    try {
      const all = await Promise.all(refs.map((r) => pop.retrieve(r)));
      all.forEach((bytes, i) => expect(bytes.equals(MESSAGES[i])).toBe(true));
      await expect(pop.retrieve('no-such-uidl')).rejects.toMatchObject({ code: 'PROTOCOL_ERROR' });
      // The session is still usable after that.
      expect((await pop.retrieve(refs[1])).equals(MESSAGES[1])).toBe(true);
    } finally {
      await pop.close();
      await pop.close(); // twice is harmless
    }
    await expect(pop.list()).rejects.toBeInstanceOf(TernError);
  }, 30_000);

  it('lists an empty maildrop as []', async () => {
    const pop = await openPop3({ ...account, user: 'bob', password: 'bobpass' });
    try {
      expect(await pop.list()).toEqual([]);
    } finally {
      await pop.close();
    }
  }, 30_000);

  it('maps a closed port to UNREACHABLE', async () => {
    const port = await freePort();
    const err = await openPop3({ ...account, port }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNREACHABLE' });
    expect((err as TernError).userMessage).toContain(`127.0.0.1:${port}`);
    expect((err as TernError).userMessage).toContain('connection refused');
  });

  it('maps a silent server to TIMEOUT', async () => {
    const silent = net.createServer(() => {}); // accepts, never greets
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      const err = await openPop3({ ...account, port }, { timeoutMs: 500 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      silent.close();
    }
  });

  it('maps TLS against a plain POP3 port to TLS_FAILED', async () => {
    const err = await openPop3({ ...account, secure: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TLS_FAILED' });
  });

  describe('over TLS with a self-signed certificate', () => {
    let proxy: tls.Server | undefined;
    let port = 0;

    beforeAll(async () => {
      // A TLS front for Dovecot's POP3 port (the test Dovecot itself runs without TLS).
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tern-pop3-tls-'));
      try {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-subj', '/CN=localhost', '-days', '1'], { stdio: 'ignore' });
        const [key, cert] = [readFileSync(`${dir}/key.pem`), readFileSync(`${dir}/cert.pem`)];
        proxy = tls.createServer({ key, cert }, (front) => {
          const back = net.connect(dovecot.pop3Port, '127.0.0.1');
          front.on('error', () => back.destroy());
          back.on('error', () => front.destroy());
          front.pipe(back).pipe(front);
        });
        await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', r));
        port = (proxy.address() as net.AddressInfo).port;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);

    afterAll(() => {
      proxy?.close();
    });

    it('refuses the certificate by default and suggests ?insecure=1', async () => {
      const err = await openPop3({ ...account, port, secure: true }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'TLS_FAILED' });
      expect((err as TernError).userMessage).toContain('?insecure=1');
    });

    it('works with insecure: true, bytes intact', async () => {
      const pop = await openPop3({ ...account, port, secure: true, insecure: true });
      try {
        const list = await pop.list();
        expect(list).toHaveLength(MESSAGES.length);
        expect((await pop.retrieve(list[4].ref)).equals(big)).toBe(true);
        expect((await pop.retrieve(list[0].ref)).equals(eightBit)).toBe(true);
      } finally {
        await pop.close();
      }
    }, 30_000);
  });

  // Last: after a failed login Dovecot delays further logins from this IP (auth penalty, 2 s and up).
  it('maps a wrong password to AUTH_FAILED without revealing it', async () => {
    const password = 'Wr0ng-Secret-Pass';
    const err = await openPop3({ ...account, password }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TernError);
    const t = err as TernError;
    expect(t.code).toBe('AUTH_FAILED');
    expect(t.userMessage).toContain(`pop3 server 127.0.0.1:${dovecot.pop3Port} refused the login for alice`);
    expect(t.userMessage).not.toContain(password);
    expect(JSON.stringify(t, Object.getOwnPropertyNames(t))).not.toContain(password);
    expect(String((t.cause as Error | undefined)?.message ?? '')).not.toContain(password);
  }, 30_000);
});
