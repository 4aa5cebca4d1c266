// A long-running `tern` process (start, worker) spawned as an operator runs it, for tests that
// signal it: everything it printed, its JSON log records, and its exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from './tern';

export interface TernProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** The JSON log lines so far (LOG_LEVEL info or lower), parsed. */
  logs(): Array<Record<string, unknown> & { msg: string }>;
  /** Resolves with the exit code once the process and any process it started that shares its output are gone. */
  exited: Promise<number | null>;
}

export function spawnTern(args: string[], env: Record<string, string | undefined>): TernProcess {
  const child = spawn(process.execPath, ['bin/tern.js', ...args], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    logs: () => output.split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line)] : [])),
    exited,
  };
}
