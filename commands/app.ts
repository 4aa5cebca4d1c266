import fs from 'node:fs/promises';
import { TernError } from '../src/errors';
import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';

export interface AddAppRequest {
  domain: string;
  issuer: string;
  clientId: string;
  /** A file holding the client secret on its first line (never the secret on the command line). */
  clientSecretFile: string;
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
      throw new TernError('BAD_ACCOUNT_URL', `--issuer takes the authorization server's URL (https://…) or microsoft, not "${req.issuer}".`, { field: 'issuer' });
    }
  } else issuer = issuer.toLowerCase();
  let secret: string;
  try {
    secret = (await fs.readFile(req.clientSecretFile, 'utf8')).replace(/\r?\n$/, '');
  } catch {
    throw new TernError('BAD_PASSWORD_FILE', `Cannot read --client-secret-file ${req.clientSecretFile}.`, { field: 'clientSecret' });
  }
  if (!secret || /[\r\n]/.test(secret)) throw new TernError('BAD_PASSWORD_FILE', `--client-secret-file ${req.clientSecretFile} must hold the client secret on one line.`, { field: 'clientSecret' });
  return service.addApp({ domain, issuer, clientId: req.clientId.trim(), clientSecret: secret, scope: req.scope?.trim() || undefined }, actor);
}
