// m:Restriction and m:SortOrder of FindItem/FindFolder, evaluated over served views (so computed
// properties such as DateTimeReceived or ItemClass filter and sort like stored ones). Comparisons
// are typed the way Exchange types them: dates as instants, numbers as numbers, strings
// case-insensitively.
import { extKey } from '../extended';
import { fieldName, type View } from '../render';
import { EwsError } from '../soap';
import { attr, attrsOf, child, elements, fragment, text } from '../xml';

type Value = string | string[] | undefined;

function valueOf(view: View, path: Element): Value {
  switch (path.localName) {
    case 'FieldURI': {
      const xml = view.props.get(fieldName(attr(path, 'FieldURI') ?? ''));
      if (xml === undefined) return undefined;
      const el = fragment(xml);
      // ItemId/FolderId-like elements compare by their Id attribute; arrays by their strings.
      if (attr(el, 'Id') !== undefined) return attr(el, 'Id');
      const kids = elements(el);
      return kids.length && kids.every((k) => k.localName === 'String') ? kids.map((k) => text(k) ?? '') : (text(el) ?? '');
    }
    case 'IndexedFieldURI': {
      const uri = attr(path, 'FieldURI') ?? '';
      const dict = { 'contacts:EmailAddress': 'EmailAddresses', 'contacts:PhoneNumber': 'PhoneNumbers', 'contacts:ImAddress': 'ImAddresses' }[uri];
      const xml = dict ? view.props.get(dict) : undefined;
      if (!xml) return undefined;
      return text(elements(fragment(xml), 'Entry').find((e) => attr(e, 'Key') === attr(path, 'FieldIndex')));
    }
    case 'ExtendedFieldURI':
      return view.ext.get(extKey(attrsOf(path)))?.value;
    default:
      throw new EwsError('ErrorInvalidRestriction', `Unsupported property path ${path.localName}.`);
  }
}

const PATHS = ['FieldURI', 'IndexedFieldURI', 'ExtendedFieldURI'];

function pathOf(el: Element): Element {
  const p = elements(el).find((c) => PATHS.includes(c.localName!));
  if (!p) throw new EwsError('ErrorInvalidRestriction', `${el.localName} needs a property path.`);
  return p;
}

function compare(a: string, b: string): number {
  const isDate = (s: string) => /^\d{4}-\d\d-\d\dT/.test(s);
  if (isDate(a) && isDate(b)) return Date.parse(a) - Date.parse(b);
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
}

const COMPARISONS: Record<string, (c: number) => boolean> = {
  IsEqualTo: (c) => c === 0,
  IsNotEqualTo: (c) => c !== 0,
  IsGreaterThan: (c) => c > 0,
  IsGreaterThanOrEqualTo: (c) => c >= 0,
  IsLessThan: (c) => c < 0,
  IsLessThanOrEqualTo: (c) => c <= 0,
};

function contains(value: string, constant: string, mode: string, comparison: string): boolean {
  const ignore = /IgnoreCase/.test(comparison) || comparison === 'Loose';
  const v = ignore ? value.toLowerCase() : value;
  const c = ignore ? constant.toLowerCase() : constant;
  switch (mode) {
    case 'FullString':
      return v === c;
    case 'Prefixed':
      return v.startsWith(c);
    case 'PrefixOnWords':
      return v.split(/\W+/).some((w) => w.startsWith(c));
    default: // Substring, ExactPhrase
      return v.includes(c);
  }
}

export function matches(view: View, expr: Element): boolean {
  const name = expr.localName!;
  if (name === 'And') return elements(expr).every((e) => matches(view, e));
  if (name === 'Or') return elements(expr).some((e) => matches(view, e));
  if (name === 'Not') return !matches(view, elements(expr)[0]);
  if (name === 'Exists') return valueOf(view, pathOf(expr)) !== undefined;
  if (name === 'Contains') {
    const v = valueOf(view, pathOf(expr));
    const constant = attr(child(expr, 'Constant'), 'Value') ?? '';
    const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
    return list.some((x) => contains(x, constant, attr(expr, 'ContainmentMode') ?? 'Substring', attr(expr, 'ContainmentComparison') ?? 'Exact'));
  }
  const cmp = COMPARISONS[name];
  if (!cmp) throw new EwsError('ErrorInvalidRestriction', `The fake does not evaluate ${name} restrictions.`);
  const left = valueOf(view, pathOf(expr));
  const other = child(expr, 'FieldURIOrConstant');
  const constant = child(other, 'Constant');
  const right = constant ? attr(constant, 'Value') : valueOf(view, elements(other)[0]);
  if (left === undefined || right === undefined) return name === 'IsNotEqualTo';
  const rights = Array.isArray(right) ? right : [right];
  const lefts = Array.isArray(left) ? left : [left];
  return lefts.some((l) => rights.some((r) => cmp(compare(l, r))));
}

/** Keeps the views a m:Restriction element admits (no restriction: all). */
export function restrict<T extends { view: View }>(list: T[], restriction: Element | undefined): T[] {
  const expr = elements(restriction)[0];
  return expr ? list.filter((x) => matches(x.view, expr)) : list;
}

/** Sorts by m:SortOrder's FieldOrder list (stable; missing values sort first). */
export function sortBy<T extends { view: View }>(list: T[], sortOrder: Element | undefined): T[] {
  const orders = elements(sortOrder, 'FieldOrder');
  if (!orders.length) return list;
  const keyed = list.map((x, i) => ({ x, i }));
  keyed.sort((a, b) => {
    for (const o of orders) {
      const p = pathOf(o);
      const va = valueOf(a.x.view, p);
      const vb = valueOf(b.x.view, p);
      const sa = Array.isArray(va) ? va.join(',') : va;
      const sb = Array.isArray(vb) ? vb.join(',') : vb;
      const c = sa === undefined ? (sb === undefined ? 0 : -1) : sb === undefined ? 1 : compare(sa, sb);
      if (c) return attr(o, 'Order') === 'Descending' ? -c : c;
    }
    return a.i - b.i;
  });
  return keyed.map((k) => k.x);
}
