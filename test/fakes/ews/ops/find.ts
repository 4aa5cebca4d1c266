// FindItem: a folder's items through IndexedPageItemView/FractionalPageItemView (singles and
// recurring masters only, as on Exchange), a CalendarView (masters expanded into their
// occurrences and exceptions within the window), or a ContactsView; with Restriction, SortOrder
// and the server's page cap.
import { isRecurringMaster, masterTimes, occurrences } from '../calendar';
import type { StoredItem } from '../model';
import { itemView, parseShape, renderView, type View } from '../render';
import { EwsError, message, responseRoot } from '../soap';
import { NS, attr, child, elements, fragment, text } from '../xml';
import type { OpContext } from './context';
import { page } from './paging';
import { restrict, sortBy } from './restriction';

const m = (parent: Element | undefined, name: string) => child(parent, name, NS.m);

interface Row {
  item: StoredItem;
  index?: number;
  view: View;
  start?: number;
}

export function findItem(ctx: OpContext): string {
  const mb = ctx.mailbox;
  const body = ctx.body;
  const shape = parseShape(m(body, 'ItemShape'));
  const traversal = attr(body, 'Traversal') ?? 'Shallow';
  const calendarView = m(body, 'CalendarView');
  const contactsView = m(body, 'ContactsView');
  const view = m(body, 'IndexedPageItemView') ?? m(body, 'FractionalPageItemView');
  if (m(body, 'GroupBy') || m(body, 'DistinguishedGroupBy')) throw new EwsError('ErrorInvalidRequest', 'The fake does not group FindItem results.');
  if (m(body, 'QueryString')) throw new EwsError('ErrorInvalidRequest', 'The fake does not run AQS queries (QueryString).');
  const msgs = elements(m(body, 'ParentFolderIds')).map((el) =>
    message('FindItemResponseMessage', () => {
      const folder = mb.resolveFolder(el);
      const folders = traversal === 'Deep' ? [folder, ...mb.descendants(folder.n)] : [folder];
      // Associated (FAI) and soft-deleted items do not exist in the fake.
      const stored = traversal === 'Shallow' || traversal === 'Deep' ? folders.flatMap((f) => mb.itemsIn(f.n)) : [];
      let rows: Row[];
      let attrs: string;
      if (calendarView) {
        if (!folder.folderClass.startsWith('IPF.Appointment')) throw new EwsError('ErrorCalendarFolderIsInvalidForCalendarView', 'CalendarView can only be used with calendar folders.');
        const all = restrict(expandWindow(ctx, stored, calendarView), m(body, 'Restriction'));
        const max = Math.min(Number(attr(calendarView, 'MaxEntriesReturned') ?? Infinity), ctx.pageLimit);
        rows = all.slice(0, max);
        attrs = ` IncludesLastItemInRange="${rows.length === all.length}" TotalItemsInView="${all.length}"`;
      } else {
        const restriction = m(body, 'Restriction');
        const sortOrder = m(body, 'SortOrder');
        // Views are costly (every property serialized): without a filter or a sort, page over
        // the stored items and build views for the page only.
        const lazy = !contactsView && !restriction && !sortOrder;
        let all: Array<{ item: StoredItem; view: View }> = stored.map((item) => ({ item, view: lazy ? (undefined as unknown as View) : itemView(mb, item) }));
        if (contactsView) all = contactsWindow(all.filter((r) => r.item.kind === 'Contact' || r.item.kind === 'DistributionList'), contactsView);
        all = sortBy(restrict(all, restriction), sortOrder);
        const p = page(all, contactsView ? undefined : view, contactsView ? Math.min(Number(attr(contactsView, 'MaxEntriesReturned') ?? Infinity), ctx.pageLimit) : ctx.pageLimit);
        rows = lazy ? p.slice.map((r) => ({ item: r.item, view: itemView(mb, r.item) })) : p.slice;
        attrs = p.attrs;
      }
      return `<m:RootFolder${attrs}><t:Items>${rows.map((r) => renderView(r.view, shape, true)).join('')}</t:Items></m:RootFolder>`;
    }),
  );
  return responseRoot('FindItemResponse', `<m:ResponseMessages>${msgs.join('')}</m:ResponseMessages>`);
}

/** Singles overlapping [StartDate, EndDate) plus the occurrences of masters, by start time. */
function expandWindow(ctx: OpContext, items: StoredItem[], cv: Element): Row[] {
  const from = Date.parse(attr(cv, 'StartDate') ?? '');
  const to = Date.parse(attr(cv, 'EndDate') ?? '');
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) throw new EwsError('ErrorInvalidRequest', 'CalendarView needs StartDate <= EndDate.');
  const overlaps = (s: number, e: number) => s < to && (e > from || (s === e && s >= from));
  const rows: Row[] = [];
  for (const item of items) {
    if (item.kind !== 'CalendarItem') continue;
    if (!isRecurringMaster(item)) {
      const t = masterTimes(item);
      if (overlaps(t.start, t.end)) rows.push({ item, view: itemView(ctx.mailbox, item), start: t.start });
      continue;
    }
    for (const o of occurrences(item, to)) {
      if (!o.deleted && overlaps(o.start, o.end)) rows.push({ item, index: o.index, view: itemView(ctx.mailbox, item, o.index), start: o.start });
    }
  }
  return rows.sort((a, b) => a.start! - b.start!);
}

/** ContactsView: contacts whose FileAs falls between InitialName and FinalName, by FileAs. */
function contactsWindow<T extends { view: View }>(rows: T[], cv: Element): T[] {
  const fileAs = (r: T) => (text(fragment(r.view.props.get('FileAs') ?? '<t:FileAs/>')) ?? '').toLowerCase();
  const lo = attr(cv, 'InitialName')?.toLowerCase();
  const hi = attr(cv, 'FinalName')?.toLowerCase();
  return rows.filter((r) => (lo === undefined || fileAs(r) >= lo) && (hi === undefined || fileAs(r) <= hi)).sort((a, b) => (fileAs(a) < fileAs(b) ? -1 : fileAs(a) > fileAs(b) ? 1 : 0));
}
