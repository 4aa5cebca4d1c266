import { Command, Option } from 'commander';
import { ITEM_NAMES, accountUrlForms } from '../../commands/help';
import { TernError } from '../../src/errors';
import { processIo, type CliIo } from './io';
import { reportError } from './report-error';
import type { CliSession } from './session';
import { migrateRequestOf, optionsOf, withMigrateOptions, withSelectionOptions, type MigrateFlags } from './migrate-request';

// Each action imports what it needs when it runs, so that `tern --help`, `status` or `list` never
// load the chat SDKs, the worker or the connectors (DESIGN: each command loads only what it needs).

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  // Actions resolve to an exit code; commander itself only knows success or failure.
  const act =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) =>
      setExit(await fn(...args));
  const session = async (fn: (s: CliSession) => Promise<number>) => (await import('./session')).withSession(io, fn);
  const out = (line: string) => io.stdout(line + '\n');
  const program = new Command('tern').description('Tern moves whole mailboxes between accounts.').showHelpAfterError(false);
  program.configureOutput({ writeOut: io.stdout, writeErr: (str) => io.stderr(str.startsWith('error:') ? `tern: ${str}` : str) });

  /** Prints a plan (text, or JSON on stdout); exit code 0. Nothing is created or written. */
  const printPlan = async (s: CliSession, o: MigrateFlags) => {
    const [{ plan }, { planText }] = await Promise.all([import('../../commands/plan'), import('../../commands/plan-view')]);
    const { request, warn } = await migrateRequestOf(s, o);
    const found = await plan(s.service, request, s.actor, warn);
    out(o.json ? JSON.stringify(found) : planText(found));
    return 0;
  };

  withMigrateOptions(program.command('migrate').description('check both accounts, create a migration task and follow it to its end'))
    .option('--dry-run', 'only show the plan (as tern plan does): nothing is created or written')
    .option('--detach', 'return once the task is queued')
    .option('--json', 'print the final task (with --dry-run: the plan) as JSON on stdout')
    .action(
      act(async (o) =>
        session(async (s) => {
          if (o.dryRun) return printPlan(s, o);
          const [{ migrate }, { followCreated }] = await Promise.all([import('../../commands/migrate'), import('./follow')]);
          const { request, warn } = await migrateRequestOf(s, o);
          return followCreated(s, await migrate(s.service, request, s.actor, warn), o);
        }),
      ),
    );

  withMigrateOptions(program.command('plan').description('log in to both accounts and show what a migration would do (counts, sizes, quota, ETA); nothing is written'))
    .option('--json', 'print the plan as JSON on stdout')
    .action(act(async (o) => session((s) => printPlan(s, o))));

  withSelectionOptions(program
    .command('import-pst <file>')
    .description('import a .pst file (mail, and for Exchange contacts, groups, calendar, tasks) into a mailbox and follow it')
    .requiredOption('--to <url>', `destination account: ${accountUrlForms('destination')}`)
    .option('--to-password-file <file>', 'read the destination password from this file (first line) instead of the URL')
    .option('--items <list>', `what to import, comma-separated (${ITEM_NAMES})`, 'emails')
    .option('--notify <email>', 'e-mail address to notify when the task ends'))
    .option('--detach', 'return once the task is queued')
    .option('--json', 'print the final task as JSON on stdout')
    .action(
      act(async (file, o) => {
        const [{ importPstFile }, { followCreated }, { envSecretFor, passwordFor, warnPasswordInUrl }] = await Promise.all([import('../../commands/import-pst'), import('./follow'), import('./passwords')]);
        return session(async (s) => {
          const toPassword = await passwordFor(io, 'destination', o.to, { file: o.toPasswordFile, env: envSecretFor(o.to, s.config.passwords.to, s.config.accessTokens.to) });
          const task = await importPstFile(s.service, { file, to: o.to, items: o.items, notify: o.notify, toPassword, toAccessToken: s.config.accessTokens.to, options: optionsOf(o) }, s.actor, () => warnPasswordInUrl(io, 'destination', o.to));
          return followCreated(s, task, o);
        });
      }),
    );

  program
    .command('batch <file>')
    .description('migrate many mailboxes from a CSV (source,destination,items,notify,source_password,destination_password): every row checked, the good ones queued as one batch')
    .option('--dry-run', 'check every row (accounts, logins) and queue nothing')
    .option('--json', 'print the outcome as JSON on stdout')
    .action(
      act(async (file, o) => {
        const [{ batch }, { readBatchFile, readSecretFile }, { outcomeText }] = await Promise.all([import('../../commands/batch'), import('./batch-files'), import('./render-batch')]);
        const csv = readBatchFile(file);
        return session(async (s) => {
          const outcome = await batch(s.service, { csv, name: file.split(/[\\/]/).pop() ?? file, dryRun: Boolean(o.dryRun), secrets: { env: s.config.batchSecrets, readFile: readSecretFile } }, s.actor);
          if (o.json) out(JSON.stringify({ dryRun: Boolean(o.dryRun), batch: outcome.batch?.id ?? null, queued: outcome.good, refused: outcome.refused }));
          else out(outcomeText(outcome, Boolean(o.dryRun)));
          if (!o.dryRun && outcome.batch && !(await s.service.workersRunning())) io.stderr('tern: no worker is running: start one with tern worker (or tern start) to run the batch.\n');
          // 0: every row good; 3: some refused; 1: none good.
          return outcome.refused.length === 0 ? 0 : outcome.good.length ? 3 : 1;
        });
      }),
    );

  program
    .command('login <url>')
    .description('sign an OAuth2 account in (?auth=oauth2): shows a code to enter at the issuer, waits, and keeps the sign-in for its tasks')
    .action(
      act(async (url) => {
        const [{ login }, { showCode }] = await Promise.all([import('../../commands/login'), import('./sign-in')]);
        return session(async (s) => {
          const done = await login(s.service, { url }, showCode(io, 'the account'), s.actor);
          out(`Signed in ${done.account} at ${done.issuer}: its tasks use this sign-in from now on.`);
          return 0;
        });
      }),
    );

  const app = program.command('app').description('app-only OAuth2 access (client credentials) for every mailbox of a domain');
  app
    .command('add <domain>')
    .description("set up app-only access for the domain's mailboxes: their ?auth=oauth2 URLs then need no sign-in")
    .requiredOption('--issuer <url>', 'the authorization server (URL), microsoft or google')
    .option('--client-id <id>', 'the app registered there (with admin consent for mail access); not for a service account')
    .option('--client-secret-file <file>', "a file holding the app's client secret (first line)")
    .option('--certificate-file <file>', "the app's certificate (PEM), with its private key unless --private-key-file")
    .option('--private-key-file <file>', "the certificate's private key (PEM)")
    .option('--service-account-file <file>', "Google: the service account's JSON key (domain-wide delegation)")
    .option('--scope <scopes>', 'the scopes to ask for (Microsoft: https://outlook.office365.com/.default)')
    .action(
      act(async (domain, o) => {
        const { addApp } = await import('../../commands/app');
        return session(async (s) => {
          const done = await addApp(
            s.service,
            { domain, issuer: o.issuer, clientId: o.clientId, clientSecretFile: o.clientSecretFile, certificateFile: o.certificateFile, privateKeyFile: o.privateKeyFile, serviceAccountFile: o.serviceAccountFile, scope: o.scope },
            s.actor,
          );
          out(`App-only access for ${domain.toLowerCase()} at ${done.issuer} is set up: its mailboxes' ?auth=oauth2 URLs need no sign-in.`);
          return 0;
        });
      }),
    );
  app
    .command('list')
    .description('the domains with app-only access (secrets are never shown)')
    .action(
      act(async () =>
        session(async (s) => {
          const apps = await s.service.listApps();
          out(apps.length ? apps.map((a) => `${a.domain}\t${a.issuer}\t${a.clientId}${a.scope ? `\t${a.scope}` : ''}${a.credentialKind === 'secret' ? '' : `\t(${a.credentialKind})`}${a.configuredBy ? `\t(configured: ${a.configuredBy})` : ''}`).join('\n') : 'No app-only access set up.');
          return 0;
        }),
      ),
    );
  app
    .command('remove <domain>')
    .description("remove a domain's app-only access")
    .action(
      act(async (domain) =>
        session(async (s) => {
          out((await s.service.removeApp(domain, s.actor)) ? `Removed app-only access for ${domain.toLowerCase()}.` : `No app-only access for ${domain.toLowerCase()}.`);
          return 0;
        }),
      ),
    );

  program
    .command('detect <email>')
    .description("find an address's mail servers: presets, autoconfig, DNS SRV, Exchange Autodiscover (with TERN_FROM_PASSWORD), probed guesses")
    .option('--json', 'print the candidates and notes as JSON')
    .action(
      act(async (email, o) => {
        const { detect, candidateLine } = await import('../../commands/detect');
        return session(async (s) => {
          const found = await detect(s.service, { email, password: s.config.passwords.from });
          if (o.json) out(JSON.stringify(found));
          else {
            out(found.candidates.length ? `Servers for ${found.email}, best first:` : `No server found for ${found.email}.`);
            found.candidates.forEach((c, i) => out(`  ${i + 1}. ${candidateLine(c)}`));
            for (const note of found.notes) out(`  note: ${note}`);
          }
          return found.candidates.length ? 0 : 1;
        });
      }),
    );

  program
    .command('status <id>')
    .description("show a task's state, counters and per-folder report, or a batch's card (B-…)")
    .option('--email <address>', "the task's source address (to follow someone else's task)")
    .option('--json', 'print the task as JSON')
    .action(
      act(async (id, o) => {
        const [{ status }, { printTask }, { isBatchId, batchStatus }] = await Promise.all([import('../../commands/status'), import('./follow'), import('../../commands/batch')]);
        return session(async (s) => {
          if (isBatchId(id)) {
            const b = await batchStatus(s.service, { batchId: id }, s.actor);
            out(o.json ? JSON.stringify(b) : (await import('./render-batch')).batchText(b));
            return 0;
          }
          printTask(io, await status(s.service, { taskId: id, sourceEmail: o.email }, s.actor), Boolean(o.json));
          return 0;
        });
      }),
    );

  program
    .command('list')
    .description('list tasks, newest first')
    .option('--json', 'print the tasks as a JSON array')
    .action(
      act(async (o) => {
        const [{ list }, { taskJson, taskLine }] = await Promise.all([import('../../commands/list'), import('./render')]);
        return session(async (s) => {
          const tasks = await list(s.service, { all: true }, s.actor);
          if (o.json) out(JSON.stringify(tasks.map(taskJson)));
          else out(tasks.length ? tasks.map(taskLine).join('\n') : 'No tasks yet.');
          return 0;
        });
      }),
    );

  program
    .command('cancel <id>')
    .description('finish the folder in progress, then stop the task (a batch ID B-…: every task of the batch)')
    .action(
      act(async (id) => {
        const [{ cancel }, { isBatchId, cancelBatch }] = await Promise.all([import('../../commands/cancel'), import('../../commands/batch')]);
        return session(async (s) => {
          if (isBatchId(id)) {
            const r = await cancelBatch(s.service, { batchId: id }, s.actor);
            out(`${r.batch.id}: cancel asked for ${r.done.length} task${r.done.length === 1 ? '' : 's'} (${r.skipped.length} had ended already or were being cancelled).`);
            return 0;
          }
          const t = await cancel(s.service, { taskId: id }, s.actor);
          out(t.status === 'cancelled' ? `${t.id} cancelled.` : `${t.id} is cancelling: the folder in progress is finished first.`);
          return 0;
        });
      }),
    );

  program
    .command('rollback <id>')
    .description('remove from the destination what the task created, and wait until done (a batch ID B-…: every ended task, without waiting)')
    .option('--json', 'print the final task as JSON')
    .option('--detach', 'return once the rollback is queued')
    .action(
      act(async (id, o) => {
        const [{ rollback }, { followTask, printTask }, { isBatchId, rollbackBatch }] = await Promise.all([import('../../commands/rollback'), import('./follow'), import('../../commands/batch')]);
        return session(async (s) => {
          if (isBatchId(id)) {
            const r = await rollbackBatch(s.service, { batchId: id }, s.actor);
            out(`${r.batch.id}: rollback queued for ${r.done.length} task${r.done.length === 1 ? '' : 's'} (${r.skipped.length} not ended, already rolled back or past the window). Follow it with tern status ${r.batch.id}.`);
            return 0;
          }
          const t = await rollback(s.service, { taskId: id }, s.actor);
          (o.json ? io.stderr : io.stdout)(`Rolling back ${t.id}…\n`);
          if (o.detach) return 0;
          const final = await followTask(s, t.id, (x) => x.status !== 'rolling_back', false);
          printTask(io, final, Boolean(o.json));
          return final.status === 'rolled_back' ? 0 : 1;
        });
      }),
    );

  program
    .command('retry <id>')
    .description('a new pass over what an ended task did not copy (its failed items, plus what arrived since), and wait until done')
    .option('--json', 'print the final task as JSON')
    .option('--detach', 'return once the retry is queued')
    .action(
      act(async (id, o) => {
        const [{ retry }, { followTask, printTask, exitCodeOf }, { isEnded }] = await Promise.all([import('../../commands/retry'), import('./follow'), import('../../src/task')]);
        return session(async (s) => {
          const t = await retry(s.service, { taskId: id }, s.actor);
          (o.json ? io.stderr : io.stdout)(`Retrying ${t.id} (pass ${t.pass})…\n`);
          if (o.detach) {
            if (o.json) printTask(io, t, true);
            return 0;
          }
          const final = await followTask(s, t.id, (x) => isEnded(x.status), true);
          printTask(io, final, Boolean(o.json));
          return exitCodeOf(final.status);
        });
      }),
    );

  program
    .command('discord')
    .description('Discord set-up')
    .command('register')
    .description('register the /migrate application command (bulk overwrite: running it twice is harmless)')
    .option('--guild <id>', 'register in one server only (takes effect at once; global commands take up to an hour)')
    .action(
      act(async (o) => {
        const config = (await import('../../src/config')).loadConfig(io.env);
        if (!config.discord) throw new TernError('CONFIG_INVALID', 'Set DISCORD_TOKEN and DISCORD_APPLICATION_ID first (Developer Portal → your application).');
        const { registerCommands } = await import('../discord/app');
        const count = await registerCommands(config.discord, o.guild);
        out(`Registered ${count} command(s) ${o.guild ? `in server ${o.guild}` : 'globally'}.`);
        return 0;
      }),
    );

  program
    .command('worker')
    .description('run a worker (add more on other machines against the same Redis)')
    // Set by `tern start` for the worker it runs in a process of its own (see worker-process.ts).
    .addOption(new Option('--supervised').hideHelp())
    .action(act(async (o: { supervised?: boolean }) => session(async (s) => (await import('./worker')).runWorkerUntilSignal(s, o.supervised))));

  program
    .command('start')
    .description('run the chat bots that have tokens, plus a worker (in a process of its own)')
    .action(act(async () => session(async (s) => (await import('./worker')).runStartUntilSignal(s))));

  return program;
}

/** Runs one `tern` command line; resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  program.exitOverride();
  program.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) return ce.exitCode === 0 ? 0 : 2;
    return reportError(io, e);
  }
  return exitCode;
}
