/**
 * What one CLI run reads its settings from and writes to: the process's own, or a test's (which
 * runs commands in its own process and collects what they print).
 */
export interface CliIo {
  /** The settings: process.env (then `.env` is read too), or a test's variables. */
  env: NodeJS.ProcessEnv;
  /** Raw text: the caller adds the newlines. */
  stdout(text: string): void;
  stderr(text: string): void;
  /** Where logs go: file descriptor 2, written synchronously so that no line is lost at exit, or a test's writer. */
  logs: number | { write(line: string): void };
  /** stderr when it is a terminal: the progress bar draws on it and logs are pretty. */
  terminal?: NodeJS.WriteStream;
  /** Asks for a secret without echoing it; only when stdin and stderr are terminals (never in scripts). */
  askSecret?(prompt: string): Promise<string>;
}

export function processIo(): CliIo {
  return {
    env: process.env,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    logs: 2,
    terminal: process.stderr.isTTY ? process.stderr : undefined,
    askSecret:
      process.stdin.isTTY && process.stderr.isTTY
        ? async (prompt) => {
            const typed = await (await import('read')).read({ prompt, silent: true, replace: '', input: process.stdin, output: process.stderr });
            process.stderr.write('\n');
            return typed;
          }
        : undefined,
  };
}
