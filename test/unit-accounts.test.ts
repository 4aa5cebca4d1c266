import { describe, expect, it } from 'vitest';
import { formatAccount, mailboxOf, parseAccountUrl } from '../src/accounts';
import { TernError } from '../src/errors';
import { parseItems } from '../src/items';
import { checkItemsSupported } from '../src/connectors/registry';

describe('account URLs', () => {
  it('parses imap, imaps, pop3 and pop3s with default ports', () => {
    expect(parseAccountUrl('imap://bob:pw@mail.example.com', 'source')).toMatchObject({ protocol: 'imap', port: 143, secure: false, user: 'bob', password: 'pw' });
    expect(parseAccountUrl('imaps://bob:pw@mail.example.com', 'source')).toMatchObject({ protocol: 'imap', port: 993, secure: true });
    expect(parseAccountUrl('pop3://bob:pw@mail.example.com', 'source')).toMatchObject({ protocol: 'pop3', port: 110, secure: false });
    expect(parseAccountUrl('pop3s://bob:pw@mail.example.com:1995', 'source')).toMatchObject({ protocol: 'pop3', port: 1995, secure: true });
  });

  it('decodes percent-encoded user names and passwords', () => {
    const a = parseAccountUrl('imaps://alice%40example.com:p%40ss%3Aw%2Fd@imap.example.com:993', 'destination');
    expect(a.user).toBe('alice@example.com');
    expect(a.password).toBe('p@ss:w/d');
  });

  it('takes the password from the fallback when the URL has none', () => {
    expect(parseAccountUrl('imap://bob@h', 'source', 'fromenv').password).toBe('fromenv');
    expect(parseAccountUrl('imap://bob:inurl@h', 'source', 'fromenv').password).toBe('inurl');
  });

  it('accepts ?insecure=1 for self-signed certificates', () => {
    expect(parseAccountUrl('imaps://bob:pw@h?insecure=1', 'source').insecure).toBe(true);
    expect(parseAccountUrl('imaps://bob:pw@h', 'source').insecure).toBe(false);
  });

  it.each([
    ['not a url', /not a URL/],
    ['http://bob:pw@h', /unknown scheme "http"/],
    ['imap://h', /user name is missing/],
    ['imap://bob:%E0%A4%A@h', /broken %-escape/],
  ])('refuses %s with a clear message naming the side', (input, message) => {
    const err = (() => {
      try {
        parseAccountUrl(input, 'source');
      } catch (e) {
        return e as TernError;
      }
    })();
    expect(err).toBeInstanceOf(TernError);
    expect(err!.code).toBe('BAD_ACCOUNT_URL');
    expect(err!.field).toBe('source');
    expect(err!.userMessage).toMatch(message);
  });

  it('names the environment variable when no password is given', () => {
    expect(() => parseAccountUrl('imap://bob@h', 'destination')).toThrow(/TERN_TO_PASSWORD/);
    expect(() => parseAccountUrl('imap://bob@h', 'source')).toThrow(/TERN_FROM_PASSWORD/);
  });

  it('formats an account without its password', () => {
    const a = parseAccountUrl('imaps://alice%40example.com:secret@imap.example.com', 'source');
    const shown = formatAccount(a);
    expect(shown).toBe('imaps://alice%40example.com@imap.example.com:993');
    expect(shown).not.toContain('secret');
  });
});

describe('Exchange account URLs', () => {
  it('parses ews:// (HTTPS) and ews+http:// with the default EWS path, or the one given', () => {
    expect(parseAccountUrl('ews://alice%40example.com:pw@ex1.mail.ovh.net', 'source')).toMatchObject({
      protocol: 'ews',
      host: 'ex1.mail.ovh.net',
      port: 443,
      secure: true,
      path: '/EWS/Exchange.asmx',
      user: 'alice@example.com',
      password: 'pw',
    });
    expect(parseAccountUrl('ews+http://bob:pw@127.0.0.1:8080/ews/exchange.asmx', 'destination')).toMatchObject({ port: 8080, secure: false, path: '/ews/exchange.asmx' });
  });

  it('takes ?as= as the administrator who logs in and acts for the mailbox, and ?auth=ntlm', () => {
    const a = parseAccountUrl('ews://alice%40example.com:adminpw@ex.example.com/EWS/Exchange.asmx?as=admin%40example.com&auth=ntlm', 'source');
    expect(a).toMatchObject({ user: 'admin@example.com', impersonate: 'alice@example.com', password: 'adminpw', auth: 'ntlm' });
    expect(mailboxOf(a)).toBe('alice@example.com');
    const shown = formatAccount(a);
    expect(shown).toBe('ews://alice%40example.com@ex.example.com:443/EWS/Exchange.asmx?as=admin%40example.com&auth=ntlm');
    expect(shown).not.toContain('adminpw');
    expect(parseAccountUrl(shown.replace('ews://alice%40example.com@', 'ews://alice%40example.com:adminpw@'), 'source')).toEqual(a);
  });

  it('refuses a bad ?as= or ?auth= naming the side', () => {
    expect(() => parseAccountUrl('ews://a:pw@h?as=admin', 'source')).toThrow(/source account URL.*\?as= takes the administrator's address/);
    expect(() => parseAccountUrl('ews://a:pw@h?auth=kerberos', 'destination')).toThrow(/destination account URL.*unknown auth "kerberos"/);
  });
});

describe('items', () => {
  it('parses, orders and de-duplicates item kinds case-insensitively', () => {
    expect(parseItems('tasks, Emails,contacts,emails')).toEqual(['emails', 'contacts', 'tasks']);
    expect(parseItems(undefined)).toEqual(['emails']);
  });

  it('refuses unknown kinds naming them', () => {
    expect(() => parseItems('emails,notes')).toThrow(/Unknown item "notes"/);
  });

  it('refuses what IMAP and POP3 cannot carry, with the reason', () => {
    expect(() => checkItemsSupported(['emails', 'contacts'], 'imap', 'imap')).toThrow(/Contacts cannot be migrated from this source: IMAP accounts carry e-mails only/);
    expect(() => checkItemsSupported(['emails'], 'imap', 'pop3')).toThrow(/POP3 account cannot be a destination/);
    expect(() => checkItemsSupported(['emails'], 'pop3', 'imap')).not.toThrow();
  });

  it('lets Exchange carry every kind both ways, PSTs their five into Exchange, and refuses the rest', () => {
    const all = parseItems('emails,contacts,contactGroups,calendars,tasks,inboxRules,outOfOffice');
    expect(() => checkItemsSupported(all, 'ews', 'ews')).not.toThrow();
    expect(() => checkItemsSupported(['emails'], 'imap', 'ews')).not.toThrow();
    expect(() => checkItemsSupported(['emails'], 'ews', 'imap')).not.toThrow();
    expect(() => checkItemsSupported(['emails', 'contacts', 'contactGroups', 'calendars', 'tasks'], 'pst', 'ews')).not.toThrow();
    expect(() => checkItemsSupported(['calendars'], 'ews', 'imap')).toThrow(/Calendars cannot be migrated to this destination: IMAP accounts carry e-mails only/);
    expect(() => checkItemsSupported(['inboxRules'], 'pst', 'ews')).toThrow(/Inbox rules cannot be migrated from this source: a PST file holds/);
  });
});
