import { describe, expect, it } from 'vitest';
import { FormErrors, parseImportForm, parseMigrateForm, SERVER_TYPES, type AccountFields } from '../commands/migrate-form';
import { confirmMessage } from '../adapters/discord/render';
import { optionsScopeNote } from '../src/options';
import { accountLabel } from '../commands/views';
import { formatAccount } from '../src/accounts';

const imap: AccountFields = { type: 'imap', login: 'bob@example.com', password: 'pw', host: 'imap.example.com' };
const parse = (source: AccountFields, destination: AccountFields = imap) => parseMigrateForm({ source, destination, items: ['emails'] });
const errorsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof FormErrors) return err.errors;
    throw err;
  }
  throw new Error('no error');
};

describe('the /migrate form, Exchange side', () => {
  it('takes an EWS URL as it is', () => {
    const { source } = parse({ type: 'exchange', login: 'alice@example.com', password: 'pw', host: 'https://ex3.mail.ovh.net/EWS/Exchange.asmx' });
    expect(source).toMatchObject({ protocol: 'ews', host: 'ex3.mail.ovh.net', port: 443, secure: true, path: '/EWS/Exchange.asmx', user: 'alice@example.com' });
  });

  it('takes a bare host with the usual EWS path; plain http when TLS is off', () => {
    expect(parse({ type: 'exchange', login: 'a@x.test', password: 'pw', host: 'mail.x.test' }).source).toMatchObject({ host: 'mail.x.test', port: 443, secure: true, path: '/EWS/Exchange.asmx' });
    expect(parse({ type: 'exchange', login: 'a@x.test', password: 'pw', host: 'mail.x.test', tls: false, port: '8080' }).source).toMatchObject({ port: 8080, secure: false });
  });

  it('leaves an empty server to Autodiscover, which needs the address', () => {
    expect(parse({ type: 'exchange', login: 'a@x.test', password: 'pw' }).source).toMatchObject({ protocol: 'ews', host: 'auto' });
    expect(errorsOf(() => parse({ type: 'exchange', login: 'alice', password: 'pw' }))['source.login']).toMatch(/autodetection needs the e-mail address/);
  });

  it('says which field is wrong', () => {
    const errors = errorsOf(() => parse({ type: 'exchange', login: '', password: '', host: 'not a host!' }));
    expect(errors['source.login']).toMatch(/enter the e-mail address/);
    expect(errors['source.password']).toMatch(/enter the password/);
    expect(errors['source.host']).toMatch(/neither a server name nor an EWS URL/);
  });

  it('refuses a login with a line break in it', () => {
    const errors = errorsOf(() => parse({ ...imap, login: 'bob\r\n@example.com' }));
    expect(errors['source.login']).toBe('Source: the login contains a line break or another control character; type it on one line.');
  });
});

describe('the /migrate form, calendars and contacts on a CalDAV/CardDAV server', () => {
  const withDav = (dav: string, side: Partial<AccountFields> = {}) => parse({ ...imap, login: 'alice@example.com', password: 'app-pw', ...side, dav }).source;

  it('takes a server name, an https:// address, a dav:// URL or "auto", with the side\'s login and password', () => {
    expect(withDav('dav.example.com').pim).toMatchObject({ protocol: 'dav', host: 'dav.example.com', port: 443, secure: true, user: 'alice@example.com', password: 'app-pw' });
    expect(withDav('https://cloud.example.com/remote.php/dav/').pim).toMatchObject({ host: 'cloud.example.com', secure: true, path: '/remote.php/dav/', user: 'alice@example.com', password: 'app-pw' });
    expect(withDav('http://127.0.0.1:5232/').pim).toMatchObject({ host: '127.0.0.1', port: 5232, secure: false, path: '/' });
    expect(withDav('dav://other%40example.com@dav.example.com/cal/').pim).toMatchObject({ user: 'other@example.com', password: 'app-pw', path: '/cal/' });
    expect(withDav('auto').pim).toMatchObject({ protocol: 'dav', host: 'auto', user: 'alice@example.com' });
    // The mail account itself is unchanged.
    expect(withDav('dav.example.com')).toMatchObject({ protocol: 'imap', host: 'imap.example.com' });
  });

  it('leaves the side without one when the field is empty', () => {
    expect(withDav('  ').pim).toBeUndefined();
  });

  it('says what is wrong with a bad one, next to the field', () => {
    const errors = errorsOf(() => withDav('imaps://alice@imap.example.com'));
    expect(errors['source.dav']).toMatch(/^Source: the calendars and contacts server takes a CalDAV\/CardDAV account/);
    expect(errorsOf(() => withDav('dav.example.com:99999'))['source.dav']).toMatch(/^Source: the calendars and contacts server is not valid: .*port/);
  });
});

