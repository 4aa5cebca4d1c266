// Microsoft's Graph v1.0 CSDL (../shared/fixtures/graph-schema), parsed once with fast-xml-parser
// into what the fake checks against: each entity and complex type with its structural and
// navigation properties (base types folded in), enum members, the container's entity sets and
// singletons, bound operations, and the properties the schema marks read-only.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

export const CSDL_PATH = fileURLToPath(new URL('../../../../shared/fixtures/graph-schema/graph-v1.0.csdl.xml', import.meta.url));

export interface PropertyDef {
  name: string;
  /** Full type name ("Edm.String", "microsoft.graph.recipient"), without Collection(). */
  type: string;
  collection: boolean;
  nullable: boolean;
}

export interface StructuredType {
  name: string;
  kind: 'entity' | 'complex';
  baseType?: string;
  abstract: boolean;
  open: boolean;
  hasStream: boolean;
  /** Own and inherited. */
  properties: Map<string, PropertyDef>;
  navigation: Map<string, PropertyDef>;
}

export interface Operation {
  name: string;
  kind: 'function' | 'action';
  /** Full name of the binding parameter's type, Collection(...) kept as `collection`. */
  boundTo: string;
  collection: boolean;
  returnType?: string;
  /** The parameters after the binding one: an action's JSON body holds them by name. */
  parameters: PropertyDef[];
}

export interface Csdl {
  types: Map<string, StructuredType>;
  enums: Map<string, Set<string>>;
  /** Entity set or singleton name → entity type, and whether it is a collection. */
  roots: Map<string, { type: string; collection: boolean }>;
  operations: Operation[];
  /** "microsoft.graph.type/property" marked Core.Computed or read-only by Core.Permissions. */
  computed: Set<string>;
  /** The type's name and every type that derives from it (directly or not). */
  derived(name: string): string[];
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
type Node = Record<string, unknown>;

let cached: Csdl | undefined;

export function loadCsdl(): Csdl {
  cached ??= parse(readFileSync(CSDL_PATH, 'utf8'));
  return cached;
}

function parse(xml: string): Csdl {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, isArray: () => false });
  const doc = parser.parse(xml) as Node;
  const schemas = asArray(((doc.Edmx as Node).DataServices as Node).Schema as Node | Node[]);
  const aliases = new Map<string, string>();
  for (const s of schemas) if (s.Alias) aliases.set(String(s.Alias), String(s.Namespace));
  const full = (t: string) => {
    const dot = t.lastIndexOf('.');
    const ns = t.slice(0, dot);
    return aliases.has(ns) ? `${aliases.get(ns)}.${t.slice(dot + 1)}` : t;
  };
  const typeOf = (raw: string) => {
    const m = /^Collection\((.*)\)$/.exec(raw);
    return { type: full(m ? m[1] : raw), collection: Boolean(m) };
  };

  const raw = new Map<string, { node: Node; kind: 'entity' | 'complex' }>();
  const enums = new Map<string, Set<string>>();
  const roots = new Map<string, { type: string; collection: boolean }>();
  const operations: Operation[] = [];
  const computed = new Set<string>();

  for (const s of schemas) {
    const ns = String(s.Namespace);
    for (const t of asArray(s.EntityType as Node | Node[])) raw.set(`${ns}.${t.Name}`, { node: t, kind: 'entity' });
    for (const t of asArray(s.ComplexType as Node | Node[])) raw.set(`${ns}.${t.Name}`, { node: t, kind: 'complex' });
    for (const e of asArray(s.EnumType as Node | Node[])) enums.set(`${ns}.${e.Name}`, new Set(asArray(e.Member as Node | Node[]).map((m) => String(m.Name))));
    for (const [tag, kind] of [['Function', 'function'], ['Action', 'action']] as const) {
      for (const op of asArray(s[tag] as Node | Node[])) {
        if (op.IsBound !== 'true') continue;
        const [bound, ...rest] = asArray(op.Parameter as Node | Node[]);
        const binding = typeOf(String(bound.Type));
        const ret = op.ReturnType ? typeOf(String((op.ReturnType as Node).Type)).type : undefined;
        const parameters = rest.map((p) => ({ name: String(p.Name), ...typeOf(String(p.Type)), nullable: p.Nullable !== 'false' }));
        operations.push({ name: `${ns}.${op.Name}`, kind, boundTo: binding.type, collection: binding.collection, returnType: ret, parameters });
      }
    }
    const container = s.EntityContainer as Node | undefined;
    if (container) {
      for (const e of asArray(container.EntitySet as Node | Node[])) roots.set(String(e.Name), { type: full(String(e.EntityType)), collection: true });
      for (const e of asArray(container.Singleton as Node | Node[])) roots.set(String(e.Name), { type: full(String(e.Type)), collection: false });
    }
    for (const a of asArray(s.Annotations as Node | Node[])) {
      const target = String(a.Target);
      if (!target.includes('/')) continue;
      const terms = asArray(a.Annotation as Node | Node[]);
      const isComputed = terms.some((t) => t.Term === 'Org.OData.Core.V1.Computed' && t.Bool !== 'false');
      const readOnly = terms.some((t) => t.Term === 'Org.OData.Core.V1.Permissions' && String(t.EnumMember ?? '').endsWith('/Read'));
      if (isComputed || readOnly) computed.add(full(target.split('/')[0]) + '/' + target.split('/')[1]);
    }
  }

  const types = new Map<string, StructuredType>();
  const build = (name: string): StructuredType | undefined => {
    const done = types.get(name);
    if (done) return done;
    const entry = raw.get(name);
    if (!entry) return undefined;
    const { node, kind } = entry;
    const baseType = node.BaseType ? full(String(node.BaseType)) : undefined;
    const base = baseType ? build(baseType) : undefined;
    const t: StructuredType = {
      name,
      kind,
      baseType,
      abstract: node.Abstract === 'true',
      open: node.OpenType === 'true' || Boolean(base?.open),
      hasStream: node.HasStream === 'true' || Boolean(base?.hasStream),
      properties: new Map(base?.properties),
      navigation: new Map(base?.navigation),
    };
    for (const p of asArray(node.Property as Node | Node[])) t.properties.set(String(p.Name), { name: String(p.Name), ...typeOf(String(p.Type)), nullable: p.Nullable !== 'false' });
    for (const p of asArray(node.NavigationProperty as Node | Node[])) t.navigation.set(String(p.Name), { name: String(p.Name), ...typeOf(String(p.Type)), nullable: true });
    types.set(name, t);
    return t;
  };
  for (const name of raw.keys()) build(name);

  const children = new Map<string, string[]>();
  for (const t of types.values()) if (t.baseType) children.set(t.baseType, [...(children.get(t.baseType) ?? []), t.name]);
  const derived = (name: string): string[] => [name, ...(children.get(name) ?? []).flatMap(derived)];

  return { types, enums, roots, operations, computed, derived };
}
