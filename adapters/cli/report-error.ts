import { TernError } from '../../src/errors';
import type { CliIo } from './io';

/** One clear line on stderr and a non-zero exit; a stack only for real bugs (in the log). */
export function reportError(io: CliIo, err: unknown): number {
  if (err instanceof TernError) {
    io.stderr(`tern: ${err.userMessage}\n`);
    if (err.code === 'INTERRUPTED') return 130;
    return err.code === 'FORBIDDEN' || err.code === 'TASK_NOT_FOUND' || err.code.startsWith('BAD_') || err.code.startsWith('UNSUPPORTED') || err.code === 'CONFIG_INVALID' ? 2 : 1;
  }
  io.stderr(`tern: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 70;
}
