import ICAL from 'ical.js';
import type { ContactData, EventData, GroupData, PimItem, TaskData } from '../../ports/pim-items';
import { readEvent, readTask, mainOf } from './ical-read';
import { isGroup, readContact, readGroup, type KnownContact } from './vcard-read';
import { STAMP_PROPERTY } from './stamp';

type Component = InstanceType<typeof ICAL.Component>;

/** One resource read into a neutral item, with its UID and Tern's stamp; or why it could not be. */
export type Parsed = { item: PimItem; stamp?: string } | { error: string };

function component(text: string, expected: 'vcalendar' | 'vcard'): Component {
  const jcal = ICAL.parse(text);
  // A file may hold several components; a DAV resource holds one.
  const first = Array.isArray(jcal[0]) ? jcal[0] : jcal;
  const c = new ICAL.Component(first);
  if (c.name !== expected) throw new Error(`it is a ${c.name.toUpperCase()}, not a ${expected.toUpperCase()}`);
  return c;
}

const why = (err: unknown) => (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 160);

export function parseCalendarObject(text: string, base: { sourceId: string; folder: string }): Parsed {
  try {
    const cal = component(text, 'vcalendar');
    const found = mainOf(cal);
    if (!found) return { error: 'it holds neither a VEVENT nor a VTODO' };
    const item: EventData | TaskData = found.kind === 'event' ? readEvent(cal, found, base) : readTask(cal, found.main, base);
    const stamp = found.main.getFirstPropertyValue(STAMP_PROPERTY.toLowerCase());
    item.native = { format: 'icalendar', text };
    return { item, ...(stamp ? { stamp: String(stamp) } : {}) };
  } catch (err) {
    return { error: `not valid iCalendar: ${why(err)}` };
  }
}

/** A vCard as a contact, or as a group when it is one (KIND:group, X-ADDRESSBOOKSERVER-KIND:group). */
export function parseVcard(text: string, base: { sourceId: string; folder: string }, contacts: ReadonlyMap<string, KnownContact>): Parsed {
  try {
    const card = component(text, 'vcard');
    const item: ContactData | GroupData = isGroup(card) ? readGroup(card, base, contacts) : readContact(card, base);
    const uid = card.getFirstPropertyValue('uid');
    if (uid) item.uid = String(uid);
    const stamp = card.getFirstPropertyValue(STAMP_PROPERTY.toLowerCase());
    item.native = { format: 'vcard', text };
    return { item, ...(stamp ? { stamp: String(stamp) } : {}) };
  } catch (err) {
    return { error: `not a valid vCard: ${why(err)}` };
  }
}

/** UID → the contact it names, for group members (urn:uuid:UID). */
export function knownContact(item: ContactData): KnownContact {
  return { sourceId: item.sourceId, ...(item.displayName ? { name: item.displayName } : {}), ...(item.emails[0] ? { address: item.emails[0].address } : {}) };
}

/** The text with Tern's stamp set (replacing one a copy of a copy carries) on its main component. */
export function withStamp(text: string, format: 'icalendar' | 'vcard', stamp: string): string {
  const root = component(text, format === 'icalendar' ? 'vcalendar' : 'vcard');
  const target = format === 'vcard' ? root : (mainOf(root)?.main ?? root);
  target.removeAllProperties(STAMP_PROPERTY.toLowerCase());
  target.addPropertyWithValue(STAMP_PROPERTY.toLowerCase(), stamp);
  return root.toString() + '\r\n';
}

/** The UID of a native text's main component. */
export function uidOf(text: string, format: 'icalendar' | 'vcard'): string | undefined {
  const root = component(text, format === 'icalendar' ? 'vcalendar' : 'vcard');
  const target = format === 'vcard' ? root : mainOf(root)?.main;
  const uid = target?.getFirstPropertyValue('uid');
  return uid ? String(uid) : undefined;
}
