// A throw-away Dovecot per test file, driven by the shared scripts in ../shared/dovecot
// (see its README). Nothing here copies those scripts; the 'dot-inbox-prefix' flavour only
// patches the generated DIR/dovecot.conf and restarts the daemon.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePortPair } from './ports';

export type DovecotFlavour = 'slash' | 'dot-inbox-prefix';

export interface DovecotServer {
  dir: string;
  host: '127.0.0.1';
  imapPort: number;
  pop3Port: number;
  flavour: DovecotFlavour;
  separator: '/' | '.';
  prefix: '' | 'INBOX.';
  addUser(name: string, password: string): Promise<void>;
  stop(): Promise<void>;
  doveadm(args: string[]): Promise<string>;
  /** Stops the server (every connection dropped, new ones refused) for `ms`, then starts it again on the same ports with its mail. */
  down(ms: number): Promise<void>;
  /** A server started with `maxMailKb`: takes messages up to this size from now on (restarted, mail kept). */
  setMaxMailKb(kb: number): Promise<void>;
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scriptsDir = path.resolve(projectRoot, '../shared/dovecot');
const startScript = path.join(scriptsDir, 'start.sh');
const stopScript = path.join(scriptsDir, 'stop.sh');

const DEFAULT_USERS = 'alice:alicepass bob:bobpass carol:carolpass';
const INSTALL_HINT = 'apt-get install -y dovecot-imapd dovecot-pop3d';
const MAX_ATTEMPTS = 5;

interface RunResult { code: number; stdout: string; stderr: string }

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (err && !stdout ? String(err.message) : '') });
    });
  });
}

function onPath(bin: string): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/sbin', '/sbin']);
  return dirs.some((d) => d && existsSync(path.join(d, bin)));
}

async function logTail(dir: string): Promise<string> {
  const log = await fs.readFile(path.join(dir, 'log/dovecot.log'), 'utf8').catch(() => '');
  return log.split('\n').slice(-30).join('\n');
}

/** A Dovecot master running in the foreground as our child process. */
interface Master { pid: number | undefined; exited: Promise<number>; hasExited(): boolean }

/**
 * Run the master in the foreground (start.sh's documented DOVECOT_FOREGROUND=1 mode, or
 * `dovecot -F` directly) instead of daemonized. A daemonized master is orphaned to PID 1 and
 * stop.sh waits until it is reaped, which takes seconds when PID 1 reaps lazily (2-8 s per stop
 * in our sandbox); as our child it is reaped at once. Output goes to DIR/log/start.err, as
 * start.sh does.
 */
function spawnMaster(dir: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Master {
  mkdirSync(path.join(dir, 'log'), { recursive: true }); // start.sh creates it too, but only once running
  const fd = openSync(path.join(dir, 'log/start.err'), 'a');
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd); // the child holds its own copy
  child.unref(); // a forgotten stop() must not keep the test process alive (the exit hook kills it)
  let done = false;
  const exited = new Promise<number>((resolve) => {
    child.once('error', () => { done = true; resolve(127); });
    child.once('exit', (code) => { done = true; resolve(code ?? 1); });
  });
  return { pid: child.pid, exited, hasExited: () => done };
}

/**
 * Wait until our master has written DIR/run/master.pid with its own pid. Dovecot writes it
 * only after binding the IMAP/POP3 listeners (checked with strace), so from then on both ports
 * accept connections, and a port held by someone else cannot pass for ours. We deliberately do
 * not probe the ports with a connection: a stop.sh within a moment of such a probe makes the
 * master wait 5 s for the login process handling it (seen as 6 s instead of 1 s stops).
 * Returns 'exited' if the master died first, e.g. because a port was taken.
 */
async function waitReady(dir: string, master: Master, timeoutMs = 20_000): Promise<'ready' | 'exited'> {
  const deadline = Date.now() + timeoutMs;
  const pidFile = path.join(dir, 'run/master.pid');
  while (Date.now() < deadline) {
    if (master.hasExited()) return 'exited';
    const pid = await fs.readFile(pidFile, 'utf8').catch(() => '');
    if (pid.trim() === String(master.pid)) return 'ready';
    await new Promise((r) => setTimeout(r, 20));
  }
  await run(stopScript, [dir]);
  throw new Error(`dovecot did not come up within ${timeoutMs} ms:\n${await logTail(dir)}`);
}

