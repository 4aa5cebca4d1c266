import { DefaultExtendedPropertySet, ExtendedPropertyDefinition, MapiPropertyType } from 'ews-javascript-api';
import type { ExtendedPropertyCollection, Item } from 'ews-javascript-api';

/**
 * Tern's mark on every PIM item it creates: a named string property (PublicStrings,
 * "TernSourceKey") holding the key the engine chose (the source item's identity). A re-run reads
 * it back to recognise its own copies; nothing a user sees shows it.
 */
export const STAMP = new ExtendedPropertyDefinition(DefaultExtendedPropertySet.PublicStrings, 'TernSourceKey', MapiPropertyType.String);

export function setStamp(item: Item, stamp: string): void {
  item.SetExtendedProperty(STAMP, stamp);
}

export function readStamp(item: Item): string | undefined {
  return extendedValue(item.ExtendedProperties, STAMP);
}

/**
 * The value of one extended property of an item or folder, as text. Matched by tag, or by name
 * and property set, rather than with the library's TryGetValue, whose equality test also
 * compares fields a server's answer leaves unset.
 */
export function extendedValue(collection: ExtendedPropertyCollection | undefined, def: ExtendedPropertyDefinition): string | undefined {
  const items = (collection as unknown as { Items?: Array<{ PropertyDefinition: ExtendedPropertyDefinition; Value: unknown }> } | undefined)?.Items ?? [];
  for (const p of items) {
    const d = p.PropertyDefinition;
    const same = def.Tag ? d.Tag === def.Tag : d.Name === def.Name && (d.Id ?? undefined) === (def.Id ?? undefined) && d.PropertySet === def.PropertySet;
    if (same && p.Value !== undefined && p.Value !== null) return valueText(p.Value);
  }
  return undefined;
}

function valueText(v: unknown): string {
  if (typeof v === 'object' && v && 'ToISOString' in v && typeof (v as { ToISOString: unknown }).ToISOString === 'function') {
    return (v as { ToISOString(): string }).ToISOString();
  }
  return String(v);
}
