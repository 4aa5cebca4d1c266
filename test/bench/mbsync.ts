// The same migration done by mbsync (Debian package isync), for comparison. Optional: when mbsync
// is not installed the benchmark says so and goes on.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { machineCpu, watchProcess } from './measure';

interface Endpoint { host: string; port: number; user: string; password: string }

export interface ToolPass {
  wallMs: number;
  exitCode: number;
  peakRssMb?: number;
  cpuSeconds?: number;
  machineCores?: number;
}

/**
 * mbsync writes an "X-TUID: <12 characters>" header into every message it stores, to find it again
 * after the APPEND (even when the server has UIDPLUS): 22 bytes more per message at the destination.
 */
export const MBSYNC_TUID_BYTES = 22;

/** "isync 1.4.4", or undefined when mbsync is not on PATH. */
export function mbsyncVersion(): string | undefined {
  try {
    return execFileSync('mbsync', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/**
 * Far = source, Near = destination, pulled one way: new messages with their flags and arrival
 * dates (as Tern copies them), folders created at the destination, nothing expunged or removed.
 * The destination's namespace prefix ("INBOX.") goes into the Near store's Path.
 */
function config(source: Endpoint, destination: Endpoint, destinationPrefix: string, stateDir: string): string {
  const account = (name: string, e: Endpoint) =>
    [`IMAPAccount ${name}`, `Host ${e.host}`, `Port ${e.port}`, `User ${e.user}`, `Pass ${e.password}`, 'SSLType None', 'AuthMechs LOGIN', ''];
  return [
    ...account('source', source),
    'IMAPStore source', 'Account source', '',
    ...account('destination', destination),
    'IMAPStore destination', 'Account destination', ...(destinationPrefix ? [`Path ${destinationPrefix}`] : []), '',
    'Channel migrate', 'Far :source:', 'Near :destination:', 'Patterns *',
    'Sync Pull', 'Create Near', 'Remove None', 'Expunge None', 'CopyArrivalDate yes', `SyncState ${stateDir}/`, '',
  ].join('\n');
}

async function runOnce(configFile: string): Promise<ToolPass> {
  const machine = machineCpu();
  const t0 = performance.now();
  const child = spawn('mbsync', ['-q', '-c', configFile, 'migrate'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const watch = watchProcess(child.pid!);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exitCode = await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const wallMs = performance.now() - t0;
  if (exitCode !== 0) process.stderr.write(`mbsync exited with ${exitCode}:\n${stderr}\n`);
  return { wallMs, exitCode, ...watch.stop(), machineCores: machine.stop() };
}

/** A first sync and a second (delta) one, each timed. */
export async function runMbsync(source: Endpoint, destination: Endpoint, destinationPrefix: string): Promise<{ first: ToolPass; delta: ToolPass }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tern-bench-mbsync-'));
  try {
    const configFile = path.join(dir, 'mbsyncrc');
    await fs.mkdir(path.join(dir, 'state'));
    await fs.writeFile(configFile, config(source, destination, destinationPrefix, path.join(dir, 'state')), { mode: 0o600 });
    const first = await runOnce(configFile);
    const delta = await runOnce(configFile);
    return { first, delta };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