/** After the master exited during start-up: 'port-taken' (caller retries) or a thrown error. */
async function startFailure(dir: string, master: Master, what: string): Promise<'port-taken'> {
  const code = await master.exited;
  const err = await fs.readFile(path.join(dir, 'log/start.err'), 'utf8').catch(() => '');
  await fs.writeFile(path.join(dir, 'log/start.err'), ''); // keep the next attempt's check clean
  if (/address already in use/i.test(err)) return 'port-taken';
  throw new Error(`dovecot ${what} failed (exit ${code}):\n${err}\n${await logTail(dir)}`);
}

// Safety net: if a test file dies without calling stop(), don't leave daemons behind. Only the
// masters this process started are signalled, by their pid.
const running = new Set<string>();
process.once('exit', () => {
  for (const dir of running) {
    try {
      process.kill(Number(readFileSync(path.join(dir, 'run/master.pid'), 'utf8').trim()), 'SIGTERM');
    } catch { /* already gone */ }
  }
});

/**
 * Turn the shared config into a Courier-style one: Maildir++ on disk (set via
 * DOVECOT_MAIL_LOCATION at start) plus a namespace with separator '.' and prefix 'INBOX.'.
 * Only the `namespace inbox { ... }` block is touched.
 */
function patchDotInboxPrefix(conf: string): string {
  const start = conf.indexOf('namespace inbox {');
  if (start < 0) throw new Error('dovecot.conf: namespace inbox block not found');
  const end = conf.indexOf('\n}', start);
  const block = conf.slice(start, end);
  const patched = block
    .replace(/^(\s*)separator\s*=.*$/m, '$1separator = .')
    .replace(/^(\s*)prefix\s*=.*$/m, '$1prefix = INBOX.');
  if (!/separator = \.$/m.test(patched) || !/prefix = INBOX\.$/m.test(patched)) {
    throw new Error('dovecot.conf: could not patch separator/prefix in namespace inbox');
  }
  return conf.slice(0, start) + patched + conf.slice(end);
}

/**
 * A refused login is answered at once instead of after Dovecot's 2 s auth_failure_delay, which
 * guards real servers against password guessing: here it only slows the tests of wrong passwords.
 */
function withoutAuthDelay(conf: string): string {
  return `${conf.trimEnd()}\nauth_failure_delay = 0\n`;
}

/**
 * Sign-in by OAuth2 bearer token (SASL XOAUTH2 and OAUTHBEARER) besides passwords: Dovecot's
 * oauth2 passdb posts each token to the authorization server's introspection endpoint and takes
 * the user from its `sub` (or the named attribute), refusing a token without `scope`.
 */
export interface DovecotOauth2 {
  /** http://client:secret@host:port/path of the introspection endpoint. */
  introspectionUrl: string;
  /** The scope a token must hold (default "mail"). */
  scope?: string;
  /** The introspection field holding the user name (default "sub"). */
  usernameAttribute?: string;
  /** Offer only XOAUTH2 (as Microsoft's and Google's servers do), or no OAuth2 mechanism at all. */
  mechanisms?: 'both' | 'xoauth2' | 'none';
}

async function withOauth2(conf: string, dir: string, o: DovecotOauth2): Promise<string> {
  const mechs = { both: 'xoauth2 oauthbearer', xoauth2: 'xoauth2', none: '' }[o.mechanisms ?? 'both'];
  if (!mechs) return conf;
  const args = path.join(dir, 'dovecot-oauth2.conf.ext');
  await fs.writeFile(
    args,
    [
      'introspection_mode = post',
      `introspection_url = ${o.introspectionUrl}`,
      'force_introspection = yes',
      `username_attribute = ${o.usernameAttribute ?? 'sub'}`,
      'active_attribute = active',
      'active_value = true',
      `scope = ${o.scope ?? 'mail'}`,
      '',
    ].join('\n'),
  );
  const patched = conf.replace(/^auth_mechanisms = plain login$/m, `auth_mechanisms = plain login ${mechs}`);
  if (patched === conf) throw new Error('dovecot.conf: auth_mechanisms line not found');
  // The passwd-file checks passwords only; a bearer token goes to the oauth2 passdb alone.
  const passdb = 'passdb {\n  driver = passwd-file\n';
  if (!patched.includes(passdb)) throw new Error('dovecot.conf: passwd-file passdb not found');
  return patched.replace(passdb, `passdb {\n  driver = oauth2\n  mechanisms = ${mechs}\n  args = ${args}\n}\n${passdb}  mechanisms = plain login\n`);
}

