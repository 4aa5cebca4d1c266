// Paging as Graph does it: $top (or Prefer: odata.maxpagesize for delta), a page at a time, the
// next one named by @odata.nextLink carrying an opaque $skiptoken; delta queries end on an
// @odata.deltaLink whose $deltatoken is the mailbox's change sequence at that moment.
import type { GraphAnswer, GraphRequest } from './http';

export interface PageOptions {
  /** The fake's page size when the client asks for none (Graph's default is 10) and its cap. */
  defaultSize: number;
  maxSize: number;
}

function linkWith(req: GraphRequest, set: Record<string, string>, drop: string[]): string {
  const q = new URLSearchParams(req.query);
  for (const k of drop) q.delete(k);
  for (const [k, v] of Object.entries(set)) q.set(k, v);
  return `${req.baseUrl}/v1.0/${req.rawPath}?${q.toString().replace(/%24/g, '$')}`;
}

function pageSize(req: GraphRequest, options: PageOptions): number {
  const prefer = /odata\.maxpagesize=(\d+)/.exec(req.headers.prefer ?? '')?.[1];
  const asked = Number(req.query.get('$top') ?? prefer ?? options.defaultSize);
  return Math.max(1, Math.min(asked, options.maxSize));
}

export function page(req: GraphRequest, items: unknown[], type: string, options: PageOptions, delta?: { seq: number }): GraphAnswer {
  const start = Number(req.query.get('$skiptoken') ?? '0');
  const size = pageSize(req, options);
  const value = items.slice(start, start + size);
  const json: Record<string, unknown> = { '@odata.context': `${req.baseUrl}/v1.0/$metadata#${type}`, value };
  if (start + size < items.length) json['@odata.nextLink'] = linkWith(req, { $skiptoken: String(start + size) }, []);
  else if (delta) json['@odata.deltaLink'] = linkWith(req, { $deltatoken: String(delta.seq) }, ['$skiptoken', '$top']);
  return { status: 200, json, type, collection: true };
}
