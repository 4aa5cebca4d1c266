// Autodetection against local servers only: a real UDP DNS responder, a local HTTP server
// standing in for the autoconfig/autodiscover hosts, and the test Dovecot for probed guesses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSettings, systemNetwork, type Network } from '../src/connectors/autodetect';
import { startDns, type TestDns } from './support/dns-server';
import { startFakeWeb, type FakeWeb } from './support/fake-web';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { freePort } from './support/ports';
import { resolveAuto } from '../src/service/resolve-auto';
import { TernError } from '../src/errors';
import { formatAccount } from '../src/accounts';
import { resolveIssuer } from '../src/auth/issuers';

let dns: TestDns;
let web: FakeWeb;
let dovecot: DovecotServer;
let network: Network;

const autoconfigXml = (host: string, username: string) => `<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="autoconf.test">
    <domain>autoconf.test</domain>
    <incomingServer type="imap"><hostname>${host}</hostname><port>993</port><socketType>SSL</socketType><username>${username}</username><authentication>password-cleartext</authentication></incomingServer>
    <incomingServer type="pop3"><hostname>${host}</hostname><port>110</port><socketType>STARTTLS</socketType><username>${username}</username></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.autoconf.test</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
  </emailProvider>
</clientConfig>`;

const autodiscoverXml = (action: string, inner: string) => `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account><AccountType>email</AccountType><Action>${action}</Action>${inner}</Account>
  </Response>
</Autodiscover>`;

beforeAll(async () => {
  [dns, web, dovecot] = await Promise.all([startDns(), startFakeWeb(), startDovecot('slash')]);
  network = { ...systemNetwork({ dnsServers: [dns.address], timeoutMs: 1000 }), fetch: web.fetch };
});

afterAll(async () => {
  await Promise.all([dns?.close(), web?.close(), dovecot?.stop()]);
});

describe('presets', () => {
  it('match by the address domain, with the provider note', async () => {
    const d = await detectSettings('Alice@Gmail.com', { network });
    expect(d.candidates[0]).toMatchObject({ protocol: 'imap', host: 'imap.gmail.com', port: 993, secure: true, source: 'preset', confidence: 'high' });
    expect(d.candidates[0].detail).toBe('preset Gmail / Google Workspace (domain gmail.com)');
    expect(d.candidates.map((c) => `${c.protocol} ${c.host}`)).toEqual(['imap imap.gmail.com', 'pop3 pop.gmail.com']);
    expect(d.notes.join('\n')).toMatch(/app password/);
  });

  it('recognise a custom domain hosted at OVH or Google by its MX records', async () => {
    dns.add({ type: 'MX', name: 'shop-ovh.test', exchange: 'mx1.mail.ovh.net' }, { type: 'MX', name: 'shop-ovh.test', exchange: 'mx2.mail.ovh.net', preference: 20 });
    dns.add({ type: 'MX', name: 'firm-google.test', exchange: 'aspmx.l.google.com', preference: 1 });
    const ovh = await detectSettings('bob@shop-ovh.test', { network });
    expect(ovh.candidates[0]).toMatchObject({ protocol: 'imap', host: 'ssl0.ovh.net', port: 993, source: 'preset', confidence: 'medium', detail: 'preset OVH MX Plan (MX mx1.mail.ovh.net)' });
    expect(ovh.candidates.some((c) => c.host === 'pro1.mail.ovh.net')).toBe(true);
    expect(ovh.notes.join('\n')).toContain('exN.mail.ovh.net');
    const google = await detectSettings('carol@firm-google.test', { network });
    expect(google.candidates[0]).toMatchObject({ host: 'imap.gmail.com', detail: 'preset Gmail / Google Workspace (MX aspmx.l.google.com)' });
  });
});

describe("the domain's autoconfig", () => {
  it('reads autoconfig.<domain>/mail/config-v1.1.xml with placeholder substitution', async () => {
    web.route('autoconfig.autoconf.test/mail/config-v1.1.xml', () => ({ body: autoconfigXml('mail.%EMAILDOMAIN%', '%EMAILLOCALPART%') }));
    const d = await detectSettings('carol@autoconf.test', { network });
    expect(d.candidates).toEqual([
      { protocol: 'imap', host: 'mail.autoconf.test', port: 993, secure: true, username: 'carol', source: 'autoconfig', detail: 'autoconfig https://autoconfig.autoconf.test/mail/config-v1.1.xml', confidence: 'high' },
      { protocol: 'pop3', host: 'mail.autoconf.test', port: 110, secure: false, username: 'carol', source: 'autoconfig', detail: 'autoconfig https://autoconfig.autoconf.test/mail/config-v1.1.xml', confidence: 'high' },
    ]);
    const asked = web.requests.find((r) => r.host === 'autoconfig.autoconf.test')!;
    expect(asked.authorization).toBeUndefined();
  });

  it('falls back to <domain>/.well-known/autoconfig/…; %EMAILADDRESS% keeps the whole address as login', async () => {
    web.route('wellknown.test/.well-known/autoconfig/mail/config-v1.1.xml', () => ({ body: autoconfigXml('imap.wellknown.test', '%EMAILADDRESS%') }));
    const d = await detectSettings('dave@wellknown.test', { network });
    expect(d.candidates[0]).toMatchObject({ host: 'imap.wellknown.test', source: 'autoconfig', detail: 'autoconfig https://wellknown.test/.well-known/autoconfig/mail/config-v1.1.xml' });
    expect(d.candidates[0].username).toBeUndefined();
  });
});

