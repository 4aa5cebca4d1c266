// The real `tern` binary (node bin/tern.js) run from the project root with extra environment:
// its exit code and everything it printed. A run that outlives 90 s is killed.
import { spawn } from 'node:child_process';
import { projectRoot } from './tern';

export function runTernBinary(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/tern.js', ...args], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The last line of stdout as JSON (`--json` prints the task last). */
export const lastJson = (out: string) => JSON.parse(out.trim().split('\n').pop()!);
