// Paged views of FindItem/FindFolder (IndexedPage*View, FractionalPage*View) with the server's
// own cap on top, like Exchange's EWSFindCountLimit: a client asking for 1000 gets `cap` and
// IncludesLastItemInRange="false", and must page on with IndexedPagingOffset.
import { attr } from '../xml';

export interface Page<T> {
  slice: T[];
  /** Attributes of m:RootFolder (FindResponsePagingAttributes). */
  attrs: string;
}

export function page<T>(list: T[], view: Element | undefined, cap: number): Page<T> {
  const total = list.length;
  const max = Math.min(view && attr(view, 'MaxEntriesReturned') !== undefined ? Number(attr(view, 'MaxEntriesReturned')) : Infinity, cap);
  if (view && /^FractionalPage/.test(view.localName ?? '')) {
    const num = Number(attr(view, 'Numerator') ?? 0);
    const den = Math.max(1, Number(attr(view, 'Denominator') ?? 1));
    const start = Math.min(total, Math.floor((total * num) / den));
    const slice = list.slice(start, start + max);
    const next = start + slice.length;
    return { slice, attrs: ` NumeratorOffset="${next}" AbsoluteDenominator="${total}" IncludesLastItemInRange="${next >= total}" TotalItemsInView="${total}"` };
  }
  const offset = Math.max(0, Number(attr(view, 'Offset') ?? 0));
  if (attr(view, 'BasePoint') === 'End') {
    const end = Math.max(0, total - offset);
    const start = Math.max(0, end - max);
    const slice = list.slice(start, end);
    return { slice, attrs: ` IndexedPagingOffset="${offset + slice.length}" IncludesLastItemInRange="${start === 0}" TotalItemsInView="${total}"` };
  }
  const slice = list.slice(offset, offset + max);
  const next = offset + slice.length;
  return { slice, attrs: ` IndexedPagingOffset="${next}" IncludesLastItemInRange="${next >= total}" TotalItemsInView="${total}"` };
}
