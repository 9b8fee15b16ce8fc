import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProfile } from '../src/profiles/index.ts';
import { serialize } from '../src/output/serialize.ts';
import { synth } from '../src/dashboard/synth.ts';
import { validateDashboard } from '../src/validate/dashboard.ts';
import { validateGrafanaSchema } from './support/schema.ts';

// The package as a user gets it: `npm pack` (which builds), the tarball installed into a fresh project
// of its own (package.json, a strict tsconfig with nodenext resolution), the README's library examples
// type-checked and run there. Installing reads npm's cache first (`npm ci` filled it), so it is quick.
const repo = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const tsc = join(repo, 'node_modules', '.bin', 'tsc');
let work: string;
let project: string;

/** The README's library examples: a ```ts block after each `<!-- example: NAME.ts -->`. */
const examples = new Map(
  [...readFileSync(join(repo, 'README.md'), 'utf8').matchAll(/<!-- example: ([\w-]+\.ts) -->\s*```ts\n([\s\S]*?)```/g)].map(([, name, code]) => [name!, code!]),
);

function run(command: string, args: string[], cwd: string) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  expect(r.status, `${command} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'kd-package-'));
  // A copy of the package's sources, so that packing (and the build it runs) never touches the working tree.
  const copy = join(work, 'package');
  for (const entry of ['bin', 'scripts', 'src', 'panels', 'package.json', 'tsconfig.json', 'tsconfig.lib.json', 'README.md']) {
    cpSync(join(repo, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts=false', '--pack-destination', work], copy).replace(/^[^[]*/, ''));
  const tarball = join(work, packed[0].filename);

  project = join(work, 'user');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'orders-dashboards',
      private: true,
      type: 'module',
      dependencies: {
        '@grafana/grafana-foundation-sdk': pkg.dependencies['@grafana/grafana-foundation-sdk'],
        'kinesis-dashboards': `file:${tarball}`,
      },
    }),
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        outDir: 'build',
        // Node's types, as a Node project has them (only for console.log here).
        typeRoots: [join(repo, 'node_modules', '@types')],
        types: ['node'],
      },
      include: ['*.ts'],
    }),
  );
  for (const [name, code] of examples) writeFileSync(join(project, name), code);
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], project);
  run(tsc, ['-p', '.'], project);
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const runExample = (name: string) => JSON.parse(run(process.execPath, [join(project, 'build', name.replace(/\.ts$/, '.js'))], project));

type AnyPanel = { type: string; title?: string; id?: number; targets?: { expr?: string }[]; gridPos?: { y: number } };

describe('the packed package, installed in a project of its own', () => {
  it('has both README examples (type-checked and built in beforeAll)', () => {
    expect([...examples.keys()]).toEqual(['add-rows.ts', 'custom-panel.ts']);
    expect(existsSync(join(project, 'build', 'add-rows.js'))).toBe(true);
  });

  it('example 1: the Put, Get and Latency rows under your own panel, with the chosen profile\'s queries', () => {
    const code = examples.get('add-rows.ts')!;
    const profile = /profile: '([\w-]+)'/.exec(code)![1]!;
    const streams = JSON.parse(/streams: (\[[^\]]*\])/.exec(code)![1]!.replaceAll("'", '"'));
    const doc = runExample('add-rows.ts');
    expect(validateGrafanaSchema(doc), JSON.stringify(validateGrafanaSchema.errors)).toBe(true);
    expect(validateDashboard(doc, profile)).toEqual([]);

    const panels = doc.panels as AnyPanel[];
    const rows = panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Put Requests', 'Get Requests', 'Latency']);
    expect(panels[0]!.type).toBe('text'); // the user's own panel stays first
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);

    // Every Kinesis panel queries exactly what the tool's own dashboard does for this profile and these streams.
    const whole = synth({ profile, streams }).panels as unknown as AnyPanel[];
    const kinesis = panels.filter((p) => p.type !== 'row' && p.type !== 'text');
    expect(kinesis.map((p) => p.title)).toEqual([
      'Incoming Records', 'Incoming Bytes', 'Throttled PutRecords/PutRecord Requests',
      'Outgoing Records', 'Outgoing Bytes', 'Throttled GetRecords Requests',
      'Average Get Latency', 'Average Put Latency',
    ]);
    for (const p of kinesis) {
      const own = whole.find((w) => w.type === p.type && w.title === p.title)!;
      expect(serialize(p.targets)).toBe(serialize(own.targets));
      expect(p.targets!.length).toBeGreaterThan(0);
    }
    // The variables the queries use come along, once each.
    const names = doc.templating.list.map((v: { name: string }) => v.name);
    expect(names).toEqual([...new Set(names)]);
    expect(names).toEqual(expect.arrayContaining(['datasource', 'stream']));
  });

  it('example 2: a panel of your own from a catalog signal, queried as the profile names the series', () => {
    const code = examples.get('custom-panel.ts')!;
    const profile = /profile: '([\w-]+)'/.exec(code)![1]!;
    const doc = runExample('custom-panel.ts');
    expect(validateGrafanaSchema(doc), JSON.stringify(validateGrafanaSchema.errors)).toBe(true);
    expect(validateDashboard(doc, profile)).toEqual([]);
    const [panel] = doc.panels as AnyPanel[];
    const series = getProfile(profile).seriesNames('GetRecords.IteratorAgeMilliseconds', 'Maximum');
    expect(panel!.targets!.map((t) => series.find((s) => t.expr?.includes(`${s}{`)))).toEqual([series[0]]);
  });

  it('ships the library without the CLI: nothing its modules import, even for types, is a CLI module', () => {
    // tsc emits every module the library's entry reaches (type-only imports included) into dist/lib.
    const lib = join(project, 'node_modules', 'kinesis-dashboards', 'dist', 'lib');
    const files = readdirSync(lib, { recursive: true, encoding: 'utf8' });
    expect(files).toContain(join('src', 'index.js'));
    expect(files).toContain(join('src', 'index.d.ts'));
    expect(files.filter((f) => f.split(/[\\/]/).includes('cli'))).toEqual([]);
  });

  it('has the CLI on the project\'s path, with shell completion', () => {
    const bin = join(project, 'node_modules', '.bin', 'kinesis-dashboards');
    const env = { ...process.env, SHELL: '/bin/bash' };
    const script = spawnSync(bin, ['completion'], { cwd: project, encoding: 'utf8', env });
    expect(script.status, script.stderr).toBe(0);
    expect(script.stdout).toContain('complete -o bashdefault -o default -F _kinesis-dashboards_yargs_completions kinesis-dashboards');
    const words = spawnSync(bin, ['--get-yargs-completions', 'kinesis-dashboards', 'generate', '--'], { cwd: project, encoding: 'utf8', env });
    expect(words.stdout.split('\n')).toEqual(expect.arrayContaining(['--profile', '--out']));
  });

  it('pulls in only what its shipped code imports, and what those need', () => {
    const installed = join(project, 'node_modules', 'kinesis-dashboards');
    // Bare imports of the shipped JavaScript (bin/, dist/): the packages it needs at run time.
    const imported = new Set<string>();
    const builtins = new Set(builtinModules);
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.(c|m)?js$/.test(e.name) ? [join(dir, e.name)] : []));
    for (const file of [...walk(join(installed, 'bin')), ...walk(join(installed, 'dist'))]) {
      // A package specifier (not a relative path or a built-in): minified text has "from" and "import" in strings too.
      for (const [, , spec] of readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])((?:@[\w.-]+\/)?[\w.-]+(?:\/[\w.@-]+)*)\1/g)) {
        if (spec!.startsWith('.') || spec!.startsWith('node:') || builtins.has(spec!)) continue;
        imported.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!);
      }
    }
    const declared = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(Object.keys(declared.dependencies ?? {}).sort()).toEqual([...imported].sort());

    // Every installed package (hoisted or nested) is one of those, or needed by one of them, or the project's own.
    const found: { name: string; manifest: { dependencies?: object; optionalDependencies?: object; peerDependencies?: object } }[] = [];
    const scan = (nm: string) => {
      if (!existsSync(nm)) return;
      for (const e of readdirSync(nm)) {
        if (e.startsWith('.')) continue;
        for (const dir of e.startsWith('@') ? readdirSync(join(nm, e)).map((s) => join(nm, e, s)) : [join(nm, e)]) {
          const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
          found.push({ name: manifest.name, manifest });
          scan(join(dir, 'node_modules'));
        }
      }
    };
    scan(join(project, 'node_modules'));
    const names = new Set(found.map((f) => f.name));
    const needed = new Set<string>();
    const queue = [...imported, ...Object.keys(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).dependencies)];
    while (queue.length) {
      const name = queue.shift()!;
      if (needed.has(name)) continue;
      needed.add(name);
      for (const { manifest } of found.filter((f) => f.name === name)) {
        queue.push(...Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies }).filter((d) => names.has(d)));
      }
    }
    expect([...names].sort()).toEqual([...needed].sort());
    // The tools that build and test the package are never among them.
    for (const tool of ['typescript', 'vitest', 'vite', '@types/node', 'ajv']) expect(names.has(tool), `${tool} installed`).toBe(false);
  });
});
