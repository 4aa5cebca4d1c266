// XML plumbing for the fake: parse with @xmldom/xmldom, walk by namespace + local name (clients
// may pick any prefixes), and write back with the fixed prefixes t:/m: the fake declares on every
// response body element, so stored elements can be pasted into any response.
import { DOMParser } from '@xmldom/xmldom';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  m: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  t: 'http://schemas.microsoft.com/exchange/services/2006/types',
  e: 'http://schemas.microsoft.com/exchange/services/2006/errors',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

const PREFIX: Record<string, string> = { [NS.t]: 't', [NS.m]: 'm', [NS.soap]: 's', [NS.xsi]: 'xsi', [NS.xml]: 'xml' };

export class XmlSyntaxError extends Error {}

/** Parses a document; any well-formedness error throws XmlSyntaxError (xmldom only warns by default). */
export function parseXml(text: string): Document {
  const problems: string[] = [];
  const note = (m: string) => problems.push(m);
  const doc = new DOMParser({ errorHandler: { warning: () => {}, error: note, fatalError: note } }).parseFromString(text, 'text/xml');
  if (problems.length || !doc || !doc.documentElement) throw new XmlSyntaxError(problems[0] ?? 'no document element');
  return doc as unknown as Document;
}

/** Parses one element written with t:/m: prefixes and no namespace declarations (seeding, computed properties). */
export function fragment(xml: string): Element {
  const doc = parseXml(`<x xmlns:t="${NS.t}" xmlns:m="${NS.m}" xmlns:xsi="${NS.xsi}">${xml}</x>`);
  const el = elements(doc.documentElement)[0];
  if (!el) throw new XmlSyntaxError(`no element in ${xml.slice(0, 80)}`);
  return el;
}

export function elements(parent: Element | undefined, local?: string, ns: string = NS.t): Element[] {
  const out: Element[] = [];
  if (!parent) return out;
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const e = n as Element;
    if (local === undefined || (e.localName === local && e.namespaceURI === ns)) out.push(e);
  }
  return out;
}

export function child(parent: Element | undefined, local: string, ns: string = NS.t): Element | undefined {
  return elements(parent, local, ns)[0];
}

/** Text content of an element (undefined for a missing element). */
export function text(el: Element | undefined): string | undefined {
  return el ? (el.textContent ?? '') : undefined;
}

export function childText(parent: Element | undefined, local: string, ns: string = NS.t): string | undefined {
  return text(child(parent, local, ns));
}

export function attr(el: Element | undefined, name: string): string | undefined {
  return el && el.hasAttribute(name) ? el.getAttribute(name)! : undefined;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escAttr(s: string): string {
  return esc(s).replace(/"/g, '&quot;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/** `<t:Name a="b">text</t:Name>`; text is escaped, undefined gives ''. */
export function tEl(name: string, value: string | number | boolean | undefined, attrs: Record<string, string | undefined> = {}): string {
  if (value === undefined) return '';
  return `<t:${name}${attrString(attrs)}>${esc(String(value))}</t:${name}>`;
}

export function attrString(attrs: Record<string, string | number | boolean | undefined>): string {
  let s = '';
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) s += ` ${k}="${escAttr(String(v))}"`;
  return s;
}

/**
 * Writes an element with the fake's prefixes. Whitespace-only text between child elements is
 * dropped (clients pretty-print or not), text of leaf elements is kept exactly.
 */
export function serialize(node: Node): string {
  if (node.nodeType === 3 || node.nodeType === 4) return esc(node.nodeValue ?? '');
  if (node.nodeType !== 1) return '';
  const e = node as Element;
  const name = qname(e.namespaceURI, e.localName!, e.prefix);
  let s = `<${name}`;
  for (let i = 0; i < e.attributes.length; i++) {
    const a = e.attributes[i];
    if (a.name === 'xmlns' || a.prefix === 'xmlns') continue;
    s += ` ${a.namespaceURI ? qname(a.namespaceURI, a.localName!, a.prefix) : a.name}="${escAttr(a.value)}"`;
  }
  const kids = Array.from(e.childNodes);
  const hasElements = kids.some((k) => k.nodeType === 1);
  let inner = '';
  for (const k of kids) {
    if (hasElements && k.nodeType === 3 && !(k.nodeValue ?? '').trim()) continue;
    inner += serialize(k);
  }
  return inner === '' ? `${s}/>` : `${s}>${inner}</${name}>`;
}

function qname(ns: string | null, local: string, prefix: string | null): string {
  const p = ns ? (PREFIX[ns] ?? prefix) : null;
  return p ? `${p}:${local}` : local;
}

/** The serialized children of an element (what sits between its tags). */
export function innerXml(e: Element): string {
  const full = serialize(e);
  const open = full.indexOf('>');
  if (full[open - 1] === '/') return '';
  return full.slice(open + 1, full.lastIndexOf('</'));
}

export function attrsOf(e: Element): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < e.attributes.length; i++) {
    const a = e.attributes[i];
    if (a.name === 'xmlns' || a.prefix === 'xmlns' || a.namespaceURI) continue;
    out[a.name] = a.value;
  }
  return out;
}
