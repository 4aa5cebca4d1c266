import type { AccountCredentials, AccountEndpoint } from '../../ports/account';
import { oauthQuery } from '../oauth';

/** Where Exchange serves EWS when the URL gives no path. */
export const DEFAULT_EWS_PATH = '/EWS/Exchange.asmx';

/**
 * The Exchange parts of an account URL: the EWS path, `?as=admin@domain` (the administrator logs
 * in and acts for the URL's mailbox by impersonation) and `?auth=ntlm`.
 */
export function exchangeOptions(account: AccountCredentials, url: URL, fail: (why: string) => Error): AccountCredentials {
  const admin = url.searchParams.get('as')?.trim();
  const auth = url.searchParams.get('auth')?.toLowerCase();
  if (auth && auth !== 'basic' && auth !== 'ntlm' && auth !== 'oauth2') throw fail(`unknown auth "${auth}" (use basic, ntlm or oauth2)`);
  if (admin !== undefined && !admin.includes('@')) throw fail(`?as= takes the administrator's address (admin@domain), not "${admin}"`);
  const path = url.pathname && url.pathname !== '/' ? url.pathname : DEFAULT_EWS_PATH;
  return {
    ...account,
    path,
    ...(auth === 'ntlm' ? { auth: 'ntlm' as const } : {}),
    ...(admin ? { user: admin, impersonate: account.user } : {}),
  };
}

export function formatExchangeUrl(a: AccountEndpoint, host: string): string {
  const query = [a.impersonate ? `as=${encodeURIComponent(a.user)}` : '', a.auth === 'ntlm' ? 'auth=ntlm' : '', ...oauthQuery(a), a.insecure ? 'insecure=1' : ''].filter(Boolean).join('&');
  return `ews${a.secure ? '' : '+http'}://${encodeURIComponent(a.impersonate ?? a.user)}@${host}:${a.port}${a.path ?? DEFAULT_EWS_PATH}${query ? `?${query}` : ''}`;
}
