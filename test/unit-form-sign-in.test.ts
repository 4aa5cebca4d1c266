import { describe, expect, it } from 'vitest';
import { FormErrors, parseMigrateForm, type AccountFields } from '../commands/migrate-form';

// The form's sign-in choice: a provider takes the password's place; "another provider" needs its address and client id.
const imap: AccountFields = { type: 'imap', login: 'bob@example.com', password: 'pw', host: 'imap.example.com' };
const parse = (source: AccountFields) => parseMigrateForm({ source, destination: imap, items: ['emails'] });
const errorsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof FormErrors) return err.errors;
    throw err;
  }
  throw new Error('no error');
};

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
