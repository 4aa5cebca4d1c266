// The order of child elements in EWS types, read from Microsoft's types.xsd itself: a response
// is only valid (and ews-javascript-api only reads every property) when an item's properties come
// in sequence order, base type's first. Reading the schema keeps the fake honest without
// hand-copied lists.
import fs from 'node:fs';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { EWS_SCHEMA_DIR } from '../../support/ews-schema';

const XS = 'http://www.w3.org/2001/XMLSchema';

/** Item, folder and attachment element names as they appear in t:Items / t:Folders / t:Attachments, with their schema type. */
export const ELEMENT_TYPE: Record<string, string> = {
  Item: 'ItemType',
  Message: 'MessageType',
  Contact: 'ContactItemType',
  DistributionList: 'DistributionListType',
  CalendarItem: 'CalendarItemType',
  Task: 'TaskType',
  Folder: 'FolderType',
  CalendarFolder: 'CalendarFolderType',
  ContactsFolder: 'ContactsFolderType',
  TasksFolder: 'TasksFolderType',
  SearchFolder: 'SearchFolderType',
  FileAttachment: 'FileAttachmentType',
};

let complexTypes: Map<string, Element> | undefined;
const orders = new Map<string, Map<string, number>>();
const elementTypes = new Map<string, Map<string, string>>();

function types(): Map<string, Element> {
  if (!complexTypes) {
    const doc = new DOMParser().parseFromString(fs.readFileSync(path.join(EWS_SCHEMA_DIR, 'types.xsd'), 'utf8'), 'text/xml');
    complexTypes = new Map();
    const all = doc.getElementsByTagNameNS(XS, 'complexType');
    for (let i = 0; i < all.length; i++) {
      const ct = all[i] as unknown as Element;
      const name = ct.getAttribute('name');
      if (name) complexTypes.set(name, ct);
    }
  }
  return complexTypes;
}

function collect(typeName: string, out: string[], typesOut?: Map<string, string>): void {
  const ct = types().get(typeName);
  if (!ct) throw new Error(`types.xsd has no complexType ${typeName}`);
  const walk = (n: Element) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const e = c as Element;
      if (e.localName === 'extension') {
        collect(e.getAttribute('base')!.replace(/^t:/, ''), out, typesOut);
        walk(e);
      } else if (e.localName === 'element') {
        const name = e.getAttribute('name') ?? e.getAttribute('ref')?.replace(/^t:/, '');
        if (name && !out.includes(name)) out.push(name);
        if (name && typesOut && e.getAttribute('type')) typesOut.set(name, e.getAttribute('type')!);
      } else if (['sequence', 'choice', 'complexContent', 'all', 'group'].includes(e.localName!)) walk(e);
    }
  };
  walk(ct);
}

/** Position of each child element name in a type's content model (base type first). */
export function elementOrder(typeName: string): Map<string, number> {
  let order = orders.get(typeName);
  if (!order) {
    const names: string[] = [];
    collect(typeName, names);
    order = new Map(names.map((n, i) => [n, i]));
    orders.set(typeName, order);
  }
  return order;
}

/** The declared type of a child element (e.g. "xs:dateTime"), for normalizing served values. */
export function elementType(element: string, name: string): string | undefined {
  const typeName = ELEMENT_TYPE[element] ?? element;
  let map = elementTypes.get(typeName);
  if (!map) {
    map = new Map();
    collect(typeName, [], map);
    elementTypes.set(typeName, map);
  }
  return map.get(name);
}

/** Sorts [elementName, xml] pairs into the schema order of the item/folder element `element`. */
export function inSchemaOrder(element: string, parts: Array<[string, string]>): string {
  const order = elementOrder(ELEMENT_TYPE[element] ?? element);
  const pos = (name: string) => {
    const p = order.get(name);
    if (p === undefined) throw new Error(`${name} is not a child of t:${element} in types.xsd`);
    return p;
  };
  return parts
    .map((p, i) => ({ p, k: pos(p[0]), i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.p[1])
    .join('');
}

/** Whether `name` is a property element of item/folder element `element` in the schema. */
export function isChildOf(element: string, name: string): boolean {
  return elementOrder(ELEMENT_TYPE[element] ?? element).has(name);
}
