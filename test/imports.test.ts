import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The shape of the code, read from its import statements (static, type-only and dynamic alike):
// modules under src/ and panels/ import each other one way only, and no lower layer reaches up.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Each module's imports of other modules of src/ and panels/, as paths from the repository root. */
function importGraph(): Map<string, string[]> {
  const files = [...sources('src'), ...sources('panels')];
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const text = readFileSync(join(root, file), 'utf8');
      const targets = [...text.matchAll(IMPORT)]
        .map((m) => m[1] ?? m[2] ?? m[3]!)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => relative(root, resolve(root, dirname(file), spec)));
      return [file, [...new Set(targets.filter((t) => known.has(t)))]];
    }),
  );
}

/** Every import cycle, each as the modules on it (Tarjan's strongly connected components of more than one module, or a module importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('module structure', () => {
  const graph = importGraph();

  it('reads every module and the imports between them', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('src/dashboard/synth.ts')).toContain('panels/layout.ts');
    expect(graph.get('src/cli/parser.ts')).toContain('src/cli/commands/generate.ts'); // a lazy import() counts too
  });

  it('finds a cycle when there is one', () => {
    const made = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(made)).toEqual([['a', 'b', 'c']]);
  });

  it('has no import cycles in src/ and panels/', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has lower layers that never import the CLI', () => {
    const upward = [...graph].flatMap(([file, targets]) => (file.startsWith('src/cli/') ? [] : targets.filter((t) => t.startsWith('src/cli/')).map((t) => `${file} → ${t}`)));
    expect(upward).toEqual([]);
  });

  it('has panels that depend only downward: never on the dashboard, the CLI or the outputs', () => {
    const panelImports = [...graph].filter(([file]) => file.startsWith('panels/')).flatMap(([, targets]) => targets);
    const allowed = /^(panels\/|src\/(catalog|signals|profiles)\/|src\/capacity\.ts$|src\/zod-config\.ts$)/;
    expect(panelImports.filter((t) => !allowed.test(t))).toEqual([]);
  });
});