describe('RFC 6186 SRV records', () => {
  it('offers _imaps/_imap/_pop3s, and skips a service published as not offered (".")', async () => {
    dns.add(
      { type: 'SRV', name: '_imaps._tcp.srv.test', target: 'mail.srv.test', port: 993 },
      { type: 'SRV', name: '_imap._tcp.srv.test', target: 'mail.srv.test', port: 143 },
      { type: 'SRV', name: '_pop3s._tcp.srv.test', target: 'pop.srv.test', port: 995 },
      { type: 'SRV', name: '_pop3._tcp.srv.test', target: '.', port: 0 },
    );
    const d = await detectSettings('erin@srv.test', { network });
    expect(d.candidates.map((c) => `${c.protocol} ${c.host}:${c.port} ${c.secure ? 'tls' : 'plain'} ${c.source}`)).toEqual([
      'imap mail.srv.test:993 tls srv',
      'imap mail.srv.test:143 plain srv',
      'pop3 pop.srv.test:995 tls srv',
    ]);
  });

  it('still answers when another look-up hangs (its timeout ends it)', async () => {
    web.route('autoconfig.slow.test/mail/config-v1.1.xml', () => 'hang');
    dns.add({ type: 'SRV', name: '_imaps._tcp.slow.test', target: 'imap.slow.test', port: 993 });
    const d = await detectSettings('frank@slow.test', { network, timeoutMs: 300 });
    expect(d.candidates[0]).toMatchObject({ host: 'imap.slow.test', source: 'srv' });
    expect(web.requests.some((r) => r.host === 'autoconfig.slow.test')).toBe(true);
  });
});

describe('Exchange Autodiscover', () => {
  it('POSTs the address with the password to autodiscover.<domain>, follows a redirect inside the domain, returns the EWS URL', async () => {
    web.route('autodiscover.exch.test/autodiscover/autodiscover.xml', () => ({ status: 302, headers: { location: 'https://mail.exch.test/autodiscover/autodiscover.xml' } }));
    web.route('mail.exch.test/autodiscover/autodiscover.xml', (req) =>
      req.authorization === `Basic ${Buffer.from('grace@exch.test:Gr4ce-pw').toString('base64')}`
        ? { body: autodiscoverXml('settings', '<Protocol><Type>EXCH</Type><EwsUrl>https://mail.exch.test/EWS/Exchange.asmx</EwsUrl></Protocol><Protocol><Type>EXPR</Type><EwsUrl>https://mail.exch.test/EWS/Exchange.asmx</EwsUrl></Protocol>') }
        : { status: 401 },
    );
    const d = await detectSettings('grace@exch.test', { network, password: 'Gr4ce-pw' });
    expect(d.candidates).toEqual([
      { protocol: 'ews', host: 'mail.exch.test', port: 443, secure: true, ewsUrl: 'https://mail.exch.test/EWS/Exchange.asmx', source: 'autodiscover', detail: 'Exchange Autodiscover https://autodiscover.exch.test', confidence: 'high' },
    ]);
    const posted = web.requests.find((r) => r.host === 'mail.exch.test')!;
    expect(posted.method).toBe('POST');
    expect(posted.body).toContain('<EMailAddress>grace@exch.test</EMailAddress>');
  });

  it('never sends the password to another domain: the redirect is reported instead', async () => {
    web.route('autodiscover.lured.test/autodiscover/autodiscover.xml', (req) =>
      req.authorization ? { body: autodiscoverXml('redirectUrl', '<RedirectUrl>https://collector.evil.test/autodiscover/autodiscover.xml</RedirectUrl>') } : { status: 401 },
    );
    web.route('collector.evil.test/autodiscover/autodiscover.xml', () => ({ status: 401 }));
    const d = await detectSettings('heidi@lured.test', { network, password: 'H31di-pw' });
    expect(d.candidates).toEqual([]);
    expect(d.notes.join('\n')).toContain('points to collector.evil.test, outside lured.test: Tern did not send your password there');
    const toEvil = web.requests.filter((r) => r.host === 'collector.evil.test');
    expect(toEvil.length).toBeGreaterThan(0);
    for (const r of toEvil) expect(r.authorization).toBeUndefined();
  });

  it('without a password it says that Autodiscover needs one', async () => {
    web.route('autodiscover.needspw.test/autodiscover/autodiscover.xml', (req) => (req.authorization ? { body: '' } : { status: 401 }));
    const d = await detectSettings('ivan@needspw.test', { network });
    expect(d.notes).toContain('Exchange Autodiscover at autodiscover.needspw.test needs the password to answer.');
  });
});

