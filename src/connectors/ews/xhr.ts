import { sniFor } from '../sni';
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import https from 'node:https';
import { XhrApi } from '@ewsjs/xhr';
import type { IXHRApi, IXHROptions, IXHRProgress } from 'ews-javascript-api';
import { TernError } from '../../errors';
import type { AccountCredentials } from '../../ports/account';
import { bearerToken, usesOAuth } from '../oauth';
import { httpStatusError, notEwsError, ntlmNotOffered, responseCodeError, timeoutError, transportError } from './errors';
import { MAX_BUSY_RETRIES, backOffFromXml, busyWait, isServerBusy, retryAfterMs, sleep } from './throttle';

/**
 * The HTTP layer under ews-javascript-api (service.XHRApi). It is where Tern, not the library,
 * decides what an answer means:
 * - every request is bounded by `timeoutMs` of silence (the library has no timeout of its own);
 * - ErrorServerBusy (a SOAP fault, or a response made only of busy messages) is waited out and
 *   the same request sent again, at most MAX_BUSY_RETRIES times;
 * - any other failure (HTTP error, SOAP fault, socket error, a page that is not XML) becomes a
 *   TernError naming the server. The library never sees a 500 without SOAP, which would make it
 *   throw inside its own promise callback and leave the caller's promise hanging.
 * The TernError reaches the caller through `guarded` (the library would wrap it into its own
 * error types and lose the code and message).
 */

interface Slot {
  error?: TernError;
  fail?: (err: TernError) => void;
  /** When asked for: the XML of every answer, for what the library parses badly (time zones). */
  responses?: string[];
}
const slots = new AsyncLocalStorage<Slot>();

/** How long after a failed request the library may take to reject before `guarded` does it itself. */
const LIBRARY_GRACE_MS = 2_000;

/**
 * Runs one library call. Its rejection is replaced by the TernError the XHR layer recorded, and
 * should the library fail to settle at all after a failed request, the call is rejected anyway.
 */
export function guarded<T>(fn: () => Promise<T>, onError: (err: unknown) => TernError, responses?: string[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const slot: Slot = { responses };
    slot.fail = (err) => reject(err);
    slots.run(slot, () => {
      let running: Promise<T>;
      try {
        running = fn();
      } catch (err) {
        running = Promise.reject(err);
      }
      running.then(resolve, (err: unknown) => reject(slot.error ?? onError(err)));
    });
  });
}

/** Failures that came from the server or the network, as opposed to the library refusing a call itself. */
const transportFailures = new WeakSet<TernError>();

export function fromTransport(err: unknown): boolean {
  return err instanceof TernError && transportFailures.has(err);
}

function recordFailure(err: TernError): TernError {
  transportFailures.add(err);
  const slot = slots.getStore();
  if (slot && !slot.error) {
    slot.error = err;
    const fail = slot.fail;
    if (fail) setTimeout(() => fail(err), LIBRARY_GRACE_MS).unref();
  }
  return err;
}

type Answer = { ok: true; response: XMLHttpRequest } | { ok: false; status: number; body: string; headers: Record<string, unknown> };

export interface EwsTransport extends IXHRApi {
  /** Sends a SOAP body of Tern's own (operations the library lacks or mangles), with the same rules. */
  post(url: string, soap: string): Promise<string>;
}

