import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';

/**
 * Everything autodetection reads from the network, in one injectable place: tests point DNS at a
 * local responder and HTTP at a local server; users can set TERN_DNS_SERVERS.
 */
export interface Network {
  /** MX hosts, best preference first (lower case, no final dot). */
  resolveMx(domain: string): Promise<string[]>;
  resolveSrv(name: string): Promise<Array<{ name: string; port: number; priority: number; weight: number }>>;
  /** TXT records, each as its character strings (RFC 6764 puts a DAV path= there). */
  resolveTxt(name: string): Promise<string[][]>;
  /** IPv4 addresses of a host, for probing guesses through the same resolver. */
  resolveHost(host: string): Promise<string[]>;
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** Connects and returns the server's first line (greeting), or undefined when nothing answers. */
  greeting(address: string, port: number, secure: boolean, servername: string, timeoutMs: number): Promise<string | undefined>;
}

export function systemNetwork(options: { dnsServers?: string[]; timeoutMs: number }): Network {
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: 1 });
  if (options.dnsServers?.length) resolver.setServers(options.dnsServers);
  const clean = (h: string) => h.toLowerCase().replace(/\.$/, '');
  return {
    resolveMx: async (domain) => (await resolver.resolveMx(domain)).sort((a, b) => a.priority - b.priority).map((m) => clean(m.exchange)),
    resolveSrv: async (name) => (await resolver.resolveSrv(name)).map((r) => ({ ...r, name: clean(r.name) })),
    resolveTxt: (name) => resolver.resolveTxt(name),
    resolveHost: (host) => (net.isIP(host) ? Promise.resolve([host]) : resolver.resolve4(host)),
    fetch: (url, init) => fetch(url, init),
    greeting,
  };
}

function greeting(address: string, port: number, secure: boolean, servername: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    // A guess is only offered when the server really answers; its certificate is checked later, by the login.
    const socket = secure ? tls.connect({ host: address, port, servername, rejectUnauthorized: false }) : net.connect({ host: address, port });
    let data = '';
    const done = (line: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(line);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const end = data.indexOf('\n');
      if (end >= 0) done(data.slice(0, end).trim());
    });
    socket.on('error', () => done(undefined));
    socket.on('close', () => done(undefined));
  });
}
