import fs from 'node:fs/promises';
import { TernError } from '../../src/errors';
import type { CliIo } from './io';

type Side = 'source' | 'destination';

const NAMES = {
  source: { url: '--from', file: '--from-password-file', env: 'TERN_FROM_PASSWORD' },
  destination: { url: '--to', file: '--to-password-file', env: 'TERN_TO_PASSWORD' },
} as const;

/**
 * The password for an account URL that carries none, from (in order) the side's password file, its
 * environment variable, or a prompt without echo when stdin is a terminal. A password written in the
 * URL is used as it is (see warnPasswordInUrl).
 */
export async function passwordFor(io: CliIo, side: Side, url: string, given: { file?: string; env?: string }): Promise<string | undefined> {
  // An OAuth2 account signs in with a token, never a password.
  if (urlPassword(url) || isOAuthUrl(url)) return undefined;
  if (given.file) return readPasswordFile(side, given.file);
  if (given.env) return given.env;
  if (!io.askSecret || !urlUser(url)) return undefined;
  // A Microsoft 365 (graph:) account takes a bearer access token until OAuth2 sign-in serves it.
  const what = /^\s*graph(\+http)?:/i.test(url) ? 'Access token' : 'Password';
  return io.askSecret(`${what} for the ${side} account ${urlUser(url)}: `).catch((err: Error) => {
    throw new TernError('INTERRUPTED', `No password typed for the ${side} account (${err.message}).`);
  });
}

/**
 * The side's secret from the environment: a Microsoft 365 (graph:) account takes a bearer access
 * token (TERN_FROM_ACCESS_TOKEN / TERN_TO_ACCESS_TOKEN) where others take a password. Interim,
 * until OAuth2 sign-in gives Graph accounts a token provider.
 */
export function envSecretFor(url: string, password: string | undefined, accessToken: string | undefined): string | undefined {
  return /^\s*graph(\+http)?:/i.test(url) ? (accessToken ?? password) : password;
}

/**
 * Every local user can read a command line in the process list: tell the person at the terminal,
 * once the URL is known to be valid (scripts keep their stderr as it was; the README says why).
 */
export function warnPasswordInUrl(io: CliIo, side: Side, url: string): void {
  const names = NAMES[side];
  if (io.terminal && urlPassword(url)) {
    io.stderr(`tern: warning: the ${side} password is in the ${names.url} URL, where any local user can read it in the process list; use ${names.env}, ${names.file} or the prompt instead.\n`);
  }
}

async function readPasswordFile(side: Side, file: string): Promise<string> {
  const option = NAMES[side].file;
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unreadable');
    throw new TernError('BAD_PASSWORD_FILE', `Cannot read ${option} ${file}: ${why}.`, { field: side });
  }
  // One trailing line break is the file's, not the password's (echo "pw" > file).
  const password = text.replace(/\r?\n$/, '');
  if (!password) throw new TernError('BAD_PASSWORD_FILE', `${option} ${file} is empty: put the ${side} password in it, on one line.`, { field: side });
  if (/[\r\n]/.test(password)) throw new TernError('BAD_PASSWORD_FILE', `${option} ${file} has more than one line: put only the ${side} password in it.`, { field: side });
  return password;
}

/** The URL's password and user, if it parses at all (a URL that does not is reported by the command). */
function urlPassword(url: string): string {
  try {
    return new URL(url.trim()).password;
  } catch {
    return '';
  }
}

/** True for an account URL with ?auth=oauth2. */
export function isOAuthUrl(url: string): boolean {
  try {
    return new URL(url.trim()).searchParams.get('auth')?.toLowerCase() === 'oauth2';
  } catch {
    return false;
  }
}

function urlUser(url: string): string {
  try {
    return decodeURIComponent(new URL(url.trim()).username);
  } catch {
    return '';
  }
}
