// The architecture of DESIGN.md, checked on every import: adapters → commands → service →
// (queue, engine, store); engine → ports ← connectors; never backwards, and no cycles.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './support/tern';

/** Every import of every source file (type-only ones too), as project-relative paths. */
function importGraph(): Map<string, string[]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(projectRoot, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (/\.(ts|mjs)$/.test(e.name)) files.push(rel);
    }
  };
  for (const dir of ['src', 'adapters', 'commands']) walk(dir);
  const known = new Set(files);
  const resolve = (from: string, spec: string) => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
    return [base, `${base}.ts`, `${base}/index.ts`].find((f) => known.has(f));
  };
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = fs.readFileSync(path.join(projectRoot, file), 'utf8');
    const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)|(?:^|\n)\s*import\s*'([^']+)'/g)].map((m) => m[1] ?? m[2] ?? m[3]);
    const relative = specs.filter((s) => s.startsWith('.'));
    const targets = relative.map((s) => resolve(file, s));
    const unresolved = relative.filter((_, i) => !targets[i]);
    if (unresolved.length) throw new Error(`${file}: cannot resolve ${unresolved.join(', ')}`);
    graph.set(file, targets as string[]);
  }
  return graph;
}

const graph = importGraph();
const under = (dir: string) => (f: string) => f.startsWith(`${dir}/`);

/** Imports from files matching `from` into files matching `to`, as "a → b" lines. */
function offending(from: (f: string) => boolean, to: (f: string) => boolean): string[] {
  return [...graph].flatMap(([file, targets]) => (from(file) ? targets.filter(to).map((t) => `${file} → ${t}`) : []));
}

describe('layering', () => {
  it('sees the whole tree (the check itself works)', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('src/engine/steps/emails.ts')).toContain('src/engine/email/work-queue.ts');
    // Adapters do use commands: offending() finds imports where there are some, so the checks below cannot pass by finding nothing.
    expect(offending(under('adapters'), under('commands')).length).toBeGreaterThan(0);
  });

  it('connectors import nothing from the engine, service, store, queue, notify, auth, commands or adapters', () => {
    const inner = ['src/engine', 'src/service', 'src/store', 'src/queue', 'src/notify', 'src/auth', 'commands', 'adapters'];
    expect(offending(under('src/connectors'), (t) => inner.some((d) => under(d)(t)))).toEqual([]);
  });

  it('the engine reaches accounts through ports only: nothing from connectors, notify, service, queue, auth, commands or adapters', () => {
    const outer = ['src/connectors', 'src/notify', 'src/service', 'src/queue', 'src/auth', 'commands', 'adapters'];
    expect(offending(under('src/engine'), (t) => outer.some((d) => under(d)(t)))).toEqual([]);
  });

  it('notifications, the queue and the store never reach back into the service, commands or adapters', () => {
    const outer = ['src/service', 'commands', 'adapters'];
    for (const dir of ['src/notify', 'src/queue', 'src/store']) expect(offending(under(dir), (t) => outer.some((d) => under(d)(t)))).toEqual([]);
  });

  it('OAuth2 (src/auth) reaches only ports and the store: connectors get a token provider, never the store or the issuer', () => {
    const outer = ['src/connectors', 'src/engine', 'src/notify', 'src/service', 'src/queue', 'commands', 'adapters'];
    expect(offending(under('src/auth'), (t) => outer.some((d) => under(d)(t)))).toEqual([]);
    expect(offending(under('src/service'), under('src/auth')).length).toBeGreaterThan(0);
  });

  it('ports depend on nothing but ports', () => {
    expect(offending(under('src/ports'), (t) => !under('src/ports')(t))).toEqual([]);
  });

  it('nothing in src/ imports commands/ or adapters/, and commands never import adapters', () => {
    expect(offending(under('src'), (t) => under('commands')(t) || under('adapters')(t))).toEqual([]);
    expect(offending(under('commands'), under('adapters'))).toEqual([]);
  });

  it('platform SDKs appear only under adapters/', () => {
    const sdk = /from\s*'(@slack\/[^']+|discord\.js|discord-api-types[^']*)'/;
    const users = [...graph.keys()].filter((f) => !under('adapters')(f) && sdk.test(fs.readFileSync(path.join(projectRoot, f), 'utf8')));
    expect(users).toEqual([]);
  });

  it('no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].join(' → '));
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of graph.keys()) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
