import { FAILURE_CATEGORIES, type FailedItem, type FailureCategory } from './failure-category';
import type { TaskView } from './task';

/** The failed items of a task's last pass, one group per category, in the report's order. */
export interface FailureGroup {
  category: FailureCategory;
  label: string;
  /** How many items failed so (all of them, not only those listed). */
  count: number;
  /** The first of them, with where each is. */
  items: FailedItem[];
}

export function failureGroups(t: TaskView): FailureGroup[] {
  const failed = t.failedItems;
  if (!failed) return [];
  return FAILURE_CATEGORIES.flatMap(({ category, label }) => {
    const count = failed.counts[category] ?? 0;
    return count ? [{ category, label, count, items: failed.items.filter((i) => i.category === category) }] : [];
  });
}

/** One failed item for people: where it is (folder, date, subject, id), then the server's words. */
export function failedItemLine(i: FailedItem): string {
  if (i.count > 1) return `${i.count.toLocaleString('en-US')} items in ${i.folder}: ${i.reason}`;
  const where = [i.folder, i.date?.slice(0, 10), i.subject !== undefined ? `"${i.subject}"` : undefined, i.id !== undefined ? `id ${i.id}` : undefined].filter(Boolean).join(' · ');
  return `${where}: ${i.reason}`;
}

/**
 * The outcome as lines: a heading per category ("Too large: 2"), then up to `perGroup` items
 * under it and how many more there are.
 */
export function outcomeLines(t: TaskView, perGroup = Infinity, indent = '  '): string[] {
  const lines: string[] = [];
  for (const g of failureGroups(t)) {
    lines.push(`${g.label}: ${g.count.toLocaleString('en-US')}`);
    const shown = g.items.slice(0, perGroup);
    for (const i of shown) lines.push(`${indent}${failedItemLine(i)}`);
    const listed = shown.reduce((n, i) => n + i.count, 0);
    if (g.count > listed) lines.push(`${indent}…and ${(g.count - listed).toLocaleString('en-US')} more (tern status ${t.id} --json lists the first 200 items)`);
  }
  return lines;
}
