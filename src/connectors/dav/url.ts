import type { AccountCredentials, AccountEndpoint } from '../../ports/account';

/** The DAV parts of an account URL: the path where discovery starts (a server's DAV root, e.g. /remote.php/dav). */
export function davOptions(account: AccountCredentials, url: URL): AccountCredentials {
  return { ...account, path: url.pathname && url.pathname !== '' ? url.pathname : '/' };
}

export function formatDavUrl(a: AccountEndpoint, host: string): string {
  return `dav${a.secure ? '' : '+http'}://${encodeURIComponent(a.user)}@${host}:${a.port}${a.path ?? '/'}${a.insecure ? '?insecure=1' : ''}`;
}
