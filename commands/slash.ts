import { normalizeTaskId } from '../src/ids';

/**
 * The text after /migrate, as every chat surface takes it: nothing opens the form; otherwise a
 * subcommand. Anything else comes back as usage, saying what to type.
 */
export type SlashRequest =
  | { kind: 'form' }
  | { kind: 'status'; taskId: string; sourceEmail?: string }
  | { kind: 'cancel'; taskId: string }
  | { kind: 'rollback'; taskId: string }
  | { kind: 'retry'; taskId: string }
  | { kind: 'list' }
  | { kind: 'help' }
  | { kind: 'usage'; message: string };

export const USAGE = [
  '`/migrate` opens the migration form',
  '`/migrate status <task-id> <source-email>` shows a task (the source address is needed for tasks someone else started)',
  '`/migrate cancel <task-id>` finishes the folder in progress, then stops',
  '`/migrate rollback <task-id>` removes from the destination what the task created',
  '`/migrate retry <task-id>` tries again what an ended task did not copy (plus what arrived since)',
  '`/migrate list` lists your tasks',
  '`/migrate help` shows this',
];

export function parseSlash(text: string): SlashRequest {
  const [sub = '', ...args] = text.trim().split(/\s+/).filter(Boolean);
  const word = sub.toLowerCase();
  const usage = (message: string): SlashRequest => ({ kind: 'usage', message: `${message}\n${USAGE.join('\n')}` });
  const id = (raw: string | undefined, cmd: string) => {
    if (!raw) return { error: usage(`Give the task ID: \`/migrate ${cmd} T-XXXXXXXX\`.`) };
    const taskId = normalizeTaskId(raw);
    return taskId ? { taskId } : { error: usage(`"${raw}" is not a task ID: task IDs look like T-7K3M9QXA.`) };
  };
  switch (word) {
    case '':
    case 'start':
      return { kind: 'form' };
    case 'list':
      return { kind: 'list' };
    case 'help':
      return { kind: 'help' };
    case 'status': {
      const r = id(args[0], 'status');
      return 'error' in r ? r.error! : { kind: 'status', taskId: r.taskId!, sourceEmail: args[1] };
    }
    case 'cancel':
    case 'rollback':
    case 'retry': {
      const r = id(args[0], word);
      return 'error' in r ? r.error! : { kind: word, taskId: r.taskId! };
    }
    default:
      return usage(`Unknown subcommand "${sub}".`);
  }
}
