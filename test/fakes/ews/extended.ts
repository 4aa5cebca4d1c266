// MAPI extended properties (t:ExtendedProperty / t:ExtendedFieldURI). One property can be named
// several ways (PropertyTag "0x0E07" or "3591"; DistinguishedPropertySetId="PublicStrings" or its
// GUID), so everything is keyed by a normalized identity and served back under the URI the client
// asked with: ews-javascript-api matches returned properties to its definitions by that URI.
import type { ExtProp } from './model';
import { attrString, attrsOf, child, elements, esc, text } from './xml';

const SETS: Record<string, string> = {
  Meeting: '6ed8da90-450b-101b-98da-00aa003f1305',
  Appointment: '00062002-0000-0000-c000-000000000046',
  Common: '00062008-0000-0000-c000-000000000046',
  PublicStrings: '00020329-0000-0000-c000-000000000046',
  Address: '00062004-0000-0000-c000-000000000046',
  InternetHeaders: '00020386-0000-0000-c000-000000000046',
  CalendarAssistant: '11000e07-b51b-40d6-af21-caa85edab1d0',
  UnifiedMessaging: '4442858e-a9e3-4e80-b900-317a210cc15b',
  Task: '00062003-0000-0000-c000-000000000046',
  Sharing: '00062040-0000-0000-c000-000000000046',
};
const SET_NAME = new Map(Object.entries(SETS).map(([k, v]) => [v, k]));

/** Tags the fake computes from item state instead of storing (see render.ts). */
export const TAG = {
  messageClass: '0x001A',
  subject: '0x0037',
  transportHeaders: '0x007D',
  deliveryTime: '0x0E06',
  messageFlags: '0x0E07',
  messageSize: '0x0E08',
  hasAttach: '0x0E1B',
  flagStatus: '0x1090',
  creationTime: '0x3007',
  lastModificationTime: '0x3008',
  /** PidTagProhibitReceiveQuota (KB), a store property served on msgfolderroot. */
  receiveQuota: '0x666A',
} as const;

export const MSGFLAG = { read: 0x1, unsent: 0x8, hasAttach: 0x10 } as const;

/** Normalized key of an ExtendedFieldURI (attributes as on the element). */
export function extKey(uri: Record<string, string>): string {
  if (uri.PropertyTag !== undefined) {
    const raw = uri.PropertyTag.trim();
    const n = /^0x/i.test(raw) ? parseInt(raw.slice(2), 16) : parseInt(raw, 10);
    return `0x${(n & 0xffff).toString(16).toUpperCase().padStart(4, '0')}`;
  }
  const guid = (uri.PropertySetId ?? SETS[uri.DistinguishedPropertySetId ?? ''] ?? '').toLowerCase().replace(/[{}]/g, '');
  const set = SET_NAME.get(guid) ?? `{${guid}}`;
  if (uri.PropertyName !== undefined) return `${set}:${set === 'InternetHeaders' ? uri.PropertyName.toLowerCase() : uri.PropertyName}`;
  const id = uri.PropertyId ?? '';
  const n = /^0x/i.test(id) ? parseInt(id.slice(2), 16) : parseInt(id, 10);
  return `${set}:#0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function isMultiValued(type: string): boolean {
  return type.endsWith('Array');
}

/** Reads a t:ExtendedProperty element (as sent in CreateItem/UpdateItem). */
export function readExtended(el: Element): ExtProp {
  const uriEl = child(el, 'ExtendedFieldURI')!;
  const uri = attrsOf(uriEl);
  const values = child(el, 'Values');
  return {
    key: extKey(uri),
    type: uri.PropertyType,
    value: values ? elements(values, 'Value').map((v) => text(v) ?? '') : (text(child(el, 'Value')) ?? ''),
  };
}

/** `<t:ExtendedProperty>` for a property, under the URI element the request used. */
export function renderExtended(uriEl: Element, p: ExtProp): string {
  const v = Array.isArray(p.value)
    ? `<t:Values>${p.value.map((x) => `<t:Value>${esc(x)}</t:Value>`).join('')}</t:Values>`
    : `<t:Value>${esc(p.value)}</t:Value>`;
  return `<t:ExtendedProperty><t:ExtendedFieldURI${attrString(attrsOf(uriEl))}/>${v}</t:ExtendedProperty>`;
}

/** The URI element for a stored key, for when every property is served (FakeMailbox.items()). */
export function uriAttrsForKey(key: string, type: string): Record<string, string> {
  if (/^0x[0-9A-F]{4}$/.test(key)) return { PropertyTag: key, PropertyType: type };
  const i = key.indexOf(':');
  const set = key.slice(0, i);
  const rest = key.slice(i + 1);
  const setAttr: Record<string, string> = SETS[set] ? { DistinguishedPropertySetId: set } : { PropertySetId: set.replace(/[{}]/g, '') };
  return rest.startsWith('#') ? { ...setAttr, PropertyId: String(parseInt(rest.slice(1), 16)), PropertyType: type } : { ...setAttr, PropertyName: rest, PropertyType: type };
}