interface Started { imapPort: number; pop3Port: number; master: Master }

/**
 * A storage quota per user (Dovecot's quota plugin, with IMAP QUOTA): a full mailbox refuses
 * APPENDs with [OVERQUOTA], as a real provider's does.
 */
function withQuota(conf: string, kb: number | undefined, maxMailKb?: number, advertise = true): string {
  const plugins = conf.replace(/^(instance_name = .*)$/m, '$1\nmail_plugins = $mail_plugins quota').replace('mail_plugins = $mail_plugins imap_zlib', 'mail_plugins = $mail_plugins imap_zlib imap_quota');
  if (plugins === conf || !plugins.includes('imap_quota')) throw new Error('dovecot.conf: could not add the quota plugin');
  // quota_max_mail_size refuses larger messages; Dovecot 2.3 does not advertise it, so the
  // capability says it too (RFC 7889 APPENDLIMIT), as providers that have a limit do.
  const rules = [kb !== undefined ? `  quota_rule = *:storage=${kb}k` : '  quota_rule = *:storage=0', maxMailKb !== undefined ? `  quota_max_mail_size = ${maxMailKb}k` : ''].filter(Boolean);
  const advertised = maxMailKb === undefined || !advertise ? '' : `imap_capability = +APPENDLIMIT=${maxMailKb * 1024}\n`;
  return `${plugins.trimEnd()}\n${advertised}plugin {\n  quota = maildir:User quota\n${rules.join('\n')}\n}\n`;
}

/**
 * Gmail's folder layout over IMAP, as imap.gmail.com lists it: INBOX and the labels at the top,
 * and under the \Noselect "[Gmail]" its system folders with their special uses (All Mail is \All,
 * Starred is \Flagged, Important is \Important, RFC 8457). The stock Sent/Drafts/Trash/Junk are
 * replaced by Gmail's. A message with several labels is in several folders, and in All Mail.
 */
