import fs from 'node:fs/promises';
import { TernError } from '../src/errors';
import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { AppCredential } from '../src/store/oauth-apps';
import { certificateCredential, serviceAccountCredential } from '../src/auth/credential-files';

export interface AddAppRequest {
  domain: string;
  issuer: string;
  /** Not needed for a service account (its key file names it). */
  clientId?: string;
  /** Exactly one way to prove the app: a file holding the client secret on its first line (never the secret on the command line)… */
  clientSecretFile?: string;
  /** …a certificate (PEM) and its private key (PEM, in the same file or in privateKeyFile)… */
  certificateFile?: string;
  privateKeyFile?: string;
  /** …or a Google service account's JSON key. */
  serviceAccountFile?: string;
  scope?: string;
}

/** Parse → check (a token is fetched) → keep app-only access for every mailbox of the domain. */
export async function addApp(service: TernService, req: AddAppRequest, actor: Actor): Promise<{ issuer: string }> {
  const domain = req.domain.trim().toLowerCase();
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) throw new TernError('BAD_ACCOUNT_URL', `"${req.domain}" is not a mail domain (e.g. contoso.com).`, { field: 'domain' });
  let issuer = req.issuer.trim();
  if (!['microsoft', 'google'].includes(issuer.toLowerCase())) {
    try {
      const url = new URL(issuer);
      if (!/^https?:$/.test(url.protocol)) throw new Error('not http');
      issuer = url.href.replace(/\/$/, '');
    } catch {
      throw new TernError('BAD_ACCOUNT_URL', `--issuer takes the authorization server's URL (https://…), microsoft or google, not "${req.issuer}".`, { field: 'issuer' });
    }
  } else issuer = issuer.toLowerCase();
  const ways = [req.clientSecretFile, req.certificateFile, req.serviceAccountFile].filter(Boolean).length;
  if (ways !== 1) {
    throw new TernError('BAD_ACCOUNT_URL', 'Give exactly one of --client-secret-file, --certificate-file (Microsoft, with --private-key-file when the key is apart) or --service-account-file (Google).', { field: 'clientSecret' });
  }
  let credential: AppCredential;
  let clientId = req.clientId?.trim() ?? '';
  if (req.serviceAccountFile) {
    credential = await serviceAccountCredential(req.serviceAccountFile);
    clientId = credential.clientEmail;
  } else if (req.certificateFile) {
    credential = await certificateCredential(req.certificateFile, req.privateKeyFile);
  } else {
    credential = { kind: 'secret', secret: await readSecret(req.clientSecretFile!) };
  }
  if (!clientId) throw new TernError('BAD_ACCOUNT_URL', '--client-id is needed: the application (client) id registered at the issuer.', { field: 'clientId' });
  return service.addApp({ domain, issuer, clientId, credential, scope: req.scope?.trim() || undefined }, actor);
}

async function readSecret(file: string): Promise<string> {
  let secret: string;
  try {
    secret = (await fs.readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch {
    throw new TernError('BAD_PASSWORD_FILE', `Cannot read --client-secret-file ${file}.`, { field: 'clientSecret' });
  }
  if (!secret || /[\r\n]/.test(secret)) throw new TernError('BAD_PASSWORD_FILE', `--client-secret-file ${file} must hold the client secret on one line.`, { field: 'clientSecret' });
  return secret;
}
