// A throw-away PostgreSQL for tests: initdb + pg_ctl in a temp dir, on a free loopback port, with
// durability off (fsync, synchronous_commit, full_page_writes: a test's data need not survive a
// crash). Never the machine's own service on 5432: CI may not have one. One server per vitest
// worker process (testPostgres(), started lazily, stopped at exit); each test gets a fresh
// database from createDatabase(), which costs a CREATE DATABASE, not a server.
import { execFile, execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

export interface TestPostgres {
  /** postgres://tern:…@127.0.0.1:PORT/postgres (the maintenance database). */
  url: string;
  port: number;
  /** A new empty database (a unique name when none is given); resolves with its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

const INSTALL_HINT = 'apt-get install -y postgresql (or run scripts/test-deps.sh)';
const MAX_ATTEMPTS = 5;
const USER = 'tern';

/** The directory holding initdb and pg_ctl: initdb's own (on PATH), else the newest /usr/lib/postgresql/N/bin. */
function binDir(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const initdb = dir && path.join(dir, 'initdb');
    if (initdb && fs.existsSync(initdb)) return path.dirname(fs.realpathSync(initdb));
  }
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin/initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error(`PostgreSQL's initdb was not found (PATH, /usr/lib/postgresql/*/bin): ${INSTALL_HINT}`);
  return path.join(root, versions[0]!, 'bin');
}

/** The server refuses to run as root: as root, run its tools as the `postgres` user. */
const asRoot = process.getuid?.() === 0;

function command(bin: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

function run(bin: string, args: string[]): Promise<{ code: number; out: string }> {
  const [cmd, argv] = command(bin, args);
  return new Promise((resolve) => {
    execFile(cmd, argv, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` || (err ? String(err.message) : '') });
    });
  });
}

/** Makes `p` (file or dir) the postgres user's when running as root. */
function own(p: string): void {
  if (!asRoot) return;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  fs.chownSync(p, uid, gid);
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

/** Starts a new server (its own temp dir and port). Prefer testPostgres(), shared by the worker. */
export async function startPostgres(): Promise<TestPostgres> {
  if (asRoot) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      throw new Error(`Running as root, PostgreSQL needs the "postgres" user to run as: ${INSTALL_HINT}`);
    }
  }
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-pg-'));
  fs.chmodSync(dir, 0o700);
  own(dir);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const password = crypto.randomBytes(12).toString('hex');
  const pwfile = path.join(dir, 'pwfile');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  own(pwfile);

  const init = await run(path.join(bin, 'initdb'), ['-D', data, '-U', USER, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  fs.rmSync(pwfile, { force: true });
  if (init.code !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (exit ${init.code}): ${init.out.slice(-2000)}`);
  }
  // Test-only settings: durability off (speed), the socket in the temp dir (no /var/run needed),
  // connections enough for every store pool a test file opens.
  fs.appendFileSync(path.join(data, 'postgresql.conf'), ['', 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`, 'max_connections = 300', ''].join('\n'));

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = await run(path.join(bin, 'pg_ctl'), ['start', '-w', '-t', '60', '-D', data, '-l', log, '-o', `-p ${port}`]);
    if (started.code === 0) return running(bin, dir, data, port, password);
    const why = tail(log);
    if (!/could not bind|address already in use/i.test(why) || attempt === MAX_ATTEMPTS) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`PostgreSQL did not start on 127.0.0.1:${port} (attempt ${attempt}): ${started.out}\n${why}`);
    }
  }
}

function running(bin: string, dir: string, data: string, port: number, password: string): TestPostgres {
  const base = `postgres://${USER}:${password}@127.0.0.1:${port}`;
  const pgCtl = path.join(bin, 'pg_ctl');
  let stopped = false;
  // A watchdog outlives a worker killed outright (no exit handler runs) and stops the server then.
  const [wcmd, wargs] = command('/bin/sh', ['-c', `while [ -d /proc/${process.pid} ]; do sleep 2; done; "${pgCtl}" stop -D "${data}" -m immediate >/dev/null 2>&1; rm -rf "${dir}"`]);
  const watchdog = spawn(wcmd, wargs, { detached: true, stdio: 'ignore' });
  watchdog.unref();
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    const [cmd, argv] = command(pgCtl, ['stop', '-D', data, '-m', 'immediate']);
    try {
      execFileSync(cmd, argv, { stdio: 'ignore' });
    } catch {
      // already down
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopNow);
  let n = 0;
  return {
    url: `${base}/postgres`,
    port,
    async createDatabase(name) {
      const db = name ?? `t_${process.pid}_${++n}_${crypto.randomBytes(3).toString('hex')}`;
      if (!/^[a-z_][a-z0-9_]*$/.test(db)) throw new Error(`createDatabase: "${db}" is not a plain lower-case name`);
      // Loaded here, not at the top: the benchmark's Tern imports this file, and `pg` would add to its memory.
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${db}`);
      } finally {
        await client.end();
      }
      return `${base}/${db}`;
    },
    async stop() {
      process.removeListener('exit', stopNow);
      stopNow();
    },
  };
}

let shared: Promise<TestPostgres> | undefined;

/** The worker process's server, started on first use and stopped when the process exits. */
export function testPostgres(): Promise<TestPostgres> {
  if (!shared) {
    shared = startPostgres();
    shared.catch(() => (shared = undefined)); // a failed start is retried by the next caller
  }
  return shared;
}

/**
 * `TEST_STORE=postgres npx vitest run` runs the tests that start Tern (test/support/tern.ts) on
 * PostgreSQL: vitest's global setup (postgres-global.ts) starts one server for the run and passes
 * its URL down in TEST_POSTGRES_URL. Each data folder gets its own database, made synchronously
 * (ternEnv is synchronous) and the same again for the same folder (a Tern restarted on it).
 */
const databasesByDir = new Map<string, string>();

export function databaseForDataDir(dataDir: string): string | undefined {
  const server = process.env.TEST_POSTGRES_URL;
  if (!server) return undefined;
  let url = databasesByDir.get(dataDir);
  if (!url) {
    const name = `d_${process.pid}_${databasesByDir.size + 1}_${crypto.randomBytes(3).toString('hex')}`;
    execFileSync(path.join(binDir(), 'createdb'), [`--maintenance-db=${server}`, name], { stdio: ['ignore', 'ignore', 'pipe'] });
    const u = new URL(server);
    u.pathname = `/${name}`;
    url = u.toString();
    databasesByDir.set(dataDir, url);
  }
  return url;
}

