import { Command } from 'commander';
import { withSession, reportError, type CliSession } from './session';
import { taskJson, taskLine, taskText } from './render';
import { TaskProgressBar } from './progress';
import { migrate } from '../../commands/migrate';
import { importPstFile } from '../../commands/import-pst';
import { status } from '../../commands/status';
import { list } from '../../commands/list';
import { cancel } from '../../commands/cancel';
import { rollback } from '../../commands/rollback';
import { help } from '../../commands/help';
import { detect, candidateLine } from '../../commands/detect';
import { registerCommands } from '../discord/app';
import { loadConfig } from '../../src/config';
import { TernError } from '../../src/errors';
import { isEnded, type TaskView } from '../../src/task';
import { runWorkerUntilSignal } from './worker';

const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

/**
 * Follows a task to its end; runs a worker in this process when none is running. Ctrl-C or
 * SIGTERM stop following (the session then closes cleanly, private Redis included) and the task
 * resumes in the next worker.
 */
async function followTask(s: CliSession, id: string, done: (t: TaskView) => boolean, showBar: boolean): Promise<TaskView> {
  const bar = showBar && process.stderr.isTTY ? new TaskProgressBar() : undefined;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  // Listening first: loading and starting the worker takes a moment, and Ctrl-C meanwhile must stop as cleanly.
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let worker: Awaited<ReturnType<typeof s.service.startWorker>> | undefined;
  try {
    if (!(await s.service.workersRunning())) worker = await s.service.startWorker();
    return await s.service.follow(id, done, (t) => bar?.update(t), stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    bar?.stop();
    // Interrupted: do not wait for the task; its job is picked up again by the next worker.
    await worker?.close(stop.signal.aborted);
  }
}

/** After `migrate` or `import-pst`: the task ID, then (unless --detach) the task followed to its end. Exit 0 only for completed. */
async function followCreated(s: CliSession, task: TaskView, o: { json?: boolean; detach?: boolean }): Promise<number> {
  (o.json ? err : out)(`Task ${task.id} created: ${task.source} -> ${task.destination}`);
  for (const d of task.detected ?? []) err(`  ${d}`);
  if (o.detach) {
    if (o.json) out(JSON.stringify(taskJson(task)));
    return 0;
  }
  const final = await followTask(s, task.id, (t) => isEnded(t.status), true);
  printTask(final, Boolean(o.json));
  return final.status === 'completed' ? 0 : 1;
}

function printTask(t: TaskView, json: boolean): void {
  if (json) out(JSON.stringify(taskJson(t)));
  else out(taskText(t));
}

export function buildProgram(setExit: (code: number) => void): Command {
  // Actions resolve to an exit code; commander itself only knows success or failure.
  const act =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) =>
      setExit(await fn(...args));
  const program = new Command('tern').description('Tern moves whole mailboxes between accounts.').showHelpAfterError(false);
  program.configureOutput({ writeErr: (str) => process.stderr.write(str.startsWith('error:') ? `tern: ${str}` : str) });

  program
    .command('migrate')
    .description('check both accounts, create a migration task and follow it to its end')
    .requiredOption('--from <url>', 'source account: imap[s]://user@host[:port] or pop3[s]://…')
    .requiredOption('--to <url>', 'destination account: imap[s]://user@host[:port]')
    .option('--items <list>', `what to move, comma-separated (${help().items.join(', ')})`, 'emails')
    .option('--notify <email>', 'e-mail address to notify when the task ends')
    .option('--detach', 'return once the task is queued')
    .option('--json', 'print the final task as JSON on stdout')
    .action(
      act((o) =>
        withSession(async (s) => {
        const env = s.config.passwords;
        const task = await migrate(s.service, { from: o.from, to: o.to, items: o.items, notify: o.notify, fromPassword: env.from, toPassword: env.to }, s.actor);
        return followCreated(s, task, o);
      })),
    );

  program
    .command('import-pst <file>')
    .description('import a .pst file (mail, and for Exchange contacts, groups, calendar, tasks) into a mailbox and follow it')
    .requiredOption('--to <url>', 'destination account: imap[s]://user@host[:port]')
    .option('--items <list>', `what to import, comma-separated (${help().items.join(', ')})`, 'emails')
    .option('--notify <email>', 'e-mail address to notify when the task ends')
    .option('--detach', 'return once the task is queued')
    .option('--json', 'print the final task as JSON on stdout')
    .action(
      act((file, o) =>
        withSession(async (s) => {
        const task = await importPstFile(s.service, { file, to: o.to, items: o.items, notify: o.notify, toPassword: s.config.passwords.to }, s.actor);
        return followCreated(s, task, o);
      })),
    );

  program
    .command('detect <email>')
    .description("find an address's mail servers: presets, autoconfig, DNS SRV, Exchange Autodiscover (with TERN_FROM_PASSWORD), probed guesses")
    .option('--json', 'print the candidates and notes as JSON')
    .action(
      act((email, o) =>
        withSession(async (s) => {
          const found = await detect(s.service, { email, password: s.config.passwords.from });
          if (o.json) out(JSON.stringify(found));
          else {
            out(found.candidates.length ? `Servers for ${found.email}, best first:` : `No server found for ${found.email}.`);
            found.candidates.forEach((c, i) => out(`  ${i + 1}. ${candidateLine(c)}`));
            for (const note of found.notes) out(`  note: ${note}`);
          }
          return found.candidates.length ? 0 : 1;
        }),
      ),
    );

  program
    .command('status <id>')
    .description("show a task's state, counters and per-folder report")
    .option('--email <address>', "the task's source address (to follow someone else's task)")
    .option('--json', 'print the task as JSON')
    .action(
      act((id, o) =>
        withSession(async (s) => {
        printTask(status(s.service, { taskId: id, sourceEmail: o.email }, s.actor), Boolean(o.json));
        return 0;
      })),
    );

  program
    .command('list')
    .description('list tasks, newest first')
    .option('--json', 'print the tasks as a JSON array')
    .action(
      act((o) =>
        withSession(async (s) => {
        const tasks = list(s.service, { all: true }, s.actor);
        if (o.json) out(JSON.stringify(tasks.map(taskJson)));
        else out(tasks.length ? tasks.map(taskLine).join('\n') : 'No tasks yet.');
        return 0;
      })),
    );

  program
    .command('cancel <id>')
    .description('finish the folder in progress, then stop the task')
    .action(
      act((id) =>
        withSession(async (s) => {
        const t = await cancel(s.service, { taskId: id }, s.actor);
        out(t.status === 'cancelled' ? `${t.id} cancelled.` : `${t.id} is cancelling: the folder in progress is finished first.`);
        return 0;
      })),
    );

  program
    .command('rollback <id>')
    .description('remove from the destination what the task created, and wait until done')
    .option('--json', 'print the final task as JSON')
    .option('--detach', 'return once the rollback is queued')
    .action(
      act((id, o) =>
        withSession(async (s) => {
        const t = await rollback(s.service, { taskId: id }, s.actor);
        (o.json ? err : out)(`Rolling back ${t.id}…`);
        if (o.detach) return 0;
        const final = await followTask(s, t.id, (x) => x.status !== 'rolling_back', false);
        printTask(final, Boolean(o.json));
        return final.status === 'rolled_back' ? 0 : 1;
      })),
    );

  program
    .command('discord')
    .description('Discord set-up')
    .command('register')
    .description('register the /migrate application command (bulk overwrite: running it twice is harmless)')
    .option('--guild <id>', 'register in one server only (takes effect at once; global commands take up to an hour)')
    .action(
      act(async (o) => {
        const config = loadConfig();
        if (!config.discord) throw new TernError('CONFIG_INVALID', 'Set DISCORD_TOKEN and DISCORD_APPLICATION_ID first (Developer Portal → your application).');
        const count = await registerCommands(config.discord, o.guild);
        out(`Registered ${count} command(s) ${o.guild ? `in server ${o.guild}` : 'globally'}.`);
        return 0;
      }),
    );

  program
    .command('worker')
    .description('run a worker (add more on other machines against the same Redis)')
    .action(act(() => withSession((s) => runWorkerUntilSignal(s, 'worker'))));

  program
    .command('start')
    .description('run the chat bots that have tokens, plus a worker')
    .action(act(() => withSession((s) => runWorkerUntilSignal(s, 'start'))));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => (exitCode = code));
  program.exitOverride();
  program.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) return ce.exitCode === 0 ? 0 : 2;
    return reportError(e);
  }
  return exitCode;
}