function withGmailLayout(conf: string): string {
  const start = conf.indexOf('namespace inbox {');
  const end = conf.indexOf('\n}', start);
  if (start < 0 || end < 0) throw new Error('dovecot.conf: namespace inbox block not found');
  const gmail: Array<[string, string]> = [
    ['[Gmail]/All Mail', '\\All'],
    ['[Gmail]/Sent Mail', '\\Sent'],
    ['[Gmail]/Drafts', '\\Drafts'],
    ['[Gmail]/Spam', '\\Junk'],
    ['[Gmail]/Trash', '\\Trash'],
    ['[Gmail]/Starred', '\\Flagged'],
    ['[Gmail]/Important', '\\Important'],
  ];
  const block = conf.slice(start, end).replace(/\n  # Special-use[\s\S]*$/, '');
  const mailboxes = gmail.map(([name, use]) => `\n  mailbox "${name}" {\n    special_use = ${use}\n    auto = subscribe\n  }`).join('');
  return conf.slice(0, start) + block + mailboxes + conf.slice(end);
}

/**
 * `maxMailKb`: the largest message the server takes (Dovecot's quota_max_mail_size, advertised as
 * APPENDLIMIT): a larger one is refused, as a provider's message-size limit does. Change it later
 * with `setMaxMailKb`.
 */
interface StartOptions {
  users?: string;
  quotaKb?: number;
  maxMailKb?: number;
  /** false: the limit is not advertised (no APPENDLIMIT), so a larger message reaches the server and is refused in its words. */
  advertiseAppendLimit?: boolean;
  oauth2?: DovecotOauth2;
  gmail?: boolean;
}

async function tryStart(dir: string, flavour: DovecotFlavour, users: string, opts: StartOptions): Promise<Started | 'port-taken'> {
  const [imapPort, pop3Port] = await freePortPair();
  const env: NodeJS.ProcessEnv = { DOVECOT_USERS: users, DOVECOT_FOREGROUND: '1' };
  if (flavour === 'dot-inbox-prefix') env.DOVECOT_MAIL_LOCATION = 'maildir:~/Maildir';
  let master = spawnMaster(dir, startScript, [dir, String(imapPort), String(pop3Port)], env);
  if ((await waitReady(dir, master)) === 'exited') return startFailure(dir, master, 'start.sh');
  const confPath = path.join(dir, 'dovecot.conf');
  // start.sh always starts with the stock settings; no user has logged in yet, so stopping,
  // patching (namespace, quota, auth delay) and starting again leaves no mail stored under the old
  // layout. A restart rather than a reload: a reload lets old processes go away under new clients.
  await run(stopScript, [dir]);
  await master.exited;
  let conf = withoutAuthDelay(await fs.readFile(confPath, 'utf8'));
  if (flavour === 'dot-inbox-prefix') conf = patchDotInboxPrefix(conf);
  if (opts.quotaKb !== undefined || opts.maxMailKb !== undefined) conf = withQuota(conf, opts.quotaKb, opts.maxMailKb, opts.advertiseAppendLimit !== false);
  if (opts.oauth2) conf = await withOauth2(conf, dir, opts.oauth2);
  if (opts.gmail) conf = withGmailLayout(conf);
  await fs.writeFile(confPath, conf);
  master = spawnMaster(dir, 'dovecot', ['-F', '-c', confPath], {});
  if ((await waitReady(dir, master)) === 'exited') return startFailure(dir, master, 'restart');
  return { imapPort, pop3Port, master };
}

export async function startDovecot(flavour: DovecotFlavour, opts: StartOptions = {}): Promise<DovecotServer> {
  if (!onPath('dovecot')) throw new Error(`dovecot is not installed; run: ${INSTALL_HINT}`);
  // Under os.tmpdir() (/tmp) so the parents are world-searchable, as the unprivileged
  // dovecot processes require when we run as root; start.sh makes DIR itself 0755.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `tern-dovecot-${flavour}-`));
  let started: Started | undefined;
  try {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !started; attempt++) {
      const r = await tryStart(dir, flavour, opts.users ?? DEFAULT_USERS, opts);
      if (r !== 'port-taken') started = r;
    }
    if (!started) throw new Error(`dovecot: no free port pair after ${MAX_ATTEMPTS} attempts`);
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
  const { imapPort, pop3Port } = started;
  let master = started.master;
  running.add(dir);
  const conf = path.join(dir, 'dovecot.conf');

  const server: DovecotServer = {
    dir,
    host: '127.0.0.1',
    imapPort,
    pop3Port,
    flavour,
    separator: flavour === 'slash' ? '/' : '.',
    prefix: flavour === 'slash' ? '' : 'INBOX.',
    // Dovecot re-reads the passwd-file when it changes, but stats it at most once per
    // wall-clock second (db-passwd-file.c: last_sync_time == ioloop_time). A login in the
    // same second as an earlier lookup would see the old file ("unknown user"), so resolve
    // only once the second has rolled over.
    async addUser(name, password) {
      await fs.appendFile(path.join(dir, 'users'), `${name}:{PLAIN}${password}::::::\n`);
      const nextSecond = (Math.floor(Date.now() / 1000) + 1) * 1000;
      await new Promise((r) => setTimeout(r, nextSecond - Date.now() + 20));
    },
    async doveadm(args) {
      const r = await run('doveadm', ['-c', conf, ...args]);
      if (r.code !== 0) throw new Error(`doveadm ${args.join(' ')} failed (exit ${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    async down(ms) {
      // Its processes too: a stopped master leaves the sessions it spawned serving their clients.
      const children = (await run('ps', ['-o', 'pid=', '--ppid', String(master.pid)])).stdout.split(/\s+/).filter(Boolean).map(Number);
      const r = await run(stopScript, [dir]);
      for (const pid of children) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone already */
        }
      }
      if (r.code !== 0) throw new Error(`dovecot stop.sh failed: ${r.stderr}`);
      await master.exited;
      await new Promise((resolve) => setTimeout(resolve, ms));
      master = spawnMaster(dir, 'dovecot', ['-F', '-c', conf], {});
      if ((await waitReady(dir, master)) === 'exited') throw new Error(`dovecot did not come back:\n${await logTail(dir)}`);
    },
    async setMaxMailKb(kb) {
      const text = await fs.readFile(conf, 'utf8');
      const changed = text.replace(/quota_max_mail_size = \d+k/, `quota_max_mail_size = ${kb}k`).replace(/APPENDLIMIT=\d+/, `APPENDLIMIT=${kb * 1024}`);
      if (changed === text) throw new Error('dovecot.conf: no quota_max_mail_size to change (start with maxMailKb)');
      await fs.writeFile(conf, changed);
      await server.down(0);
    },
    async stop() {
      if (!running.has(dir)) return;
      const r = await run(stopScript, [dir]);
      if (r.code !== 0) throw new Error(`dovecot stop.sh failed: ${r.stderr}`);
      await master.exited;
      running.delete(dir);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}
