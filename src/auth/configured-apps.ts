import { TernError } from '../errors';
import type { OAuthApp } from '../store/oauth-apps';
import { certificateCredential, serviceAccountCredential } from './credential-files';

/** App-only access configured in the environment (TERN_APP_*) for one mail domain. */
export interface ConfiguredApp extends OAuthApp {
  /** Microsoft: the tenant that issues its tokens (a tenant id, or a domain of it). */
  tenant?: string;
  /** The variables it comes from, for errors ("check TERN_APP_MICROSOFT_*"). */
  variables: string;
}

const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/**
 * The TERN_APP_* variables as one registration per mail domain, each problem named by its
 * variable (collected: the caller says them all at once). Files are read now, so a missing or
 * broken key is said at start, not at the first task.
 */
export function configuredApps(env: Record<string, string | undefined>): { apps: ConfiguredApp[]; issues: string[] } {
  const issues: string[] = [];
  const apps: ConfiguredApp[] = [];
  const attempt = <T>(variable: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof TernError)) throw err;
      // The credential readers name the variable themselves.
      issues.push(err.userMessage.includes('TERN_APP_') ? err.userMessage : `${variable}: ${err.userMessage}`);
      return undefined;
    }
  };
  const domains = (variable: string, fallback?: string): string[] => {
    const list = (env[variable] ?? fallback ?? '').split(',').map((d) => d.trim().toLowerCase()).filter(Boolean);
    const bad = list.filter((d) => !DOMAIN.test(d));
    if (bad.length) issues.push(`${variable}: ${bad.map((d) => `"${d}"`).join(', ')} ${bad.length === 1 ? 'is not a mail domain' : 'are not mail domains'} (e.g. contoso.com, comma-separated).`);
    return list.filter((d) => DOMAIN.test(d));
  };

  const ms = (name: string) => env[`TERN_APP_MICROSOFT_${name}`];
  if (['TENANT', 'DOMAINS', 'CLIENT_ID', 'CLIENT_SECRET', 'CERTIFICATE_FILE', 'PRIVATE_KEY_FILE'].some((n) => ms(n) !== undefined)) {
    const tenant = ms('TENANT')?.trim();
    if (!tenant) issues.push('TERN_APP_MICROSOFT_TENANT: set the tenant whose mailboxes the app reaches (its id, or one of its domains: contoso.com).');
    else if (!/^[A-Za-z0-9.-]+$/.test(tenant)) issues.push(`TERN_APP_MICROSOFT_TENANT: "${tenant}" is not a tenant id or domain.`);
    // A tenant named by its domain covers that domain; a tenant id needs its domains listed.
    const covered = domains('TERN_APP_MICROSOFT_DOMAINS', tenant && DOMAIN.test(tenant.toLowerCase()) ? tenant : undefined);
    if (tenant && !covered.length && !ms('DOMAINS')) issues.push('TERN_APP_MICROSOFT_DOMAINS: set the mail domains the app reaches (comma-separated), as TERN_APP_MICROSOFT_TENANT is a tenant id.');
    const clientId = ms('CLIENT_ID')?.trim();
    if (!clientId) issues.push('TERN_APP_MICROSOFT_CLIENT_ID: set the application (client) id registered in Entra ID.');
    const ways = [ms('CLIENT_SECRET'), ms('CERTIFICATE_FILE')].filter(Boolean).length;
    if (ways !== 1) issues.push('TERN_APP_MICROSOFT_CLIENT_SECRET, TERN_APP_MICROSOFT_CERTIFICATE_FILE: set exactly one (the client secret, or the certificate file with its private key).');
    if (ms('PRIVATE_KEY_FILE') && !ms('CERTIFICATE_FILE')) issues.push('TERN_APP_MICROSOFT_PRIVATE_KEY_FILE: goes with TERN_APP_MICROSOFT_CERTIFICATE_FILE (the key of that certificate).');
    const credential =
      ways !== 1
        ? undefined
        : ms('CLIENT_SECRET')
          ? { kind: 'secret' as const, secret: ms('CLIENT_SECRET')! }
          : attempt('TERN_APP_MICROSOFT_CERTIFICATE_FILE', () =>
              certificateCredential(ms('CERTIFICATE_FILE')!, ms('PRIVATE_KEY_FILE'), { certificate: 'TERN_APP_MICROSOFT_CERTIFICATE_FILE', key: 'TERN_APP_MICROSOFT_PRIVATE_KEY_FILE' }),
            );
    if (tenant && clientId && credential) {
      for (const domain of covered) apps.push({ domain, issuer: 'microsoft', clientId, credential, tenant, variables: 'TERN_APP_MICROSOFT_*' });
    }
  }

  const file = env.TERN_APP_GOOGLE_SERVICE_ACCOUNT_FILE;
  if (file !== undefined || env.TERN_APP_GOOGLE_DOMAINS !== undefined) {
    const covered = domains('TERN_APP_GOOGLE_DOMAINS');
    if (!env.TERN_APP_GOOGLE_DOMAINS) issues.push('TERN_APP_GOOGLE_DOMAINS: set the Google Workspace domains the service account acts in (comma-separated).');
    if (!file) issues.push("TERN_APP_GOOGLE_SERVICE_ACCOUNT_FILE: set the service account's JSON key file (from Google Cloud's console).");
    const credential = file ? attempt('TERN_APP_GOOGLE_SERVICE_ACCOUNT_FILE', () => serviceAccountCredential(file, 'TERN_APP_GOOGLE_SERVICE_ACCOUNT_FILE')) : undefined;
    if (credential) for (const domain of covered) apps.push({ domain, issuer: 'google', clientId: credential.clientEmail, credential, variables: 'TERN_APP_GOOGLE_*' });
  }

  const twice = apps.map((a) => a.domain).filter((d, i, all) => all.indexOf(d) !== i);
  if (twice.length) issues.push(`TERN_APP_MICROSOFT_DOMAINS, TERN_APP_GOOGLE_DOMAINS: ${[...new Set(twice)].join(', ')} named for both Microsoft and Google; a domain is at one of them.`);
  return { apps, issues };
}
