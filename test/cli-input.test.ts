// Bad input and passwords at the CLI: each mistake gets one precise line and exit 2, nothing is
// queued; passwords come from a file, the environment or a prompt without echo (driven through a
// real pseudo-terminal by util-linux `script`), and a password written in a URL draws a warning.
// Logins go to a real Dovecot; the IP-address TLS case to a real TLS listener on loopback.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../adapters/cli/main';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { projectRoot, ternEnv } from './support/tern';
import { freePort } from './support/ports';

let dovecot: DovecotServer;
let redis: TestRedis;
let env: Record<string, string>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-cli-input-'));

beforeAll(async () => {
  [dovecot, redis] = await Promise.all([startDovecot('slash'), startRedis()]);
  env = ternEnv(redis.url);
}, 60_000);

afterAll(async () => {
  await Promise.all([dovecot?.stop(), redis?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], extraEnv: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  // The destination's password comes from the environment unless a test says otherwise, so no warning about a password in a URL.
  const io = { env: { ...env, TERN_TO_PASSWORD: 'bobpass', ...extraEnv }, stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s), logs: { write: (s: string) => void (stderr += s) } };
  const code = await main(['node', 'tern', ...args], io);
  return { code, stdout, stderr };
}

const local = (user: string, password?: string) => `imap://${user}${password === undefined ? '' : `:${password}`}@127.0.0.1:${dovecot.imapPort}`;

describe('bad input at the CLI', () => {
  it.each([
    ['port 99999', 'imap://bob:pw@mail.example.com:99999', /port 99999 is out of range; use a number from 1 to 65535/],
    ['port abc', 'imap://bob:pw@mail.example.com:abc', /the port "abc" is not a number/],
    ['an empty host', 'imap://bob:pw@:143', /the server name is missing/],
    ['port 0', 'imap://bob:pw@mail.example.com:0', /port 0 is not a port/],
    ['?insecure=maybe', 'imap://bob:pw@mail.example.com?insecure=maybe&auth=bogus', /\?insecure= takes 1 .* not "maybe"/],
    ['an unknown option', 'imap://bob:pw@mail.example.com?tenant=bogus', /unknown option "\?tenant" \(an IMAP URL takes \?insecure=, \?auth=, \?issuer=, \?client_id=, \?scope=\)/],
    ['an unknown ?auth=', 'imap://bob:pw@mail.example.com?auth=bogus', /\?auth= takes oauth2 \(sign in with OAuth2\) or password, not "bogus"/],
    ['a path on an IMAP URL', 'imap://bob:pw@mail.example.com/INBOX', /an IMAP URL has no path \("\/INBOX"\)/],
    ['an encoded CR/LF in the user name', 'imap://bob%0D%0Aevil:pw@mail.example.com', /user name contains a line break/],
    ['a raw CR/LF in the URL', 'imap://bob\r\nevil:pw@mail.example.com', /contains a line break or another control character/],
  ])('%s: one line naming the source, exit 2', async (_what, from, message) => {
    const r = await run(['migrate', '--from', from, '--to', local('bob')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tern: The source account URL is not valid: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    // Nothing from the user name's line break reaches the terminal raw.
    expect(r.stderr).not.toContain('\r');
  });

  it('never echoes a password in a URL it cannot parse', async () => {
    const r = await run(['migrate', '--from', 'imap://bob:s3cr@t@mail.example.com:99999', '--to', local('bob')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/port 99999 is out of range/);
    expect(r.stderr).not.toContain('s3cr');
  });

  it('refuses a destination that is the source itself, before any task exists', async () => {
    const r = await run(['migrate', '--from', local('alice', 'alicepass'), '--to', `imap://ALICE:alicepass@127.0.0.1:${dovecot.imapPort}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/The destination is the source itself \(imap:\/\/ALICE@127\.0\.0\.1:\d+\): Tern would copy the mailbox onto itself/);
    const list = await run(['list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('import-pst of a folder: one line, exit 2, no stack trace', async () => {
    const folder = path.join(dir, 'backup.pst');
    fs.mkdirSync(folder);
    const r = await run(['import-pst', folder, '--to', local('bob')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tern: backup.pst is a folder, not a .pst file. Give the path of the .pst file itself.\n');
  });
});

describe('passwords at the CLI', () => {
  it('reads each side from its password file (first line), and names the side whose login fails', async () => {
    const good = path.join(dir, 'alice.pw');
    const bad = path.join(dir, 'bob.pw');
    fs.writeFileSync(good, 'alicepass\n', { mode: 0o600 });
    fs.writeFileSync(bad, 'wrong\n', { mode: 0o600 });
    const r = await run(['migrate', '--from', local('alice'), '--from-password-file', good, '--to', local('bob'), '--to-password-file', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tern: Destination account: imap server 127\.0\.0\.1:\d+ refused the login for bob/);
    expect(r.stderr).not.toMatch(/Source account/);
    expect(r.stderr).not.toContain('alicepass');
  });

  it('a password file that is missing, empty or of several lines: one line naming the option, exit 2', async () => {
    const empty = path.join(dir, 'empty.pw');
    const twoLines = path.join(dir, 'two.pw');
    fs.writeFileSync(empty, '');
    fs.writeFileSync(twoLines, 'one\ntwo\n');
    const missing = await run(['migrate', '--from', local('alice'), '--from-password-file', path.join(dir, 'nope'), '--to', local('bob')]);
    expect(missing).toMatchObject({ code: 2, stderr: `tern: Cannot read --from-password-file ${path.join(dir, 'nope')}: there is no such file.\n` });
    const none = await run(['migrate', '--from', local('alice', 'alicepass'), '--to', local('bob'), '--to-password-file', empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--to-password-file .*empty\.pw is empty: put the destination password in it/);
    const several = await run(['import-pst', path.join(dir, 'x.pst'), '--to', local('bob'), '--to-password-file', twoLines]);
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/--to-password-file .*two\.pw has more than one line/);
  });

  it('a password in the URL draws no warning in a script, whose stderr stays as it was', async () => {
    const r = await run(['migrate', '--from', local('alice', 'alicepass'), '--to', local('bob', 'wrong')]);
    expect(r.stderr).toMatch(/^tern: Destination account: .*refused the login for bob/);
    expect(r.stderr).not.toMatch(/warning/);
  });

  it('without a password on a script (no terminal), says where to put one', async () => {
    const r = await run(['migrate', '--from', local('alice'), '--to', local('bob')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tern: No password for the source account alice: set TERN_FROM_PASSWORD, give --from-password-file, or type it when asked on a terminal.\n');
  });

  it('asks on a terminal, without echoing what is typed', async () => {
    const tty = onTerminal(['migrate', '--from', local('alice'), '--to', local('bob')]);
    await tty.waitFor(/Password for the source account alice: /);
    tty.type('alicepass\r');
    await tty.waitFor(/Password for the destination account bob: /);
    tty.type('typedwrong\r');
    const code = await tty.exit;
    const out = tty.output();
    expect(out).toMatch(/Destination account: imap server 127\.0\.0\.1:\d+ refused the login for bob/);
    expect(out).not.toMatch(/Source account:/);
    expect(out).not.toContain('alicepass');
    expect(out).not.toContain('typedwrong');
    expect(code).toBe(1);
  }, 60_000);

  it('asks a graph: account for its access token on a terminal, without echo', async () => {
    const closed = await freePort();
    const tty = onTerminal(['migrate', '--from', `graph+http://ann%40m365.test@127.0.0.1:${closed}`, '--to', local('bob')]);
    await tty.waitFor(/Access token for the source account ann@m365\.test: /);
    tty.type('tok-secret-123\r');
    await tty.waitFor(/Password for the destination account bob: /);
    tty.type('bobpass\r');
    const code = await tty.exit;
    expect(tty.output()).not.toContain('tok-secret-123');
    expect(tty.output()).not.toContain('bobpass');
    expect(code).toBe(1);
  }, 60_000);

  it('on a terminal, warns that a password written in the URL is visible in the process list', async () => {
    const tty = onTerminal(['migrate', '--from', local('alice', 'alicepass'), '--to', local('bob', 'wrong')]);
    expect(await tty.exit).toBe(1);
    expect(tty.output()).toMatch(/warning: the source password is in the --from URL, where any local user can read it in the process list; use TERN_FROM_PASSWORD, --from-password-file or the prompt instead/);
    expect(tty.output()).toMatch(/warning: the destination password is in the --to URL/);
    expect(tty.output()).toMatch(/Destination account: .*refused the login for bob/);
  }, 60_000);
});

/** The real binary on a pseudo-terminal (util-linux `script`): what it prints, and keys typed into it. */
function onTerminal(args: string[]) {
  const command = ['node', 'bin/tern.js', ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: projectRoot, env: { ...process.env, ...env, TERN_FROM_PASSWORD: '', TERN_TO_PASSWORD: '' } });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  return {
    output: () => out,
    type: (keys: string) => child.stdin.write(keys),
    exit: new Promise<number | null>((resolve) => child.once('close', resolve)),
    async waitFor(re: RegExp) {
      for (let i = 0; i < 600 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(re);
    },
  };
}

describe('TLS to an IP address', () => {
  it('imaps://<IP> connects without a deprecation warning (no SNI for an address)', async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-subj', '/CN=localhost', '-days', '1'], { stdio: 'ignore' });
    let sni: string | false | null | undefined;
    // A TLS listener that greets as IMAP and refuses every login: enough for the login check.
    const server = tls.createServer({ key: fs.readFileSync(`${dir}/key.pem`), cert: fs.readFileSync(`${dir}/cert.pem`) }, (socket) => {
      sni = socket.servername;
      socket.write('* OK IMAP ready\r\n');
      socket.on('data', (d) => socket.write(`${d.toString().split(' ')[0]} NO [AUTHENTICATIONFAILED] refused\r\n`));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const url = `imaps://alice:pw@127.0.0.1:${port}?insecure=1`;
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['bin/tern.js', 'migrate', '--from', url, '--to', `imaps://bob:pw@127.0.0.1:${port}?insecure=1`], { cwd: projectRoot, env: { ...process.env, ...env } });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.once('close', (code) => resolve({ code, stderr }));
      });
      expect(r.stderr).toMatch(/Source account: imap server 127\.0\.0\.1:\d+ refused the login for alice/);
      expect(r.stderr).not.toMatch(/DeprecationWarning|DEP0123/);
      expect(sni).toBe(false);
      expect(r.code).toBe(1);
    } finally {
      server.close();
    }
  }, 60_000);
});
