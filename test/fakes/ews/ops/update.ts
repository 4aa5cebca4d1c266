// UpdateItem: SetItemField / AppendToItemField / DeleteItemField on items, and on occurrences of
// a recurring series, where the first change turns the occurrence into an exception (listed in
// the master's ModifiedOccurrences).
import { applyExtended, READ_ONLY } from '../create';
import { isRecurringMaster, occurrenceAt } from '../calendar';
import { changeKey } from '../ids';
import { extKey, readExtended } from '../extended';
import type { ExceptionRec, ExtProp, StoredItem } from '../model';
import { fieldName } from '../render';
import { EwsError, message, responseRoot } from '../soap';
import type { MailboxStore } from '../store';
import { NS, attr, attrsOf, child, elements, fragment, serialize } from '../xml';
import type { OpContext } from './context';

const m = (parent: Element | undefined, name: string) => child(parent, name, NS.m);
const PATHS = ['FieldURI', 'IndexedFieldURI', 'ExtendedFieldURI'];

/** What an update writes to: the item itself, or one occurrence's exception record. */
interface Target {
  props: Map<string, Element>;
  ext: Map<string, ExtProp>;
}

export function updateItem(ctx: OpContext): string {
  const mb = ctx.mailbox;
  const conflict = attr(ctx.body, 'ConflictResolution') ?? 'AutoResolve';
  const msgs = elements(m(ctx.body, 'ItemChanges'), 'ItemChange').map((change) =>
    message(
      'UpdateItemResponseMessage',
      () => {
        const idEl = elements(change).find((e) => ['ItemId', 'OccurrenceItemId', 'RecurringMasterItemId'].includes(e.localName!))!;
        const { item, index } = mb.resolveItem(idEl);
        if (conflict === 'NeverOverwrite' && attr(idEl, 'ChangeKey') !== undefined) {
          const current = changeKey(index !== undefined ? (item.exceptions.get(index)?.version ?? item.version) : item.version);
          if (attr(idEl, 'ChangeKey') !== current) throw new EwsError('ErrorIrresolvableConflict');
        }
        const target = index !== undefined ? exceptionFor(mb, item, index) : item;
        for (const u of elements(child(change, 'Updates'))) applyUpdate(item, target, u, index !== undefined);
        if (index !== undefined) {
          const ex = target as ExceptionRec;
          ex.version = Math.max(ex.version, item.version) + 1;
          ex.modified = mb.now();
          mb.touch(item);
        } else mb.touch(item);
        return `<m:Items><t:${item.kind}>${mb.itemIdXml(item, index)}</t:${item.kind}></m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>`;
      },
      '<m:Items/>',
    ),
  );
  return responseRoot('UpdateItemResponse', `<m:ResponseMessages>${msgs.join('')}</m:ResponseMessages>`);
}

function exceptionFor(mb: MailboxStore, item: StoredItem, index: number): ExceptionRec {
  if (!isRecurringMaster(item)) throw new EwsError('ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange');
  const occ = occurrenceAt(item, index);
  if (!occ) throw new EwsError('ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange');
  if (occ.deleted) throw new EwsError('ErrorCalendarOccurrenceIsDeletedFromRecurrence');
  let ex = item.exceptions.get(index);
  if (!ex) {
    ex = { props: new Map(), ext: new Map(), version: item.version, modified: mb.now() };
    item.exceptions.set(index, ex);
  }
  return ex;
}

/** The single property element inside the t:Message/t:Contact/… of a Set/Append change. */
function valueElement(u: Element): Element {
  const holder = elements(u).find((e) => !PATHS.includes(e.localName!));
  const props = elements(holder);
  if (!holder || props.length !== 1) throw new EwsError('ErrorIncorrectUpdatePropertyCount', 'An update must carry exactly one property.');
  return props[0];
}

