import { isIP } from 'node:net';

/**
 * The TLS server name to send for a host: none for an IP address (RFC 6066 allows host names only,
 * and Node warns with DEP0123 when one is set), so `imaps://192.0.2.1` connects without a warning.
 */
export function sniFor(host: string): { servername?: string } {
  return isIP(host) ? {} : { servername: host };
}
