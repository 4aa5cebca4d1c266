// Exchange Online's IMAP takes only a token for the Outlook resource, not the Graph one. Here the
// "Exchange Online IMAP" is a Dovecot that introspects each token at the real authorization server
// (oidc-provider) and accepts only the Outlook scope: Microsoft 365 IMAP writes log in with a token
// for that audience from the same app sign-in (client credentials with outlook.office365.com/.default),
// and reusing the Graph token is refused; a stored delegated sign-in gets one by the refresh grant with
// IMAP.AccessAsUser.All. A sign-in that cannot give one writes through Graph and says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { APP_CLIENT, APP_SECRET, DEVICE_CLIENT, MAIL_SCOPE, OUTLOOK_APP_SCOPE, OUTLOOK_IMAP_SCOPE, startAuthServer, type AuthServer } from './support/oidc';
import { startRedis, type TestRedis } from './support/redis';
import { startTern, type TestTern } from './support/tern';
import { deviceSignIn } from '../src/auth/device';
import { signInKey } from '../src/auth/issuers';
import { parseAccountUrl } from '../src/accounts';
import { imapAccountOf } from '../src/connectors/graph/url';
import { openImapWrites } from '../src/connectors/graph/imap-writes';
import { appTokens } from '../src/auth/app';
import type { AccountCredentials, AccountEndpoint, TokenProvider } from '../src/ports/account';

const JIM = 'jim@m365.test';
let auth: AuthServer;
let exchangeImap: DovecotServer;

beforeAll(async () => {
  auth = await startAuthServer({ appMailbox: JIM });
  exchangeImap = await startDovecot('slash', { users: `${JIM}:unused-password`, oauth2: { introspectionUrl: auth.introspectionUrl, mechanisms: 'xoauth2', scope: OUTLOOK_APP_SCOPE, usernameAttribute: 'username' } });
}, 60_000);

afterAll(async () => {
  await exchangeImap?.stop();
  await auth?.stop();
});

const options = { timeoutMs: 10_000 };
const appIssuer = { label: 'test issuer', issuer: '', clientId: APP_CLIENT, clientSecret: APP_SECRET, scope: MAIL_SCOPE };
const graphAccount = (tokens: TokenProvider): AccountCredentials => ({ ...parseAccountUrl(`graph+http://${encodeURIComponent(JIM)}:given-token-unused@127.0.0.1:1?imap_host=127.0.0.1:${exchangeImap.imapPort}`, 'destination'), auth: 'oauth2', tokens });

describe('an Outlook-audience token for Microsoft 365 IMAP writes', () => {
  it('app-only: the IMAP login uses a token for outlook.office365.com/.default from the same app, not the Graph one', async () => {
    const tokens = appTokens({ protocol: 'graph', host: '127.0.0.1', port: 1, secure: false, insecure: false, user: JIM }, { ...appIssuer, issuer: auth.issuer }, 10_000);
    const graphToken = await tokens.accessToken();
    const outlookToken = await tokens.accessToken({ audience: 'outlook' });
    expect(outlookToken).not.toBe(graphToken);
    // Each cached for its own audience.
    expect(await tokens.accessToken({ audience: 'outlook' })).toBe(outlookToken);
    expect(await tokens.accessToken()).toBe(graphToken);

    const opened = await openImapWrites(imapAccountOf(graphAccount(tokens))!, options);
    expect('destination' in opened && opened.destination.writePath).toBe(`writing by IMAP (127.0.0.1:${exchangeImap.imapPort}, XOAUTH2)`);
    if ('destination' in opened) await opened.destination.close();

    // The Graph token reused for IMAP, as before: refused by the Outlook-only server, so Graph is written.
    const reused: TokenProvider = { accessToken: (o) => tokens.accessToken({ renew: o?.renew }) };
    expect(await openImapWrites(imapAccountOf(graphAccount(reused))!, options)).toEqual({ fallback: 'IMAP is turned off for this tenant: writing through Graph' });
  });

  it('a sign-in that gives no Outlook token: written through Graph, with the reason', async () => {
    // The device client holds no app registration: the client credentials grant is refused, as an app without Exchange consent is.
    const tokens = appTokens({ protocol: 'graph', host: '127.0.0.1', port: 1, secure: false, insecure: false, user: JIM }, { ...appIssuer, issuer: auth.issuer, clientId: DEVICE_CLIENT, clientSecret: 'wrong' }, 10_000);
    const opened = await openImapWrites(imapAccountOf(graphAccount(tokens))!, options);
    expect('fallback' in opened && opened.fallback).toMatch(/^no token for Exchange Online's IMAP could be had from this sign-in \(.+\): writing through Graph$/);
    expect(JSON.stringify(opened)).not.toContain('wrong');
  });
});

describe('an Outlook-audience token from a delegated sign-in', () => {
  let delegatedImap: DovecotServer;
  let redis: TestRedis;
  let tern: TestTern;

  beforeAll(async () => {
    [delegatedImap, redis] = await Promise.all([startDovecot('slash', { users: `${JIM}:unused-password`, oauth2: { introspectionUrl: auth.introspectionUrl, mechanisms: 'xoauth2', scope: OUTLOOK_IMAP_SCOPE } }), startRedis()]);
    tern = await startTern(redis.url);
  }, 60_000);

  afterAll(async () => {
    await tern?.close();
    await Promise.all([delegatedImap?.stop(), redis?.stop()]);
  });

  it('the refresh grant with IMAP.AccessAsUser.All gives the token the IMAP login takes; a Graph-only token is refused there', async () => {
    const oauth = { issuer: auth.issuer, clientId: DEVICE_CLIENT, scope: `openid offline_access ${MAIL_SCOPE} ${OUTLOOK_IMAP_SCOPE}` };
    const endpoint: AccountEndpoint = { ...parseAccountUrl(`graph+http://${encodeURIComponent(JIM)}:given-token-unused@127.0.0.1:1?imap_host=127.0.0.1:${delegatedImap.imapPort}`, 'destination'), auth: 'oauth2', oauth };
    // A real device sign-in at the authorization server, stored as `tern login` stores it.
    const signedIn = await deviceSignIn({ label: 'test issuer', issuer: auth.issuer, clientId: DEVICE_CLIENT, scope: oauth.scope }, (code) => void auth.approve(code.userCode, JIM), { timeoutMs: 30_000 });
    await tern.runtime.signIns.put(signInKey(endpoint), { refreshToken: signedIn.refreshToken, scope: signedIn.scope });
    const tokens = tern.runtime.tokens(endpoint, '');
    const account = { ...(endpoint as AccountCredentials), password: '', tokens };

    const opened = await openImapWrites(imapAccountOf(account)!, options);
    expect('destination' in opened && opened.destination.writePath).toBe(`writing by IMAP (127.0.0.1:${delegatedImap.imapPort}, XOAUTH2)`);
    if ('destination' in opened) await opened.destination.close();
    // A second token, for its own audience, not the sign-in's.
    expect(await tokens.accessToken({ audience: 'outlook' })).not.toBe(await tokens.accessToken());
    // A Graph-only token of the same user (what reusing the Graph token sends): refused there.
    const graphOnly = await auth.mint(JIM, `openid ${MAIL_SCOPE}`);
    const reused: TokenProvider = { accessToken: async () => graphOnly };
    expect(await openImapWrites(imapAccountOf({ ...account, tokens: reused })!, options)).toEqual({ fallback: 'IMAP is turned off for this tenant: writing through Graph' });
  });
});