describe('guesses', () => {
  it('are probed, offered only when a server greets as IMAP or POP3, and marked as guesses', async () => {
    const closed = await freePort();
    dns.add({ type: 'A', name: 'imap.guess.test', address: '127.0.0.1' }, { type: 'A', name: 'pop.guess.test', address: '127.0.0.1' });
    const d = await detectSettings('judy@guess.test', {
      network,
      guessPorts: { imap: [{ port: dovecot.imapPort, secure: false }, { port: closed, secure: false }], pop3: [{ port: dovecot.pop3Port, secure: false }] },
    });
    expect(d.candidates.map((c) => `${c.protocol} ${c.host}:${c.port} ${c.source} ${c.confidence}`)).toEqual([
      `imap imap.guess.test:${dovecot.imapPort} guess low`,
      `pop3 pop.guess.test:${dovecot.pop3Port} guess low`,
    ]);
    expect(d.candidates[0].detail).toBe(`guess: imap.guess.test:${dovecot.imapPort} answered as IMAP`);
  });

  it('are not tried when something else answered', async () => {
    dns.add({ type: 'SRV', name: '_imaps._tcp.known.test', target: 'imap.known.test', port: 993 }, { type: 'A', name: 'mail.known.test', address: '127.0.0.1' });
    await detectSettings('kim@known.test', { network });
    expect(dns.questions).not.toContain('A mail.known.test');
  });

  it('nothing at all: no candidate, and a note that says what to do', async () => {
    const d = await detectSettings('leo@nothing.test', { network, guessPorts: { imap: [], pop3: [] } });
    expect(d.candidates).toEqual([]);
    expect(d.notes).toContain('Nothing answered for nothing.test: enter the server settings by hand (your provider\'s help pages list them).');
  });
});

it('refuses something that is not an address', async () => {
  await expect(detectSettings('not-an-address', { network })).rejects.toThrow('"not-an-address" is not an e-mail address');
});

describe('an Exchange account given with the host "auto"', () => {
  const account = (user: string) => ({ protocol: 'ews' as const, host: 'auto', port: 443, secure: true, insecure: false, path: '/EWS/Exchange.asmx', user, password: 'Iv4n-pw' });

  it('takes the EWS URL that Autodiscover gives, and says where it came from', async () => {
    web.route('autodiscover.auto-ex.test/autodiscover/autodiscover.xml', (req) =>
      req.authorization ? { body: autodiscoverXml('settings', '<Protocol><Type>EXCH</Type><EwsUrl>https://ex4.auto-ex.test:8443/EWS/Exchange.asmx</EwsUrl></Protocol>') } : { status: 401 },
    );
    const { account: chosen, detected } = await resolveAuto(account('ivan@auto-ex.test'), 'source', network);
    expect(chosen).toMatchObject({ protocol: 'ews', host: 'ex4.auto-ex.test', port: 8443, secure: true, path: '/EWS/Exchange.asmx', user: 'ivan@auto-ex.test' });
    expect(detected).toBe('source settings detected: Exchange https://ex4.auto-ex.test:8443/EWS/Exchange.asmx, from Exchange Autodiscover https://autodiscover.auto-ex.test');
  });

  it('nothing found: the side, the domain, and to give the EWS URL instead', async () => {
    const err = await resolveAuto(account('judy@no-ex.test'), 'destination', network).catch((e: unknown) => e as TernError);
    expect(err).toMatchObject({ code: 'BAD_ACCOUNT_URL', field: 'destination' });
    expect((err as TernError).userMessage).toMatch(/^Destination account: Autodiscover found no Exchange server for no-ex\.test\..*Give the EWS URL instead \(e\.g\. https:\/\/mail\.no-ex\.test\/EWS\/Exchange\.asmx\)\.$/);
    expect((err as TernError).userMessage).not.toContain('Iv4n-pw');
  });
});

