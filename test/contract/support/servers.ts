// The servers the contract suite runs against, each started once per test file on first use and
// stopped by stopServers(). Accounts come from a pool declared at start-up, one fresh account per
// test: Dovecot's addUser waits for the next wall-clock second (its passwd-file check), which
// would cost a second a test.
import { startDovecot, type DovecotFlavour, type DovecotServer } from '../../support/dovecot';
import { startFakeEws, type FakeEws, type FakeEwsOptions } from '../../fakes/ews';
import { startRadicale, type RadicaleServer } from '../../support/radicale';
import { startFakeGraph, type FakeGraph, type FakeGraphOptions } from '../../fakes/graph';
import type { AccountCredentials } from '../../../src/ports/account';

const POOL = 40;

export interface Login {
  user: string;
  password: string;
}

/** Hands out each pool account once; beyond the pool, Dovecot adds users as it runs. */
class Logins {
  private used = 0;
  constructor(
    private readonly names: (n: number) => Login,
    private readonly add?: (login: Login) => Promise<void>,
  ) {}

  static pool(names: (n: number) => Login): Login[] {
    return Array.from({ length: POOL }, (_, i) => names(i + 1));
  }

  async next(): Promise<Login> {
    const login = this.names(++this.used);
    if (this.used > POOL) {
      if (!this.add) throw new Error(`the contract suite's account pool (${POOL}) is used up`);
      await this.add(login);
    }
    return login;
  }
}

export interface ContractDovecot {
  server: DovecotServer;
  fresh(): Promise<Login>;
}

export interface ContractEws {
  fake: FakeEws;
  fresh(): Promise<Login>;
}

export interface ContractGraph {
  fake: FakeGraph;
  fresh(): Promise<Login>;
}

const dovecotName = (n: number): Login => ({ user: `c${n}`, password: `c${n}pass` });
/** Graph logins: the mailbox and the bearer token that reaches it. */
const graphName = (n: number): Login => ({ user: `g${n}@contract.test`, password: `g${n}-token` });
const ewsName = (n: number): Login => ({ user: `c${n}@contract.test`, password: `c${n}-pw` });

const dovecots = new Map<DovecotFlavour, Promise<ContractDovecot>>();
let ews: Promise<ContractEws> | undefined;
let radicale: Promise<ContractRadicale> | undefined;

export interface ContractRadicale {
  server: RadicaleServer;
  fresh(): Promise<Login>;
}

const radicaleName = (n: number): Login => ({ user: `c${n}`, password: `c${n}pass` });

/** One Radicale for the whole file; its users (each with a calendar and an address book) are fixed when it starts. */
export function radicaleServer(): Promise<ContractRadicale> {
  radicale ??= startRadicale({ users: Logins.pool(radicaleName).map((l) => `${l.user}:${l.password}`).join(' ') }).then((server) => {
    const logins = new Logins(radicaleName);
    return { server, fresh: () => logins.next() };
  });
  return radicale;
}
let graph: Promise<ContractGraph> | undefined;

/** One Dovecot of that flavour for the whole file, whichever entries use it. */
export function dovecot(flavour: DovecotFlavour): Promise<ContractDovecot> {
  let started = dovecots.get(flavour);
  if (!started) {
    const users = Logins.pool(dovecotName).map((l) => `${l.user}:${l.password}`).join(' ');
    started = startDovecot(flavour, { users }).then((server) => {
      const logins = new Logins(dovecotName, (l) => server.addUser(l.user, l.password));
      return { server, fresh: () => logins.next() };
    });
    dovecots.set(flavour, started);
  }
  return started;
}

/** One fake Exchange for the whole file; its users are fixed when it starts. */
export function fakeEws(options: Omit<FakeEwsOptions, 'users'> = {}): Promise<ContractEws> {
  ews ??= startFakeEws({ ...options, users: Object.fromEntries(Logins.pool(ewsName).map((l) => [l.user, l.password])) }).then((fake) => {
    const logins = new Logins(ewsName);
    return { fake, fresh: () => logins.next() };
  });
  return ews;
}

/** One fake Graph for the whole file; its mailboxes are fixed when it starts. */
export function fakeGraph(options: Omit<FakeGraphOptions, 'users'> = {}): Promise<ContractGraph> {
  graph ??= startFakeGraph({ ...options, users: Object.fromEntries(Logins.pool(graphName).map((l) => [l.user, l.password])) }).then((fake) => {
    const logins = new Logins(graphName);
    return { fake, fresh: () => logins.next() };
  });
  return graph;
}

/** Stops what was started; the fakes' schema and internal errors must then be none. */
export async function stopServers(): Promise<{ schemaErrors: string[]; internalErrors: string[] }> {
  const started = await Promise.all([...dovecots.values()].map((p) => p.catch(() => undefined)));
  const fake = ews && (await ews.catch(() => undefined));
  const dav = radicale && (await radicale.catch(() => undefined));
  const g = graph && (await graph.catch(() => undefined));
  await Promise.all([...started.map((d) => d?.server.stop()), fake?.fake.close(), dav?.server.stop(), g?.fake.close()]);
  return {
    schemaErrors: [...(fake?.fake.schemaErrors ?? []), ...(g?.fake.schemaErrors ?? [])],
    internalErrors: [...(fake?.fake.internalErrors ?? []), ...(g?.fake.internalErrors ?? [])],
  };
}

export function imapAccount(d: DovecotServer, login: Login): AccountCredentials {
  return { protocol: 'imap', host: d.host, port: d.imapPort, secure: false, insecure: false, ...login };
}

export function pop3Account(d: DovecotServer, login: Login): AccountCredentials {
  return { protocol: 'pop3', host: d.host, port: d.pop3Port, secure: false, insecure: false, ...login };
}

export function ewsAccount(fake: FakeEws, login: Login): AccountCredentials {
  const url = new URL(fake.url);
  return { protocol: 'ews', host: url.hostname, port: Number(url.port), secure: false, insecure: false, path: url.pathname, ...login };
}

/** The plain-HTTP Graph form: the fake is the server, the token rides in the password slot (interim, until OAuth2 sign-in). */
export function graphAccount(fake: FakeGraph, login: Login): AccountCredentials {
  const url = new URL(fake.url);
  return { protocol: 'graph', host: url.hostname, port: Number(url.port), secure: false, insecure: false, ...login };
}
