import { addressBookMultiGet, calendarMultiGet, calendarQuery, propfind } from 'tsdav';
import type { AccountCredentials } from '../../ports/account';
import { TernError } from '../../errors';
import type { Collection } from './collections';
import { guarded, httpError, type DavFetch } from './http';

/** Hrefs per calendar-multiget / addressbook-multiget: one request per batch, not one per item. */
export const MULTIGET_BATCH = 100;

export interface DavObject {
  url: string;
  etag: string;
  /** The calendar object or vCard text. */
  data?: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof (v as { _cdata?: string })?._cdata === 'string' ? (v as { _cdata: string })._cdata : typeof (v as { _text?: string })?._text === 'string' ? (v as { _text: string })._text : undefined);

/** The resources of a collection (of one component, for a calendar), each with its ETag. */
export async function listObjects(c: Collection, account: AccountCredentials, fetch: DavFetch, component?: string): Promise<DavObject[]> {
  const answers = await guarded(account, `listing ${c.path}`, () =>
    c.type === 'calendar' && component
      ? calendarQuery({ url: c.url, props: { 'd:getetag': {} }, filters: { 'c:comp-filter': { _attributes: { name: 'VCALENDAR' }, 'c:comp-filter': { _attributes: { name: component } } } }, depth: '1', fetch })
      : propfind({ url: c.url, props: { 'd:getetag': {}, 'd:resourcetype': {} }, depth: '1', fetch }),
  );
  if (answers.length === 1 && !answers[0].ok && answers[0].status) {
    if (answers[0].status === 404) return [];
    throw httpError(account, answers[0].status, `listing ${c.path}`);
  }
  const self = new URL(c.url).pathname;
  return answers.flatMap((a) => {
    if (!a.href || !a.ok) return [];
    const url = new URL(a.href, c.url).href;
    if (new URL(url).pathname === self || Object.keys(a.props?.resourcetype ?? {}).includes('collection')) return [];
    return [{ url, etag: String(text(a.props?.getetag) ?? a.props?.getetag ?? '') }];
  });
}

/** The objects' content, fetched in multiget batches; one that does not come back is left out. */
export async function* fetchObjects(c: Collection, objects: DavObject[], account: AccountCredentials, fetch: DavFetch): AsyncGenerator<DavObject[]> {
  for (let i = 0; i < objects.length; i += MULTIGET_BATCH) {
    const batch = objects.slice(i, i + MULTIGET_BATCH);
    const objectUrls = batch.map((o) => new URL(o.url).pathname);
    const answers = await guarded(account, `reading ${c.path}`, () =>
      c.type === 'calendar'
        ? calendarMultiGet({ url: c.url, props: { 'd:getetag': {}, 'c:calendar-data': {} }, objectUrls, depth: '1', fetch })
        : addressBookMultiGet({ url: c.url, props: { 'd:getetag': {}, 'card:address-data': {} }, objectUrls, depth: '1', fetch }),
    );
    if (answers.length === 1 && !answers[0].ok && answers[0].status && !answers[0].props) throw httpError(account, answers[0].status, `reading ${c.path}`);
    const out: DavObject[] = [];
    for (const a of answers) {
      const data = text(c.type === 'calendar' ? a.props?.calendarData : a.props?.addressData);
      if (!a.href || data === undefined) continue;
      out.push({ url: new URL(a.href, c.url).href, etag: String(text(a.props?.getetag) ?? a.props?.getetag ?? ''), data });
    }
    yield out;
  }
}

/**
 * Creates a resource, never overwriting (If-None-Match: *). Answers its ETag; 'exists' when the
 * name is taken (an object with that UID is there). An item the server refuses fails alone.
 */
export async function putNew(url: string, body: string, contentType: string, account: AccountCredentials, fetch: DavFetch, label: string): Promise<string | 'exists'> {
  const res = await fetch(url, { method: 'PUT', body, headers: { 'Content-Type': `${contentType}; charset=utf-8`, 'If-None-Match': '*' } });
  const answer = await res.text().catch(() => '');
  if (res.status === 412) return 'exists';
  if (res.status === 413) {
    throw new TernError('ITEM_REFUSED', `${label} is larger than ${account.host} takes (${Math.ceil(Buffer.byteLength(body) / 1024)} KB; HTTP 413).`, { httpStatus: 413 });
  }
  if (res.status === 401 || res.status === 429 || res.status >= 500) throw httpError(account, res.status, `saving ${label}`);
  if (!res.ok) {
    const why = answer.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
    throw new TernError('ITEM_REFUSED', `${account.host} refused ${label} (HTTP ${res.status}${why ? `: ${why}` : ''}).`, { httpStatus: res.status });
  }
  return res.headers.get('etag') ?? (await etagOf(url, fetch)) ?? '';
}

async function etagOf(url: string, fetch: DavFetch): Promise<string | undefined> {
  const [a] = await propfind({ url, props: { 'd:getetag': {} }, depth: '0', fetch });
  return a?.ok ? String(text(a.props?.getetag) ?? a.props?.getetag ?? '') : undefined;
}

/** Deletes a resource if it is still as it was (If-Match): 'changed' when it was edited since, 'gone' when not there. */
export async function deleteIfUnchanged(url: string, etag: string, account: AccountCredentials, fetch: DavFetch): Promise<'removed' | 'gone' | 'changed'> {
  const res = await fetch(url, { method: 'DELETE', headers: etag ? { 'If-Match': etag } : {} });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status === 404 || res.status === 410) return 'gone';
  if (res.status === 412) return 'changed';
  if (!res.ok) throw httpError(account, res.status, `removing ${new URL(url).pathname}`);
  return 'removed';
}
