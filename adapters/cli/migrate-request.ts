import type { Command } from 'commander';
import { ITEM_NAMES, accountUrlForms } from '../../commands/help';
import type { MigrateRequest } from '../../commands/migrate';
import type { CliSession } from './session';
import type { OptionsInput } from '../../src/options';
import { accountUrlOf } from '../../src/accounts';

/** The options `migrate` and `plan` share: both accounts, what to move, and which part of the mailbox. */
export function withMigrateOptions(command: Command): Command {
  command
    .requiredOption('--from <url>', `source account: ${accountUrlForms('source')} (README: Account URLs)`)
    .requiredOption('--to <url>', `destination account: ${accountUrlForms('destination')}`)
    .option('--from-password-file <file>', 'read the source password from this file (first line) instead of the URL')
    .option('--to-password-file <file>', 'read the destination password from this file (first line) instead of the URL')
    .option('--from-dav <url>', "source's CalDAV/CardDAV account for contacts, groups, calendars and tasks (dav://user@host/path); its password defaults to the source's")
    .option('--to-dav <url>', "destination's CalDAV/CardDAV account, the same way")
    .option('--items <list>', `what to move, comma-separated (${ITEM_NAMES})`, 'emails');
  return withSelectionOptions(command).option('--notify <email>', 'e-mail address to notify when the task ends');
}

/** Which part of the mailbox moves (migrate, plan, import-pst). */
export function withSelectionOptions(command: Command): Command {
  return command
    .option('--since <day>', 'only messages received on or after this day (YYYY-MM-DD, UTC)')
    .option('--before <day>', 'only messages received before this day (YYYY-MM-DD, UTC)')
    .option('--folders <list>', 'only these folders and their sub-folders, comma-separated, "/" between levels (e.g. INBOX,Projects/2024)')
    .option('--exclude-folders <list>', 'never these folders nor their sub-folders, comma-separated')
    .option('--newest-first', "copy each folder's newest messages first (this month's mail arrives first)")
    .option('--max-size <size>', 'leave out messages larger than this (e.g. 25MB)');
}

/** The selection options as typed. */
export function optionsOf(o: MigrateFlags): OptionsInput {
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  return { since: str('since'), before: str('before'), folders: str('folders'), excludeFolders: str('excludeFolders'), newestFirst: o.newestFirst === true, maxSize: str('maxSize') };
}

export type MigrateFlags = Record<string, string | boolean | undefined>;

/** The request from the flags, with each side's password (file, environment, prompt) and sign-in. */
export async function migrateRequestOf(s: CliSession, o: MigrateFlags): Promise<{ request: MigrateRequest; warn: () => void }> {
  const { envSecretFor, passwordFor, warnPasswordInUrl } = await import('./passwords');
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  // A bare address stands for its detected server.
  const from = accountUrlOf(str('from')!);
  const to = accountUrlOf(str('to')!);
  const { passwords: env, accessTokens: tokens } = s.config;
  const { signInFirst } = await import('./sign-in');
  // Each side signs in first when it needs to (an "auto" one is detected first): an OAuth2 account is not asked a password.
  const secretOf = async (side: 'source' | 'destination', url: string, file: string | undefined, envPassword: string | undefined, token: string | undefined) => {
    const envSecret = envSecretFor(url, envPassword, token);
    if (await signInFirst(s.io, s, url, side, { accessToken: token, password: Boolean(file || envSecret) })) return undefined;
    return passwordFor(s.io, side, url, { file, env: envSecret });
  };
  const fromPassword = await secretOf('source', from, str('fromPasswordFile'), env.from, tokens.from);
  const toPassword = await secretOf('destination', to, str('toPasswordFile'), env.to, tokens.to);
  const warn = () => {
    for (const [side, url] of [['source', from], ['destination', to], ['source', str('fromDav')], ['destination', str('toDav')]] as const) if (url) warnPasswordInUrl(s.io, side, url);
  };
  const request: MigrateRequest = {
    from,
    to,
    items: str('items'),
    notify: str('notify'),
    fromPassword,
    toPassword,
    fromAccessToken: tokens.from,
    toAccessToken: tokens.to,
    fromDav: str('fromDav'),
    toDav: str('toDav'),
    options: optionsOf(o),
  };
  return { request, warn };
}
