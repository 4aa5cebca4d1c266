// The HTTP side of the fake: POST /EWS/Exchange.asmx with Basic auth (ews-javascript-api sends
// it pre-emptively), schema validation of every request and response, throttling and scripted
// failures, impersonation, and dispatch on the SOAP body's first element.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { EWS_SCHEMA_DIR, ewsSchemaValidator, type EwsSchemaValidator } from '../../support/ews-schema';
import { newServerTag } from './ids';
import { OPERATIONS } from './ops/index';
import { EwsError, SoapFault, envelope, faultXml, schemaFault, serverBusy } from './soap';
import { MailboxStore, type FakeMailbox, type ServerInfo } from './store';
import { NS, XmlSyntaxError, child, childText, elements, parseXml } from './xml';

export interface FakeEwsOptions {
  /** SMTP address (the login) → password. */
  users: Record<string, string>;
  /** Logins allowed to impersonate any mailbox (t:ExchangeImpersonation). */
  admins?: string[];
  /** Most items/folders one FindItem/FindFolder returns (default 100), like a real server's cap. */
  pageLimit?: number;
  /** Validate every request and response against the official schema (default true). */
  validate?: boolean;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** Requests larger than this get HTTP 413, as IIS answers above maxAllowedContentLength (default: no limit). */
  maxRequestBytes?: number;
  /**
   * Modern authentication (OAuth2): an `Authorization: Bearer` token is checked by this function,
   * which gives the mailbox address the token is for (or undefined: 401, as Exchange answers an
   * invalid or expired token). Without it, only Basic is taken.
   */
  bearer?: (token: string) => Promise<string | undefined>;
}

export interface FakeEwsCall {
  operation: string;
  login: string;
  mailbox: string;
  request: string;
  response: string;
  status: number;
  /** The Authorization scheme the request came with (Basic, Bearer), '' without one. */
  authScheme: string;
}

export interface FakeEws {
  /** http://127.0.0.1:PORT/EWS/Exchange.asmx */
  url: string;
  port: number;
  mailbox(address: string): FakeMailbox;
  /** The next `count` requests answer ErrorServerBusy with BackOffMilliseconds = backOffMs. */
  throttleNext(count: number, backOffMs: number): void;
  /** The next request answers exactly this raw HTTP response (no SOAP, no validation). */
  failNext(status: number, body: string, contentType?: string): void;
  /** Every request in arrival order (answered ones; a request is added when its answer is sent). */
  calls: FakeEwsCall[];
  /** Every schema failure seen, "<Operation> request|response: <xmllint message>". */
  schemaErrors: string[];
  /** Bugs in the fake itself (a handler threw): answered ErrorInternalServerError, listed here. */
  internalErrors: string[];
  /** Resolves when every request that has arrived is answered and validated. */
  flushValidation(): Promise<void>;
  close(): Promise<void>;
}

const EWS_PATH = '/ews/exchange.asmx';
/** Served on GET like a real server does (handy for WSDL-driven tools). */
const SCHEMA_FILES: Record<string, string> = { '/ews/services.wsdl': 'Services.wsdl', '/ews/messages.xsd': 'messages.xsd', '/ews/types.xsd': 'types.xsd' };

function guessOperation(raw: string): string {
  return /<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([\w]+)/.exec(raw)?.[1] ?? '';
}

export class FakeEwsServer implements FakeEws {
  url = '';
  port = 0;
  readonly calls: FakeEwsCall[] = [];
  readonly schemaErrors: string[] = [];
  readonly internalErrors: string[] = [];
  private readonly server: Server;
  private readonly passwords = new Map<string, string>();
  private readonly admins: Set<string>;
  private readonly mailboxes = new Map<string, MailboxStore>();
  private readonly validator: EwsSchemaValidator | undefined;
  private readonly pageLimit: number;
  private readonly inFlight = new Set<Promise<void>>();
  private throttle = { count: 0, backOffMs: 0 };
  private readonly failures: Array<{ status: number; body: string; contentType: string }> = [];

  constructor(private readonly options: FakeEwsOptions) {
    const info: ServerInfo = { tag: newServerTag(), now: () => new Date(), isUser: (a) => this.passwords.has(a.toLowerCase()) };
    Object.entries(options.users).forEach(([address, password], i) => {
      this.passwords.set(address.toLowerCase(), password);
      this.mailboxes.set(address.toLowerCase(), new MailboxStore(address, i + 1, info));
    });
    this.admins = new Set((options.admins ?? []).map((a) => a.toLowerCase()));
    this.pageLimit = options.pageLimit ?? 100;
    this.validator = options.validate === false ? undefined : ewsSchemaValidator();
    this.server = createServer((req, res) => {
      const p = this.handle(req, res).catch((e: unknown) => {
        this.internalErrors.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/xml; charset=utf-8' }).end(faultXml(new SoapFault('ErrorInternalServerError')));
      });
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    });
  }