function applyUpdate(item: StoredItem, target: Target, u: Element, onOccurrence: boolean): void {
  const path = elements(u).find((e) => PATHS.includes(e.localName!));
  if (!path) throw new EwsError('ErrorInvalidRequest', 'An update needs a property path.');
  const kind = u.localName!; // SetItemField | AppendToItemField | DeleteItemField
  if (path.localName === 'ExtendedFieldURI') {
    if (kind === 'DeleteItemField') target.ext.delete(extKey(attrsOf(path)));
    else applyExtended(item, readExtended(valueElement(u)), target);
    return;
  }
  if (path.localName === 'IndexedFieldURI') return updateDictionary(target, path, kind, kind === 'DeleteItemField' ? undefined : valueElement(u));
  const name = fieldName(attr(path, 'FieldURI') ?? '');
  // Attachments change only through CreateAttachment / DeleteAttachment.
  if (READ_ONLY.has(name) || name === 'MimeContent' || name === 'Attachments') throw new EwsError('ErrorInvalidPropertySet', `The property ${name} can't be set.`);
  if (onOccurrence && name === 'Recurrence') throw new EwsError('ErrorCalendarInvalidPropertyState', 'An occurrence has no recurrence of its own.');
  if (name === 'Recurrence' || name === 'StartTimeZone') {
    // A new pattern invalidates the series' exceptions and deletions, as on Exchange.
    item.exceptions.clear();
    item.deleted.clear();
    if (name === 'StartTimeZone') item.zone = kind === 'DeleteItemField' ? undefined : valueElement(u);
  }
  if (kind === 'DeleteItemField') {
    target.props.delete(name);
    return;
  }
  const value = valueElement(u);
  if (value.localName !== name) throw new EwsError('ErrorInvalidPropertySet', `The FieldURI names ${name} but the item carries ${value.localName}.`);
  const current = target.props.get(name);
  if (kind === 'AppendToItemField' && current) {
    target.props.set(name, fragment(serialize(current).replace(new RegExp(`</t:${name}>$`), `${elements(value).map(serialize).join('')}</t:${name}>`)));
  } else target.props.set(name, value);
}

/** contacts:EmailAddress / PhoneNumber / ImAddress / PhysicalAddress:* entries, by Key. */
function updateDictionary(target: Target, path: Element, kind: string, value: Element | undefined): void {
  const uri = attr(path, 'FieldURI') ?? '';
  const key = attr(path, 'FieldIndex') ?? '';
  const dict = { 'contacts:EmailAddress': 'EmailAddresses', 'contacts:PhoneNumber': 'PhoneNumbers', 'contacts:ImAddress': 'ImAddresses' }[uri] ?? (uri.startsWith('contacts:PhysicalAddress:') ? 'PhysicalAddresses' : undefined);
  if (!dict) throw new EwsError('ErrorInvalidPropertyRequest', `Unknown indexed property ${uri}.`);
  const sub = dict === 'PhysicalAddresses' ? uri.split(':')[2] : undefined;
  const entries = new Map(elements(target.props.get(dict), 'Entry').map((e) => [attr(e, 'Key') ?? '', serialize(e)]));
  if (kind === 'DeleteItemField') {
    if (sub && entries.has(key)) {
      const e = fragment(entries.get(key)!);
      const rest = elements(e).filter((c) => c.localName !== sub);
      if (rest.length) entries.set(key, `<t:Entry Key="${key}">${rest.map(serialize).join('')}</t:Entry>`);
      else entries.delete(key);
    } else entries.delete(key);
  } else {
    const newEntry = elements(value, 'Entry')[0];
    if (!newEntry) throw new EwsError('ErrorIncorrectUpdatePropertyCount', 'An indexed update must carry one Entry.');
    if (sub && entries.has(key)) {
      const old = fragment(entries.get(key)!);
      const merged = new Map(elements(old).map((c) => [c.localName!, serialize(c)]));
      for (const c of elements(newEntry)) merged.set(c.localName!, serialize(c));
      // PhysicalAddress children have a fixed order: Street, City, State, CountryOrRegion, PostalCode.
      const order = ['Street', 'City', 'State', 'CountryOrRegion', 'PostalCode'];
      entries.set(key, `<t:Entry Key="${key}">${order.filter((o) => merged.has(o)).map((o) => merged.get(o)).join('')}</t:Entry>`);
    } else entries.set(key, serialize(newEntry));
  }
  if (entries.size) target.props.set(dict, fragment(`<t:${dict}>${[...entries.values()].join('')}</t:${dict}>`));
  else target.props.delete(dict);
}
