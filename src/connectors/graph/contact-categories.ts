import type { GraphHttp } from './http';
import { itemPath } from './pim-items';

/**
 * Graph v1.0 has no contact groups: a group arrives as its members, contacts carrying the group's
 * name as a category (Outlook shows and filters by it). Adds or takes off one category of a contact;
 * a contact deleted since is left alone.
 */
export function contactCategories(http: GraphHttp) {
  const change = async (id: string, edit: (categories: string[]) => string[]) => {
    const path = itemPath(http, id);
    const res = await http.call('GET', `${path}?$select=categories`, { accept: [404] });
    if (res.status === 404) return;
    const before = (res.json?.categories as string[] | undefined) ?? [];
    const after = edit(before);
    if (after.length !== before.length) await http.call('PATCH', path, { body: { categories: after }, accept: [404] });
  };
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  return {
    add: (id: string, category: string) => change(id, (cs) => (cs.some((c) => same(c, category)) ? cs : [...cs, category])),
    remove: (id: string, category: string) => change(id, (cs) => cs.filter((c) => !same(c, category))),
  };
}
