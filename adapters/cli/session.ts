import os from 'node:os';
import { loadConfig, type Config } from '../../src/config';
import { createLogger, type Logger } from '../../src/log';
import { openRuntime, type Runtime } from '../../src/service/runtime';
import { TernService } from '../../src/service/service';
import type { Actor } from '../../src/service/actor';
import type { CliIo } from './io';

/** What every CLI command works with. The local operator is an administrator: they hold the store. */
export interface CliSession {
  io: CliIo;
  config: Config;
  log: Logger;
  runtime: Runtime;
  service: TernService;
  actor: Actor;
}

export async function withSession<T>(io: CliIo, fn: (s: CliSession) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const log = createLogger(config.logLevel, { pretty: Boolean(io.terminal), destination: io.logs });
  const runtime = await openRuntime(config, log);
  const user = os.userInfo().username;
  try {
    return await fn({ io, config, log, runtime, service: new TernService(runtime), actor: { id: `cli:${user}`, label: user, admin: true } });
  } finally {
    await runtime.close();
  }
}
