// Account URLs of OAuth2 accounts: ?auth=oauth2 (no password), ?issuer= (a URL or a preset),
// ?client_id=, ?scope=; each mistake one sentence naming the option.
import { describe, expect, it } from 'vitest';
import { formatAccount, parseAccountUrl } from '../src/accounts';

const fails = (url: string) => {
  try {
    parseAccountUrl(url, 'source');
  } catch (err) {
    return (err as Error & { userMessage: string }).userMessage;
  }
  throw new Error(`accepted ${url}`);
};

describe('OAuth2 account URLs', () => {
  it('?auth=oauth2 needs no password; a given access token becomes the secret; the URL shows how it signs in', () => {
    const a = parseAccountUrl('imaps://alice%40example.com@imap.example.com?auth=oauth2&issuer=https://id.example.com/&client_id=tern&scope=openid%20offline_access%20mail', 'source');
    expect(a).toMatchObject({ protocol: 'imap', user: 'alice@example.com', password: '', auth: 'oauth2', oauth: { issuer: 'https://id.example.com', clientId: 'tern', scope: 'openid offline_access mail' } });
    expect(formatAccount(a)).toBe('imaps://alice%40example.com@imap.example.com:993?auth=oauth2&issuer=https%3A%2F%2Fid.example.com&client_id=tern&scope=openid%20offline_access%20mail');
    expect(parseAccountUrl('pop3s://u@pop.example.com?auth=oauth2', 'source', 'a-password', 'the-token').password).toBe('the-token');
  });

  it('Microsoft and Google servers get their preset issuer; ?issuer= also takes the preset names', () => {
    expect(parseAccountUrl('imaps://a%40contoso.com@outlook.office365.com?auth=oauth2', 'source').oauth).toEqual({ issuer: 'microsoft' });
    expect(parseAccountUrl('pop3s://a%40gmail.com@pop.gmail.com?auth=oauth2', 'source').oauth).toEqual({ issuer: 'google' });
    expect(parseAccountUrl('imaps://a@mail.example.com?auth=oauth2&issuer=Google&client_id=x', 'source').oauth).toEqual({ issuer: 'google', clientId: 'x' });
    // The preset is implied by the host, so the URL does not repeat it.
    expect(formatAccount(parseAccountUrl('imaps://a%40contoso.com@outlook.office365.com?auth=oauth2', 'source'))).toBe('imaps://a%40contoso.com@outlook.office365.com:993?auth=oauth2');
  });

  it('Exchange takes auth=oauth2 beside basic and ntlm', () => {
    const a = parseAccountUrl('ews://alice%40example.com@mail.example.com/EWS/Exchange.asmx?auth=oauth2&issuer=microsoft', 'source');
    expect(a).toMatchObject({ auth: 'oauth2', password: '', oauth: { issuer: 'microsoft' } });
    expect(formatAccount(a)).toBe('ews://alice%40example.com@mail.example.com:443/EWS/Exchange.asmx?auth=oauth2&issuer=microsoft');
    expect(fails('ews://a%40b.c:pw@mail.example.com?auth=kerberos')).toContain('unknown auth "kerberos" (use basic, ntlm or oauth2)');
  });

  it('refuses each mistake by name', () => {
    expect(fails('imap://a@h?auth=sso')).toContain('?auth= takes oauth2 (sign in with OAuth2) or password, not "sso"');
    expect(fails('imap://a@h?issuer=https://id.example.com')).toContain('?issuer= needs ?auth=oauth2 as well');
    expect(fails('imap://a@h?auth=oauth2&issuer=id.example.com')).toContain('?issuer= takes the authorization server\'s URL (https://…) or microsoft or google, not "id.example.com"');
    expect(fails('imap://a@h?auth=oauth2&client_id=x')).toContain('?client_id= needs ?issuer= (the authorization server it belongs to)');
    expect(fails('imap://a:pw@h?auth=oauth2')).toContain('it has a password and ?auth=oauth2');
    expect(fails('imap://a@h?auth=oauth2&tenant=x')).toContain('unknown option "?tenant" (an IMAP URL takes ?insecure=, ?auth=, ?issuer=, ?client_id=, ?scope=)');
  });
});
