import { TernError } from '../../errors';
import type { AccountEndpoint } from '../../ports/account';
import { serverWords } from './server-words';

/**
 * Gmail's (and Workspace's) daily upload and bandwidth limits, and its cap on simultaneous
 * connections, answer with these words (and "[THROTTLED]" on some commands). They pass with time:
 * the task waits and goes on where it stopped, rather than failing messages one by one.
 */
const LIMIT_WORDS = /exceeded command or bandwidth limits|bandwidth limit|too many simultaneous connections|\[THROTTLED\]/i;

export function isProviderLimit(text: string | undefined, code?: string): boolean {
  return code?.toUpperCase() === 'THROTTLED' || LIMIT_WORDS.test(text ?? '');
}

/** The retryable error a provider's limit becomes: shown on the card while the task waits. */
export function providerLimit(account: AccountEndpoint, text: string | undefined): TernError {
  return new TernError(
    'PROTOCOL_ERROR',
    `imap server ${account.host}:${account.port} is limiting ${account.user} for now (${serverWords(text) || 'throttled'}): Gmail's upload and bandwidth limits pass with time, so Tern waits and goes on where it stopped.`,
    { serverCode: 'THROTTLED', retryable: true },
  );
}
