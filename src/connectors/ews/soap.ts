import { XMLParser } from 'fast-xml-parser';
import type { EwsContext } from './session';
import { responseCodeError } from './errors';
import { escapeAttribute } from './escape-patch';

/**
 * Tern's own SOAP requests, for what the library turns into objects that lose the EWS element
 * structure (inbox rules). They go through the same transport as the library's (signing,
 * timeout, throttling, errors) and carry the same headers.
 */

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  t: 'http://schemas.microsoft.com/exchange/services/2006/types',
  m: 'http://schemas.microsoft.com/exchange/services/2006/messages',
};

export function escapeXml(s: string): string {
  return escapeAttribute(s);
}

function envelope(ctx: EwsContext, body: string): string {
  const impersonation = ctx.account.impersonate
    ? `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${escapeXml(ctx.account.impersonate)}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
    : '';
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<soap:Envelope xmlns:soap="${NS.soap}" xmlns:t="${NS.t}" xmlns:m="${NS.m}">` +
    `<soap:Header><t:RequestServerVersion Version="Exchange2010_SP2"/>${impersonation}</soap:Header>` +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

/** An element of a parsed document: its local name, attributes, children in order, text. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text?: string;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
});

type Ordered = Array<Record<string, unknown>>;

function convert(list: Ordered): XmlNode[] {
  const out: XmlNode[] = [];
  for (const entry of list) {
    const name = Object.keys(entry).find((k) => k !== ':@');
    if (!name || name === '#text' || name.startsWith('?')) continue;
    const attrs = (entry[':@'] as Record<string, string> | undefined) ?? {};
    const inner = (entry[name] as Ordered) ?? [];
    const text = inner.filter((c) => '#text' in c).map((c) => String(c['#text'])).join('');
    const node: XmlNode = { name, attrs, children: convert(inner) };
    if (node.children.length === 0) node.text = text;
    out.push(node);
  }
  return out;
}

export function parseXml(xml: string): XmlNode[] {
  return convert(parser.parse(xml) as Ordered);
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}

export function childText(node: XmlNode | undefined, name: string): string | undefined {
  return child(node, name)?.text?.trim();
}

/** Depth-first search for the first element of that name. */
export function findNode(nodes: XmlNode[], name: string): XmlNode | undefined {
  for (const n of nodes) {
    if (n.name === name) return n;
    const inner = findNode(n.children, name);
    if (inner) return inner;
  }
  return undefined;
}

/** Every element of that name, depth first. */
export function findNodes(nodes: XmlNode[], name: string, out: XmlNode[] = []): XmlNode[] {
  for (const n of nodes) {
    if (n.name === name) out.push(n);
    else findNodes(n.children, name, out);
  }
  return out;
}

/**
 * Sends one request and returns its response element (e.g. GetInboxRulesResponse), after
 * checking its ResponseClass: an error there becomes a TernError like a SOAP fault would.
 */
export async function soapCall(ctx: EwsContext, what: string, body: string, responseName: string): Promise<XmlNode> {
  const xml = await ctx.call(what, () => ctx.transport.post(ctx.url, envelope(ctx, body)));
  const response = findNode(parseXml(xml), responseName);
  if (!response) throw responseCodeError(ctx.account, 'ErrorInvalidResponse', `no ${responseName} in the answer`, what);
  if (response.attrs.ResponseClass === 'Error') {
    throw responseCodeError(ctx.account, childText(response, 'ResponseCode') ?? 'ErrorUnknown', childText(response, 'MessageText'), what);
  }
  return response;
}