// The form's sign-in choice: a provider takes the password's place; "another provider" needs its address and client id.
describe('the /migrate form, sign-in choice', () => {
  it('Microsoft or Google: OAuth2 at that preset, no password kept even if one was typed', () => {
    expect(parse({ type: 'imap', login: 'a@contoso.com', host: 'outlook.office365.com', signIn: 'microsoft' }).source).toMatchObject({ auth: 'oauth2', oauth: { issuer: 'microsoft' }, password: '', host: 'outlook.office365.com' });
    expect(parse({ type: 'imap', login: 'a@gmail.com', password: 'typed', host: 'imap.gmail.com', signIn: 'google' }).source).toMatchObject({ auth: 'oauth2', oauth: { issuer: 'google' }, password: '' });
  });

  it('another provider: its address, client id and scopes', () => {
    const { source } = parse({ type: 'imap', login: 'a', host: 'mail.example.com', signIn: 'other', issuer: 'https://login.example.com/', clientId: ' tern ', scope: 'openid mail' });
    expect(source).toMatchObject({ auth: 'oauth2', oauth: { issuer: 'https://login.example.com', clientId: 'tern', scope: 'openid mail' }, password: '' });
  });

  it('another provider without an address or client id: an error at each field, none at the password', () => {
    const errors = errorsOf(() => parse({ type: 'imap', login: 'a', host: 'mail.example.com', signIn: 'other', issuer: 'login.example.com' }));
    expect(errors['source.issuer']).toBe("Source: enter the sign-in provider's address (https://login.example.com), or choose another sign-in.");
    expect(errors['source.clientId']).toBe('Source: enter the client id Tern is registered with at the sign-in provider.');
    expect(errors['source.password']).toBeUndefined();
  });

  it('a password sign-in still needs the password, and says a sign-in is the other way', () => {
    expect(errorsOf(() => parse({ type: 'imap', login: 'a', host: 'mail.example.com', signIn: 'password' }))['source.password']).toMatch(/enter the password .*or choose a sign-in/);
    expect(parse(imap).source.auth).toBeUndefined();
  });
});

describe('the PST import form, options', () => {
  const values = { destination: imap, items: ['emails', 'calendars'], options: { since: '2024-01-01', excludeFolders: 'Spam' } };

  it('parses the same options as the migrate form, and an error is keyed by its field', () => {
    expect(parseImportForm(values).options).toEqual({ since: '2024-01-01', excludeFolders: ['Spam'] });
    expect(errorsOf(() => parseImportForm({ ...values, options: { maxSize: 'big' } }))).toEqual({ 'options.maxSize': expect.stringMatching(/--max-size "big" is not a size/) });
  });

  it('Discord: the import confirm step offers Options… and Newest first (not Check first), and says the options choose e-mails only', () => {
    const v = { source: {}, ...values };
    const shown = confirmMessage('F1', v, {}, [], false);
    const ids = shown.components.flatMap((r) => r.components.map((b) => ('custom_id' in b ? b.custom_id : '')));
    expect(ids.some((id) => id.endsWith(':open-options'))).toBe(true);
    expect(ids.some((id) => id.endsWith(':newest'))).toBe(true);
    expect(ids.some((id) => id.endsWith(':check'))).toBe(false);
    // Only the destination signs in (a PST has no source account).
    expect(ids.filter((id) => id.includes(':signin-'))).toEqual(['tern:form:F1:signin-destination']);
    expect(shown.content).toContain('The options apply to e-mails only: calendars move whole.');
    // A wrong option keeps Options… reachable to fix it.
    const wrong = confirmMessage('F1', { ...v, options: { since: 'soon' } }, { 'options.since': 'bad day' }, [], false);
    expect(wrong.components.flatMap((r) => r.components.map((b) => ('custom_id' in b ? b.custom_id : ''))).some((id) => id.endsWith(':open-options'))).toBe(true);
  });

  it('the plan says the options leave the other kinds whole', () => {
    expect(optionsScopeNote({ since: '2024-01-01' }, ['emails', 'contacts', 'tasks'])).toBe('The options apply to e-mails only: contacts and tasks move whole.');
    expect(optionsScopeNote({ since: '2024-01-01' }, ['emails'])).toBeUndefined();
    expect(optionsScopeNote(undefined, ['emails', 'calendars'])).toBeUndefined();
  });
});

describe('the /migrate form, Microsoft 365 side', () => {
  it('is offered, named Microsoft 365; the address and "Sign in with Microsoft" make a delegated Graph account (graph://user@domain)', () => {
    expect(SERVER_TYPES).toContainEqual({ value: 'graph', label: 'Microsoft 365' });
    const { source } = parse({ type: 'graph', login: 'Ann@Contoso.com', signIn: 'microsoft', password: 'typed by mistake' });
    expect(source).toMatchObject({ protocol: 'graph', host: 'contoso.com', port: 443, secure: true, user: 'Ann@Contoso.com', auth: 'oauth2', oauth: { issuer: 'microsoft' }, password: '' });
    expect(formatAccount(source)).toBe('graph://Ann%40Contoso.com@contoso.com?auth=oauth2');
    expect(accountLabel(source)).toBe('Ann@Contoso.com on Microsoft 365');
  });

  it('a proxy or test server goes in the server field as http://host:port', () => {
    const { destination } = parseMigrateForm({ source: imap, destination: { type: 'graph', login: 'ann@contoso.com', signIn: 'other', issuer: 'http://127.0.0.1:9/', clientId: 'tern', host: 'http://127.0.0.1:8080' }, items: ['contacts'] });
    expect(destination).toMatchObject({ protocol: 'graph', host: '127.0.0.1', port: 8080, secure: false, auth: 'oauth2', oauth: { issuer: 'http://127.0.0.1:9', clientId: 'tern' } });
    expect(accountLabel(destination)).toBe('ann@contoso.com on Microsoft 365 (Graph at 127.0.0.1:8080)');
  });

  it('a password sign-in, a login that is not an address, or a server name: an error at that field', () => {
    const errors = errorsOf(() => parse({ type: 'graph', login: 'ann', password: 'pw', host: 'graph.example.com' }));
    expect(errors['source.signIn']).toBe('Source: Microsoft 365 signs in with Microsoft (OAuth2), not a password: choose Sign in with Microsoft.');
    expect(errors['source.login']).toBe('Source: Microsoft 365 needs the whole e-mail address (name@domain).');
    expect(errors['source.host']).toMatch(/^Source: leave the server empty for Microsoft 365/);
    expect(errors['source.password']).toBeUndefined();
  });
});
