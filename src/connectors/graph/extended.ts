/**
 * MAPI properties Graph reaches as singleValueExtendedProperties: Tern's stamp (the same named
 * property EWS writes, so copies made either way are recognised), and the fields of Exchange items
 * that Graph's own shapes have no place for.
 */
export interface ExtendedProperty {
  id: string;
  value: string;
}

/** PS_PUBLIC_STRINGS "TernSourceKey": the stamp of the source item (EWS: PublicStrings:TernSourceKey). */
export const STAMP_PROPERTY = 'String {00020329-0000-0000-C000-000000000046} Name TernSourceKey';

/** Property ids compared as Graph answers them ("String 0x3a24" for "String 0x3A24"). */
export function sameId(a: string, b: string): boolean {
  const norm = (id: string) => id.trim().replace(/\s+/g, ' ').toLowerCase().replace(/ 0x0*([0-9a-f]+)$/, ' 0x$1');
  return norm(a) === norm(b);
}

export function valueOf(list: ExtendedProperty[] | undefined, id: string): string | undefined {
  return list?.find((p) => sameId(p.id, id))?.value;
}

/** `$expand` of the given extended properties. */
export function expandOf(ids: string[]): string {
  return `singleValueExtendedProperties($filter=${ids.map((id) => `id eq '${id}'`).join(' or ')})`;
}
