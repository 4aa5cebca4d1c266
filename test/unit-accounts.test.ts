import { describe, expect, it } from 'vitest';
import { formatAccount, parseAccountUrl } from '../src/accounts';
import { TernError } from '../src/errors';
import { checkItemsSupported, parseItems } from '../src/items';

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
});
