// Resolves a request path against the CSDL the way Graph's router does: entity sets and
// singletons, keys, navigation and structural properties, bound functions and actions, `$value`
// of a media entity. What does not resolve is refused with Graph's own message.
import type { Csdl, PropertyDef } from './csdl';

export type Segment =
  | { kind: 'root' | 'nav'; name: string; type: string; collection: boolean }
  | { kind: 'key'; name: string; type: string }
  | { kind: 'prop'; name: string; type: string; collection: boolean }
  | { kind: 'op'; name: string; type?: string; collection: boolean; action: boolean; parameters: PropertyDef[] }
  | { kind: 'value' | 'count'; name: string };

export interface ResolvedPath {
  segments: Segment[];
  /** Names with keys as `{}`: "users/{}/mailFolders/{}/messages". */
  pattern: string;
  /** The key values in order. */
  keys: string[];
  /** The type the path ends on (an entity, a complex type, a collection of them). */
  type?: string;
  collection: boolean;
}

export class PathError extends Error {}

export function resolvePath(csdl: Csdl, path: string): ResolvedPath {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const segments: Segment[] = [];
  const keys: string[] = [];
  let type: string | undefined;
  let collection = false;
  let structural = false;
  const first = parts.shift();
  const root = first === 'me' ? undefined : first ? csdl.roots.get(first) : undefined;
  if (first === 'me') {
    segments.push({ kind: 'root', name: 'users', type: 'microsoft.graph.user', collection: true }, { kind: 'key', name: 'me', type: 'microsoft.graph.user' });
    keys.push('me');
    type = 'microsoft.graph.user';
  } else if (!root) {
    throw new PathError(`Resource not found for the segment '${first ?? ''}'.`);
  } else {
    segments.push({ kind: 'root', name: first!, ...root });
    type = root.type;
    collection = root.collection;
  }
  for (const part of parts) {
    if (part === '$value' && type && !collection && csdl.types.get(type)?.hasStream) {
      segments.push({ kind: 'value', name: part });
      type = undefined;
      continue;
    }
    if (part === '$count' && collection) {
      segments.push({ kind: 'count', name: part });
      type = 'Edm.Int32';
      collection = false;
      continue;
    }
    const op = boundOperation(csdl, part, type, collection);
    if (op) {
      segments.push(op);
      type = op.type;
      collection = op.collection;
      continue;
    }
    if (collection && !structural) {
      segments.push({ kind: 'key', name: part, type: type! });
      keys.push(part);
      collection = false;
      continue;
    }
    const t = type ? csdl.types.get(type) : undefined;
    const nav = t?.navigation.get(part);
    const prop = t?.properties.get(part);
    if (nav && !structural) {
      segments.push({ kind: 'nav', name: part, type: nav.type, collection: nav.collection });
      type = nav.type;
      collection = nav.collection;
    } else if (prop) {
      segments.push({ kind: 'prop', name: part, type: prop.type, collection: prop.collection });
      type = prop.type;
      collection = prop.collection;
      structural = true;
    } else {
      throw new PathError(`Resource not found for the segment '${part}'.`);
    }
  }
  const pattern = segments
    .map((s) => (s.kind === 'key' ? '{}' : s.kind === 'op' ? s.name.replace(/^microsoft\.graph\./, '').replace(/\(\)$/, '') : s.name))
    .join('/');
  return { segments, pattern, keys, type, collection };
}

/** "delta()", "delta", "microsoft.graph.delta()" bound to the current type (or one it derives from). */
function boundOperation(csdl: Csdl, part: string, type: string | undefined, collection: boolean): Extract<Segment, { kind: 'op' }> | undefined {
  if (!type) return undefined;
  const name = part.replace(/\(\)$/, '');
  const full = name.includes('.') ? name : `microsoft.graph.${name}`;
  const bases: string[] = [];
  for (let t: string | undefined = type; t; t = csdl.types.get(t)?.baseType) bases.push(t);
  const op = csdl.operations.find((o) => o.name === full && o.collection === collection && bases.includes(o.boundTo));
  if (!op) return undefined;
  const returnsCollection = op.kind === 'function' && op.name.endsWith('.delta');
  return { kind: 'op', name: full, type: op.returnType, collection: returnsCollection, action: op.kind === 'action', parameters: op.parameters };
}
