import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { TernError } from '../errors';
import type { AppCredential } from '../store/oauth-apps';

/**
 * App credentials read from files (`tern app add`, and the TERN_APP_* configuration, read once at
 * start: hence synchronous). Each error names the option or variable the file was given by.
 */

/** Reads a credential file; a missing or unreadable one is said with its option. */
function read(option: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TernError('BAD_PASSWORD_FILE', `Cannot read ${option} ${file}${code === 'ENOENT' ? ': there is no such file' : ''}.`, { field: 'credential' });
  }
}

/**
 * A certificate app (Microsoft): the certificate (PEM) and its private key (PEM, in the same file
 * or another). The key must belong to the certificate; the certificate is named by its SHA-1
 * thumbprint, as Microsoft's x5t header wants it.
 */
export function certificateCredential(certificateFile: string, privateKeyFile?: string, names = { certificate: '--certificate-file', key: '--private-key-file' }): Extract<AppCredential, { kind: 'certificate' }> {
  const certText = read(names.certificate, certificateFile);
  const keyText = privateKeyFile ? read(names.key, privateKeyFile) : certText;
  const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(certText)?.[0];
  if (!certPem) throw new TernError('BAD_PASSWORD_FILE', `${names.certificate} ${certificateFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`, { field: 'credential' });
  const keyPem = /-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (RSA |ENCRYPTED )?PRIVATE KEY-----/.exec(keyText)?.[0];
  const keyFrom = privateKeyFile ? `${names.key} ${privateKeyFile}` : `${names.certificate} ${certificateFile} (or give ${names.key})`;
  if (!keyPem) throw new TernError('BAD_PASSWORD_FILE', `${keyFrom} holds no PEM private key (-----BEGIN PRIVATE KEY-----).`, { field: 'credential' });
  if (keyPem.includes('ENCRYPTED')) throw new TernError('BAD_PASSWORD_FILE', `${keyFrom} holds an encrypted private key: give it unencrypted (openssl pkcs8 -nocrypt), Tern keeps it encrypted itself.`, { field: 'credential' });
  let cert: X509Certificate;
  let key: KeyObject;
  try {
    cert = new X509Certificate(certPem);
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new TernError('BAD_PASSWORD_FILE', `The certificate or private key could not be read (${(err as Error).message}).`, { field: 'credential' });
  }
  if (key.asymmetricKeyType !== 'rsa') throw new TernError('BAD_PASSWORD_FILE', `${keyFrom} holds a ${key.asymmetricKeyType} key: Microsoft's client assertions take an RSA key.`, { field: 'credential' });
  if (!cert.checkPrivateKey(key)) throw new TernError('BAD_PASSWORD_FILE', `The private key in ${keyFrom} does not belong to the certificate in ${certificateFile}.`, { field: 'credential' });
  const thumbprint = Buffer.from(cert.fingerprint.replace(/:/g, ''), 'hex').toString('base64url');
  return { kind: 'certificate', privateKeyPem: keyPem, thumbprint };
}

/** A Google service account's JSON key, as Google Cloud's console gives it. */
export function serviceAccountCredential(file: string, option = '--service-account-file'): Extract<AppCredential, { kind: 'service-account' }> {
  let json: { type?: string; client_email?: string; private_key?: string; private_key_id?: string; token_uri?: string };
  try {
    json = JSON.parse(read(option, file));
  } catch (err) {
    if (err instanceof TernError) throw err;
    throw new TernError('BAD_PASSWORD_FILE', `${option} ${file} is not JSON: give the service account's JSON key from Google Cloud's console.`, { field: 'credential' });
  }
  const missing = (['client_email', 'private_key', 'token_uri'] as const).filter((k) => !json[k]);
  if (json.type !== 'service_account' || missing.length) {
    const what = json.type !== 'service_account' ? `its "type" is not "service_account"` : `it lacks ${missing.join(', ')}`;
    throw new TernError('BAD_PASSWORD_FILE', `${option} ${file} is not a service account key (${what}): give the JSON key from Google Cloud's console.`, { field: 'credential' });
  }
  try {
    createPrivateKey(json.private_key!);
  } catch {
    throw new TernError('BAD_PASSWORD_FILE', `${option} ${file}: its private_key could not be read.`, { field: 'credential' });
  }
  return { kind: 'service-account', clientEmail: json.client_email!, privateKeyPem: json.private_key!, keyId: json.private_key_id, tokenUri: json.token_uri! };
}
