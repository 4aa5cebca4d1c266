// Microsoft 365 account URLs: graph:// names a tenant (the mailbox is user@tenant unless the user
// is a whole address), graph+http:// names a server; what is wrong gets one sentence.
import { describe, expect, it } from 'vitest';
import { formatAccount, parseAccountUrl } from '../src/accounts';
import { apiBase, mailboxAddress } from '../src/connectors/graph/url';
import { envSecretFor } from '../adapters/cli/passwords';
import { TernError } from '../src/errors';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    if (err instanceof TernError) return err.userMessage;
    throw err;
  }
  throw new Error('accepted');
};

describe('graph:// account URLs', () => {
  it('graph://alice@contoso.com is alice@contoso.com at graph.microsoft.com over HTTPS', () => {
    const a = parseAccountUrl('graph://alice:TOKEN@contoso.com', 'source');
    expect(a).toMatchObject({ protocol: 'graph', host: 'contoso.com', port: 443, secure: true, user: 'alice', password: 'TOKEN' });
    expect(mailboxAddress(a)).toBe('alice@contoso.com');
    expect(apiBase(a)).toBe('https://graph.microsoft.com/v1.0');
    expect(formatAccount(a)).toBe('graph://alice@contoso.com');
    const full = parseAccountUrl('graph://bob%40contoso.com:T@contoso.onmicrosoft.com', 'destination');
    expect(mailboxAddress(full)).toBe('bob@contoso.com');
  });

  it('graph+http:// talks to the named server and needs the whole address', () => {
    const a = parseAccountUrl('graph+http://alice%40contoso.com:T@127.0.0.1:8080', 'source');
    expect(apiBase(a)).toBe('http://127.0.0.1:8080/v1.0');
    expect(formatAccount(a)).toBe('graph+http://alice%40contoso.com@127.0.0.1:8080');
    expect(refusal(() => parseAccountUrl('graph+http://alice:T@127.0.0.1:8080', 'source'))).toMatch(/give the whole mailbox address as the user/);
  });

  it('a path, an unknown option or no token is refused in one sentence', () => {
    expect(refusal(() => parseAccountUrl('graph://alice:T@contoso.com/v1.0', 'source'))).toMatch(/has no path \("\/v1\.0"\)/);
    expect(refusal(() => parseAccountUrl('graph://alice:T@contoso.com?as=admin%40contoso.com', 'source'))).toMatch(/unknown option "\?as"/);
    expect(refusal(() => parseAccountUrl('graph://alice@contoso.com', 'destination'))).toBe('No access token for the destination Microsoft 365 account alice: add ?auth=oauth2 to sign in with Microsoft (tern login), or set TERN_TO_ACCESS_TOKEN.');
  });

  it('?auth=oauth2 signs in with Microsoft (delegated), and the URL says so when shown', () => {
    const a = parseAccountUrl('graph://alice%40contoso.com@contoso.com?auth=oauth2', 'source');
    expect(a).toMatchObject({ protocol: 'graph', auth: 'oauth2', oauth: { issuer: 'microsoft' }, password: '' });
    expect(formatAccount(a)).toBe('graph://alice%40contoso.com@contoso.com?auth=oauth2');
  });

  it('the CLI takes the access token variable for graph URLs, the password variable for the rest', () => {
    expect(envSecretFor('graph://alice@contoso.com', 'pw', 'tok')).toBe('tok');
    expect(envSecretFor('graph+http://a%40b.c@h:1', 'pw', undefined)).toBe('pw');
    expect(envSecretFor('imaps://alice@host', 'pw', 'tok')).toBe('pw');
  });
});
