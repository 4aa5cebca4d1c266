// Which failures are worth another try of a task, and what each error carries: only errors that
// say so are retried (a refused command, a 404 or a wrong path never are).
import { describe, expect, it } from 'vitest';
import { TernError, isRetryable } from '../src/errors';
import { imapError } from '../src/connectors/imap/imap-error';
import { pop3Error } from '../src/connectors/pop3/errors';
import { connectionError } from '../src/connectors/errors';

const account = { protocol: 'imap' as const, host: 'mail.example.com', port: 993, secure: true, insecure: false, user: 'ann' };
/** An error as imapflow throws it for a command the server answered NO or BAD. */
const refused = (status: 'NO' | 'BAD', text: string, code?: string) => Object.assign(new Error('Command failed'), { responseStatus: status, responseText: text, serverResponseCode: code });
/** An error as node-pop3 (through Pop3Wire) throws it for a -ERR answer. */
const popRefused = (command: string, text: string) => Object.assign(new Error(text), { command });

describe('retryable', () => {
  it('defaults to true only for an unreachable server and a timeout', () => {
    expect(new TernError('UNREACHABLE', 'x').retryable).toBe(true);
    expect(new TernError('TIMEOUT', 'x').retryable).toBe(true);
    expect(new TernError('PROTOCOL_ERROR', 'x').retryable).toBe(false);
    expect(new TernError('AUTH_FAILED', 'x').retryable).toBe(false);
    expect(isRetryable(new Error('not ours'))).toBe(false);
  });

  it('keeps its details when the message is changed', () => {
    const e = new TernError('PROTOCOL_ERROR', 'busy', { retryable: true, serverCode: 'ErrorServerBusy', httpStatus: 500, field: 'source' });
    expect(e.withMessage('Source account: busy')).toMatchObject({ retryable: true, serverCode: 'ErrorServerBusy', httpStatus: 500, field: 'source', userMessage: 'Source account: busy' });
  });
});

describe('IMAP', () => {
  it('a server briefly unwell (RFC 5530 UNAVAILABLE, SERVERBUG) is retried, with its code', () => {
    for (const code of ['UNAVAILABLE', 'SERVERBUG']) {
      expect(imapError(refused('NO', 'Try later', code), account)).toMatchObject({ code: 'PROTOCOL_ERROR', retryable: true, serverCode: code });
    }
  });

  it('a refused command is not retried, and says what the server said', () => {
    const e = imapError(refused('NO', 'Mailbox does not exist', 'NONEXISTENT'), account);
    expect(e).toMatchObject({ retryable: false, serverCode: 'NONEXISTENT' });
    expect(e.userMessage).toContain('Mailbox does not exist');
    expect(imapError(refused('BAD', 'Error in IMAP command'), account).retryable).toBe(false);
  });

  it('a refused login is AUTH_FAILED and never retried', () => {
    expect(imapError(Object.assign(new Error('x'), { authenticationFailed: true, responseText: 'Authentication failed.' }), account)).toMatchObject({ code: 'AUTH_FAILED', retryable: false });
  });
});

describe('connections', () => {
  it('a dropped or refused connection and a timeout are retried; a TLS failure is not', () => {
    expect(connectionError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'imap', account)).toMatchObject({ code: 'UNREACHABLE', retryable: true });
    expect(connectionError(Object.assign(new Error('t'), { code: 'ETIMEDOUT' }), 'imap', account)).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(connectionError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'imap', account)).toMatchObject({ code: 'TLS_FAILED', retryable: false });
  });
});

describe('POP3', () => {
  const pop = { ...account, protocol: 'pop3' as const, port: 995 };
  it('a maildrop in use or temporarily unavailable is retried; a permanent one and a refused command are not', () => {
    expect(pop3Error(popRefused('PASS secret', '[IN-USE] Mailbox locked'), pop)).toMatchObject({ retryable: true, serverCode: 'IN-USE' });
    expect(pop3Error(popRefused('PASS secret', '[SYS/TEMP] Try later'), pop)).toMatchObject({ retryable: true, serverCode: 'SYS/TEMP' });
    expect(pop3Error(popRefused('PASS secret', '[SYS/PERM] Mailbox broken'), pop)).toMatchObject({ retryable: false, serverCode: 'SYS/PERM' });
    expect(pop3Error(popRefused('TOP 1 0', 'Not supported'), pop)).toMatchObject({ code: 'PROTOCOL_ERROR', retryable: false });
  });
});
