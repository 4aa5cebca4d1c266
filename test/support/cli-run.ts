// Runs `tern …` in this process through the CLI's main(), with its own environment and output, as
// bin/tern.js would; `onStderr` sees what it prints as it prints it (a sign-in code, say).
import { main } from '../../adapters/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: Record<string, string>, opts: { onStderr?: (text: string) => void; interactive?: boolean } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    env: { PATH: process.env.PATH, ...env },
    stdout: (s: string) => void (stdout += s),
    stderr: (s: string) => {
      stderr += s;
      opts.onStderr?.(s);
    },
    logs: { write: (s: string) => void (stderr += s) },
    // A person at a terminal (who would be asked for what is missing).
    ...(opts.interactive ? { askSecret: async () => Promise.reject(new Error('no password is asked for in this test')) } : {}),
  };
  const code = await main(['node', 'tern', ...args], io);
  return { code, stdout, stderr };
}

/** Runs the CLI; when it shows a sign-in code, `answer` acts on it (as the person at the browser). */
export async function runCliAnsweringCodes(args: string[], env: Record<string, string>, answer: (code: string, said: string) => Promise<void>, interactive = false): Promise<CliRun & { codes: number }> {
  const answered: Promise<void>[] = [];
  const r = await runCli(args, env, {
    interactive,
    onStderr: (text) => {
      const code = /enter the code (\S+?)[ .(]/.exec(text)?.[1];
      if (code) answered.push(answer(code, text));
    },
  });
  await Promise.all(answered);
  return { ...r, codes: answered.length };
}
