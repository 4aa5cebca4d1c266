import os from 'node:os';
import { loadConfig, type Config } from '../../src/config';
import { createLogger, type Logger } from '../../src/log';
import { openRuntime, type Runtime } from '../../src/service/runtime';
import { TernService } from '../../src/service/service';
import type { Actor } from '../../src/service/actor';
import { TernError } from '../../src/errors';

/** What every CLI command works with. The local operator is an administrator: they hold the store. */
export interface CliSession {
  config: Config;
  log: Logger;
  runtime: Runtime;
  service: TernService;
  actor: Actor;
}

export async function withSession<T>(fn: (s: CliSession) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const runtime = await openRuntime(config, log);
  const user = os.userInfo().username;
  try {
    return await fn({ config, log, runtime, service: new TernService(runtime), actor: { id: `cli:${user}`, label: user, admin: true } });
  } finally {
    await runtime.close();
  }
}

/** One clear line on stderr and a non-zero exit; a stack only for real bugs (in the log). */
export function reportError(err: unknown): number {
  if (err instanceof TernError) {
    process.stderr.write(`tern: ${err.userMessage}\n`);
    if (err.code === 'INTERRUPTED') return 130;
    return err.code === 'FORBIDDEN' || err.code === 'TASK_NOT_FOUND' || err.code.startsWith('BAD_') || err.code.startsWith('UNSUPPORTED') || err.code === 'CONFIG_INVALID' ? 2 : 1;
  }
  process.stderr.write(`tern: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 70;
}
