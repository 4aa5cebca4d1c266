// Which failures mean "the store (or the queue's Redis) is out of reach for now": a run that meets
// one waits and resumes instead of failing its task (test/store-restart.test.ts end to end).
import { describe, expect, it } from 'vitest';
import { isStoreUnavailable, rootCauseText } from '../src/store/unavailable';
import { TernError } from '../src/errors';

const wrapped = (cause: unknown) => Object.assign(new Error('Failed query: update "journal" set "ref" = $1\nparams: 42,secret-looking'), { query: 'update …', cause });
const code = (c: string, message = 'x') => Object.assign(new Error(message), { code: c });

describe('isStoreUnavailable', () => {
  it('knows a server shutting down, starting up or unreachable, wrapped by drizzle or bare', () => {
    expect(isStoreUnavailable(wrapped(code('57P01', 'terminating connection due to administrator command')))).toBe(true);
    expect(isStoreUnavailable(wrapped(code('57P03', 'the database system is starting up')))).toBe(true);
    expect(isStoreUnavailable(code('ECONNREFUSED'))).toBe(true);
    expect(isStoreUnavailable(wrapped(new Error('Connection terminated unexpectedly')))).toBe(true);
  });

  it('leaves everything else to fail as before: a query error, a bug, an account server (a TernError naming its side)', () => {
    expect(isStoreUnavailable(wrapped(code('23505', 'duplicate key value violates unique constraint')))).toBe(false);
    expect(isStoreUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isStoreUnavailable(new TernError('UNREACHABLE', 'Source: cannot reach imap.example.com', { cause: code('ECONNREFUSED') }))).toBe(false);
    expect(isStoreUnavailable(undefined)).toBe(false);
  });

  it('says what went wrong in the driver\'s words, without the query or its parameters', () => {
    const text = rootCauseText(wrapped(code('57P01', 'terminating connection due to administrator command')));
    expect(text).toBe('terminating connection due to administrator command (57P01)');
    expect(text).not.toContain('params');
  });
});