describe('Microsoft and Google servers sign in with OAuth2', () => {
  const imapAuto = (user: string, password = '') => ({ protocol: 'imap' as const, host: 'auto', port: 993, secure: true, insecure: false, user, password });

  it('a custom domain whose MX is Microsoft 365 is reached through Microsoft Graph, signing in with Microsoft (Graph\'s scopes), and the detection says so', async () => {
    dns.add({ type: 'MX', name: 'firm365.test', exchange: 'firm365-test.mail.protection.outlook.com' });
    const d = await detectSettings('dana@firm365.test', { network });
    expect(d.candidates[0]).toMatchObject({ protocol: 'imap', host: 'outlook.office365.com', oauth: 'microsoft', detail: 'preset Outlook.com / Microsoft 365 (MX firm365-test.mail.protection.outlook.com)' });
    expect(d.notes.join('\n')).toMatch(/signs in with OAuth2 \(Sign in with Microsoft\)/);
    for (const side of ['source', 'destination'] as const) {
      const { account: chosen, detected } = await resolveAuto(imapAuto('dana@firm365.test'), side, network);
      expect(chosen).toMatchObject({ protocol: 'graph', host: 'firm365.test', port: 443, secure: true, user: 'dana@firm365.test', auth: 'oauth2', oauth: { issuer: 'microsoft' } });
      expect(chosen.oauth?.clientId).toBeUndefined();
      expect(formatAccount(chosen)).toBe('graph://dana%40firm365.test@firm365.test?auth=oauth2');
      expect(detected).toBe(`${side} settings detected: Microsoft 365 (graph://dana%40firm365.test@firm365.test?auth=oauth2, through Microsoft Graph: e-mails, contacts, calendars, tasks, inbox rules and automatic replies), from preset Outlook.com / Microsoft 365 (MX firm365-test.mail.protection.outlook.com); signs in with OAuth2 at Microsoft (no password needed)`);
      // A token is for one resource: the sign-in asks for Graph's permissions, not Outlook's IMAP.
      const scope = resolveIssuer(chosen, { microsoft: { clientId: 'tern', tenant: 'organizations' } }, side).scope;
      expect(scope.split(' ')).toEqual(expect.arrayContaining(['offline_access', 'https://graph.microsoft.com/Mail.ReadWrite', 'https://graph.microsoft.com/Calendars.ReadWrite', 'https://graph.microsoft.com/Tasks.ReadWrite']));
      expect(scope).not.toMatch(/IMAP/);
    }
  });

  it('Microsoft 365 stays on IMAP when a password is given or POP3 is asked for; Outlook.com\'s personal accounts stay on IMAP with OAuth2', async () => {
    dns.add({ type: 'MX', name: 'firm365b.test', exchange: 'firm365b-test.mail.protection.outlook.com' });
    const withPassword = await resolveAuto(imapAuto('gail@firm365b.test', 'app-pw-1234'), 'source', network);
    expect(withPassword.account).toMatchObject({ protocol: 'imap', host: 'outlook.office365.com', password: 'app-pw-1234' });
    const pop = await resolveAuto({ ...imapAuto('gail@firm365b.test'), protocol: 'pop3' }, 'source', network);
    expect(pop.account).toMatchObject({ protocol: 'pop3', host: 'outlook.office365.com', auth: 'oauth2' });
    const personal = await resolveAuto(imapAuto('hal@outlook.com'), 'destination', network);
    expect(personal.account).toMatchObject({ protocol: 'imap', host: 'outlook.office365.com', auth: 'oauth2', oauth: { issuer: 'microsoft' } });
  });

  it('a Gmail address gets OAuth2 at Google; a password given is kept (an app password) and the choice is said', async () => {
    const { account: chosen, detected } = await resolveAuto(imapAuto('erin@gmail.com'), 'destination', network);
    expect(chosen).toMatchObject({ host: 'imap.gmail.com', auth: 'oauth2', oauth: { issuer: 'google' } });
    expect(detected).toMatch(/; signs in with OAuth2 at Google \(no password needed\)$/);
    const withPassword = await resolveAuto(imapAuto('erin@gmail.com', 'app-pass-1234'), 'destination', network);
    expect(withPassword.account.auth).toBeUndefined();
    expect(withPassword.account.password).toBe('app-pass-1234');
    expect(withPassword.detected).toMatch(/; the password given is used \(an app password\), though Google prefers OAuth2: leave the password out to sign in with Google instead$/);
    expect(withPassword.detected).not.toContain('app-pass-1234');
  });

  it('a server of neither (found by SRV) keeps its password login', async () => {
    dns.add({ type: 'SRV', name: '_imaps._tcp.plain-srv.test', target: 'mail.plain-srv.test', port: 993, priority: 0, weight: 0 });
    const { account: chosen, detected } = await resolveAuto(imapAuto('fred@plain-srv.test', 'pw'), 'source', network);
    expect(chosen.auth).toBeUndefined();
    expect(detected).not.toMatch(/OAuth2/);
  });
});
