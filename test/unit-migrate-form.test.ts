import { describe, expect, it } from 'vitest';
import { FormErrors, parseMigrateForm, type AccountFields } from '../commands/migrate-form';

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