export function createTransport(account: AccountCredentials, timeoutMs: number): EwsTransport {
  // One keep-alive pool per session: a migration sends thousands of requests to one host.
  const agentOptions = { keepAlive: true, maxSockets: 16 };
  const httpsAgent = new https.Agent({ ...agentOptions, rejectUnauthorized: !account.insecure, ...sniFor(account.host) });
  const httpAgent = new http.Agent(agentOptions);
  const basic = 'Basic ' + Buffer.from(`${account.user}:${account.password}`, 'utf8').toString('base64');
  const ntlm = account.auth === 'ntlm';
  const oauth = usesOAuth(account);

  /**
   * A fresh XhrApi per request, so it can carry its own abort signal and progress callbacks
   * (the connection pool is shared). `signed` false: no NTLM handshake (see once()).
   */
  function client(signal: AbortSignal, progress: () => void, signed = true): XhrApi {
    const api = new XhrApi({
      httpsAgent,
      httpAgent,
      signal,
      onUploadProgress: progress,
      onDownloadProgress: progress,
      rejectUnauthorized: !account.insecure,
      maxRedirects: 0,
    });
    return ntlm && signed ? api.useNtlmAuthentication(account.user, account.password) : api;
  }

  /**
   * One HTTP exchange. `timeoutMs` bounds its silence: connecting, the server's work, and any
   * pause while a body moves. A big batch that keeps moving is not cut off, a dead one is.
   */
  async function exchange(options: IXHROptions, signed: boolean): Promise<Answer> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let expire: (err: TernError) => void = () => {};
    const deadline = new Promise<never>((_, reject) => (expire = reject));
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        controller.abort();
        expire(timeoutError(account, timeoutMs));
      }, timeoutMs);
    };
    arm();
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    delete headers.Authorization;
    if (!ntlm && signed) headers.Authorization = oauth ? `Bearer ${await bearerToken(account)}` : basic;
    const sending = client(controller.signal, arm, signed).xhr({ ...options, headers });
    sending.catch(() => {}); // settled by the race below; never an unhandled rejection
    try {
      const response = await Promise.race([sending, deadline]);
      return { ok: true, response };
    } catch (err) {
      if (err instanceof TernError) throw err;
      if (controller.signal.aborted) throw timeoutError(account, timeoutMs);
      const e = err as { status?: unknown; responseText?: unknown; headers?: unknown };
      if (typeof e?.status === 'number' && e.status > 0) {
        const body = typeof e.responseText === 'string' ? e.responseText : '';
        return { ok: false, status: e.status, body, headers: (e.headers as Record<string, unknown>) ?? {} };
      }
      throw transportError(err, account);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The NTLM handshake hides why it failed (a refused connection and a server without NTLM look
   * the same from outside it): when it fails without an HTTP answer, one unsigned request finds
   * out what the server really does.
   */
  async function once(options: IXHROptions): Promise<Answer> {
    try {
      return await exchange(options, true);
    } catch (err) {
      if (!ntlm || !(err instanceof TernError) || err.code === 'TIMEOUT') throw err;
      const probe = await exchange({ type: 'GET', url: options.url, headers: {} }, false);
      if (probe.ok) throw err;
      const offered = String(probe.headers['www-authenticate'] ?? '');
      if (probe.status === 401 && !/\b(NTLM|Negotiate)\b/i.test(offered)) throw ntlmNotOffered(account, offered);
      throw err;
    }
  }

  /** The wait a throttled answer asks for, or undefined when it is not a throttled answer. */
  function throttled(answer: Answer): { wait?: number } | undefined {
    if (answer.ok) {
      // A 200 made only of ErrorServerBusy messages did nothing on the server: safe to resend.
      const body = answer.response.responseText ?? '';
      if (isServerBusy(body) && !/ResponseClass="(Success|Warning)"/.test(body)) return { wait: backOffFromXml(body) };
      return undefined;
    }
    if (answer.status === 500 && isServerBusy(answer.body)) return { wait: backOffFromXml(answer.body) };
    if (answer.status === 429 || answer.status === 503) {
      const after = retryAfterMs(answer.headers['retry-after']);
      if (after !== undefined || isServerBusy(answer.body)) return { wait: after ?? backOffFromXml(answer.body) };
    }
    return undefined;
  }

  function failure(answer: Exclude<Answer, { ok: true }>, url: string): TernError {
    if (looksLikeSoap(answer.body)) {
      const fault = parseFault(answer.body);
      if (fault.code) return responseCodeError(account, fault.code, fault.message);
    }
    const location = typeof answer.headers.location === 'string' ? answer.headers.location : undefined;
    return httpStatusError(account, answer.status, url, location);
  }

  async function send(options: IXHROptions): Promise<XMLHttpRequest> {
    try {
      let renewed = false;
      for (let attempt = 0; ; attempt++) {
        const answer = await once(options);
        // An OAuth2 token refused (expired or revoked early): once more with a fresh one.
        if (oauth && !answer.ok && answer.status === 401 && !renewed && account.tokens) {
          renewed = true;
          await bearerToken(account, true);
          continue;
        }
        const busy = throttled(answer);
        if (busy) {
          if (attempt >= MAX_BUSY_RETRIES) throw responseCodeError(account, 'ErrorServerBusy', undefined);
          await sleep(busyWait(attempt, busy.wait));
          continue;
        }
        if (!answer.ok) throw failure(answer, options.url);
        if (!looksLikeSoap(answer.response.responseText ?? '')) throw notEwsError(account, options.url);
        slots.getStore()?.responses?.push(answer.response.responseText ?? '');
        return answer.response;
      }
    } catch (err) {
      throw recordFailure(err instanceof TernError ? err : transportError(err, account));
    }
  }

  return {
    apiName: 'tern',
    xhr: (options: IXHROptions) => send(options),
    // Only streaming notifications use this; Tern does not, but the interface wants it.
    xhrStream: (options: IXHROptions, progress: (data: IXHRProgress) => void) => client(new AbortController().signal, () => {}).xhrStream(options, progress),
    disconnect: () => {
      httpsAgent.destroy();
      httpAgent.destroy();
    },
    post: async (url: string, soap: string) => {
      const response = await send({
        type: 'POST',
        url,
        data: soap,
        headers: { 'Content-Type': 'text/xml; charset=utf-8', Accept: 'text/xml' },
      });
      return response.responseText ?? '';
    },
  };
}

function looksLikeSoap(body: string): boolean {
  return /<([\w-]+:)?Envelope[\s>]/.test(body.slice(0, 4096));
}

/** The EWS response code of a SOAP fault: detail's ResponseCode, else the faultcode's local name. */
export function parseFault(xml: string): { code?: string; message?: string } {
  const detail = /<(?:[\w-]+:)?ResponseCode[^>]*>\s*([\w]+)\s*</.exec(xml)?.[1];
  const faultcode = /<(?:[\w-]+:)?faultcode[^>]*>\s*(?:[\w-]+:)?([\w.]+)\s*</.exec(xml)?.[1];
  const message = /<(?:[\w-]+:)?faultstring[^>]*>([^<]*)</.exec(xml)?.[1] ?? /<(?:[\w-]+:)?Message[^>]*>([^<]*)</.exec(xml)?.[1];
  const code = detail ?? (faultcode && /^Error/.test(faultcode) ? faultcode : undefined) ?? (faultcode ? `SOAP ${faultcode}` : undefined);
  return { code, message: message ? decodeXmlText(message) : undefined };
}

function decodeXmlText(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}