  async listen(): Promise<void> {
    await Promise.all([
      new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
      }),
      this.validator?.ready(),
    ]);
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}/EWS/Exchange.asmx`;
  }

  mailbox(address: string): FakeMailbox {
    const mb = this.mailboxes.get(address.toLowerCase());
    if (!mb) throw new Error(`the fake EWS server has no mailbox ${address}`);
    return mb;
  }

  throttleNext(count: number, backOffMs: number): void {
    this.throttle = { count, backOffMs };
  }

  failNext(status: number, body: string, contentType = 'text/html; charset=utf-8'): void {
    this.failures.push({ status, body, contentType });
  }

  async flushValidation(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.flushValidation();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const pathname = (req.url ?? '/').split('?')[0].toLowerCase();
    if (req.method === 'GET' && SCHEMA_FILES[pathname]) {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' }).end(fs.readFileSync(path.join(EWS_SCHEMA_DIR, SCHEMA_FILES[pathname])));
      return;
    }
    if (pathname !== EWS_PATH) {
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body><h1>404 - File or directory not found.</h1></body></html>');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { 'Content-Type': 'text/html', Allow: 'POST' }).end('<html><body><h1>405 - Method not allowed.</h1></body></html>');
      return;
    }
    const call: FakeEwsCall = { operation: guessOperation(raw), login: '', mailbox: '', request: raw, response: '', status: 0, authScheme: /^(\w+)\s/.exec(req.headers.authorization ?? '')?.[1] ?? '' };
    const send = (status: number, body: string, contentType = 'text/xml; charset=utf-8', headers: Record<string, string> = {}) => {
      call.status = status;
      call.response = body;
      this.calls.push(call);
      res.writeHead(status, { 'Content-Type': contentType, ...headers }).end(body);
    };
    // IIS request filtering refuses an oversized body before Exchange (or authentication) sees it.
    if (this.options.maxRequestBytes !== undefined && Buffer.byteLength(raw) > this.options.maxRequestBytes) {
      send(413, '<html><body><h1>413 - Request Entity Too Large</h1></body></html>', 'text/html');
      return;
    }

    const login = await this.authenticate(req.headers.authorization);
    call.login = login ?? '';
    const scripted = this.failures.shift();
    if (scripted) {
      send(scripted.status, scripted.body, scripted.contentType);
      return;
    }
    if (!login) {
      const challenge = this.options.bearer ? 'Bearer error="invalid_token"' : 'Basic realm="127.0.0.1"';
      send(401, '<html><body><h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1></body></html>', 'text/html', { 'WWW-Authenticate': challenge });
      return;
    }

    let body: string;
    let status = 200;
    try {
      body = envelope(await this.process(raw, login, call));
    } catch (e) {
      if (!(e instanceof SoapFault)) throw e;
      body = faultXml(e);
      status = 500;
    }
    if (this.validator) {
      const r = await this.validator.validate(body);
      if (!r.valid) this.schemaErrors.push(`${call.operation || '?'} response: ${r.errors.join(' | ')}`);
    }
    send(status, body);
  }

  private async authenticate(header: string | undefined): Promise<string | undefined> {
    const bearer = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (bearer && this.options.bearer) {
      const address = (await this.options.bearer(bearer[1]))?.toLowerCase();
      return address && this.mailboxes.has(address) ? this.mailboxes.get(address)!.address : undefined;
    }
    const m = /^Basic\s+(.+)$/i.exec(header ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    const user = decoded.slice(0, i).toLowerCase();
    const pw = this.passwords.get(user);
    return i > 0 && pw !== undefined && pw === decoded.slice(i + 1) ? this.mailboxes.get(user)!.address : undefined;
  }

  /** Validates, parses, applies throttling and impersonation, runs the operation; faults throw. */
  private async process(raw: string, login: string, call: FakeEwsCall): Promise<string> {
    if (this.validator) {
      const r = await this.validator.validate(raw);
      if (!r.valid) {
        this.schemaErrors.push(`${call.operation || '?'} request: ${r.errors.join(' | ')}`);
        const line = /^line (\d+): /.exec(r.errors[0] ?? '');
        throw schemaFault((r.errors[0] ?? 'invalid').replace(/^line \d+: (Schemas validity error : )?/, ''), line ? Number(line[1]) : 1);
      }
    }
    let doc: Document;
    try {
      doc = parseXml(raw);
    } catch (e) {
      if (e instanceof XmlSyntaxError) throw schemaFault(`The request is not well-formed XML: ${e.message}`);
      throw e;
    }
    const envelopeEl = doc.documentElement;
    const header = child(envelopeEl, 'Header', NS.soap);
    const op = elements(child(envelopeEl, 'Body', NS.soap))[0];
    if (!op) throw schemaFault('The SOAP body is empty.');
    call.operation = op.localName!;

    if (this.throttle.count > 0) {
      this.throttle.count--;
      throw serverBusy(this.throttle.backOffMs);
    }

    const mailbox = this.actingMailbox(login, child(header, 'ExchangeImpersonation'));
    call.mailbox = mailbox.address;
    const handler = OPERATIONS[op.localName!];
    if (!handler || op.namespaceURI !== NS.m) throw new SoapFault('ErrorInvalidRequest', `The fake EWS server does not implement ${op.localName}.`);
    try {
      return handler({
        mailbox,
        login,
        body: op,
        timeZoneContext: child(child(header, 'TimeZoneContext'), 'TimeZoneDefinition'),
        pageLimit: this.pageLimit,
        directory: () => [...this.mailboxes.values()].map((m) => m.address),
      });
    } catch (e) {
      // An EwsError outside a response message concerns the whole request.
      if (e instanceof EwsError) throw new SoapFault(e.code, e.message);
      throw e;
    }
  }

  private actingMailbox(login: string, impersonation: Element | undefined): MailboxStore {
    if (!impersonation) return this.mailboxes.get(login.toLowerCase())!;
    if (!this.admins.has(login.toLowerCase())) throw new SoapFault('ErrorImpersonateUserDenied');
    const sid = child(impersonation, 'ConnectingSID');
    const address = childText(sid, 'PrimarySmtpAddress') ?? childText(sid, 'SmtpAddress') ?? childText(sid, 'PrincipalName');
    const mb = address ? this.mailboxes.get(address.toLowerCase()) : undefined;
    if (!mb) throw new SoapFault('ErrorNonExistentMailbox', address ? `The SMTP address has no mailbox associated with it.` : 'The fake resolves impersonation by SMTP address or UPN only, not by SID.');
    return mb;
  }
}
