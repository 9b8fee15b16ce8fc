import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.ts';

// The public API is listed once, in docs/api.md: a name exported without being listed (or listed and no
// longer exported, or exported as another kind) fails here, so an API change is always a decision.
const repo = resolve(import.meta.dirname, '..');
const listed = [...readFileSync(resolve(repo, 'docs/api.md'), 'utf8').matchAll(/^\| `(\w+)` \| (function|value|class|type) \|/gm)].map(([, name, kind]) => ({
  name: name!,
  kind: kind!,
}));
const source = readFileSync(resolve(repo, 'src/index.ts'), 'utf8');

/** The type-only names src/index.ts exports (`export type { … }`, `export { type X }`, `export interface`, `export type X =`). */
function typeExports(text: string): string[] {
  const names: string[] = [];
  for (const [, typeOnly, list] of text.matchAll(/^export (type )?\{([^}]*)\}/gm)) {
    for (const item of list!.split(',').map((s) => s.trim()).filter(Boolean)) {
      const isType = !!typeOnly || item.startsWith('type ');
      const name = item.replace(/^type /, '').split(/\s+as\s+/).pop()!;
      if (isType) names.push(name);
    }
  }
  for (const [, name] of text.matchAll(/^export (?:interface|type) (\w+)/gm)) names.push(name!);
  return names;
}

describe('the public API (src/index.ts, the package\'s "exports")', () => {
  it('exports exactly the values docs/api.md lists, each of the kind listed', () => {
    const actual = Object.entries(api)
      .map(([name, value]) => ({ name, kind: typeof value === 'function' ? (/^class\b/.test(Function.prototype.toString.call(value)) ? 'class' : 'function') : 'value' }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const expected = listed.filter((e) => e.kind !== 'type').sort((a, b) => a.name.localeCompare(b.name));
    expect(actual).toEqual(expected);
  });

  it('exports exactly the types docs/api.md lists, and re-exports nothing wholesale', () => {
    expect(source).not.toMatch(/^export \*/m);
    expect(typeExports(source).sort()).toEqual(listed.filter((e) => e.kind === 'type').map((e) => e.name).sort());
  });

  it('lists every name once', () => {
    const names = listed.map((e) => e.name);
    expect(names.length).toBeGreaterThan(20);
    expect(new Set(names).size).toBe(names.length);
  });

  it('is what package.json exports, as an ES module with declarations', () => {
    const pkg = JSON.parse(readFileSync(resolve(repo, 'package.json'), 'utf8'));
    expect(pkg.type).toBe('module');
    expect(pkg.exports['.']).toEqual({ types: './dist/lib/src/index.d.ts', default: './dist/lib/src/index.js' });
    const lib = JSON.parse(readFileSync(resolve(repo, 'tsconfig.lib.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
    expect(lib.files).toEqual(['src/index.ts']);
    expect(lib.compilerOptions.outDir).toBe('dist/lib');
  });
});
