import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { serialize } from '../src/output/serialize.ts';
import { synth } from '../src/dashboard/synth.ts';

// The package's bin, run as users run it, in a copy of the package (sources, bin, build script;
// node_modules linked) built here first, so that building and editing never touch the working tree.
const repo = resolve(import.meta.dirname, '..');
let copy: string;

const build = () => spawnSync(process.execPath, [join(copy, 'scripts', 'build.mjs')], { cwd: copy, encoding: 'utf8' });
function run(args: string[], dir = copy) {
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'kinesis-dashboards.js'), ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** The same command line run from the TypeScript sources (tsx), without any bundle. */
function runSources(args: string[]) {
  const main = "import { main } from './src/cli/main.ts'; await main(process.argv.slice(1));";
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', main, '--', ...args], { cwd: copy, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'kd-bin-'));
  for (const entry of ['bin', 'scripts', 'src', 'panels', 'package.json', 'tsconfig.json', 'tsconfig.lib.json']) {
    cpSync(join(repo, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const built = build();
  expect(built.status, built.stderr).toBe(0);
}, 120_000);

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('bin/kinesis-dashboards.js', () => {
  it('runs the built bundle: --version, and generate --stdout is exactly serialize(synth())', () => {
    expect(run(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const generated = run(['generate', '--stdout']);
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toBe(serialize(synth()));
  });

  it('prints the same help and errors as the sources', () => {
    for (const args of [['--help'], ['generate', '--help'], ['deploy'], ['generate', '--uid', 'bad uid', '--stdout']]) {
      expect(run(args)).toEqual(runSources(args));
    }
  }, 60_000);

  it('maps stack traces into src/ with --debug', () => {
    const r = run(['generate', '--uid', 'bad uid', '--stdout', '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at .*src[\\/]cli[\\/]\S+\.ts:\d+:\d+/);
  });

  it('says what to do when there is no bundle, and runs nothing else', () => {
    const bare = mkdtempSync(join(tmpdir(), 'kd-bare-'));
    try {
      cpSync(join(copy, 'bin'), join(bare, 'bin'), { recursive: true });
      const r = run(['generate', '--stdout'], bare);
      expect(r).toMatchObject({ code: 1, stdout: '' });
      expect(r.stderr).toMatch(/^kinesis-dashboards: \S+cli\.cjs is missing: run `npm run build` first\n$/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('runs what the build made of the current sources, and builds the same bytes from the same sources', () => {
    const bundle = () => readFileSync(join(copy, 'dist', 'cli.cjs'));
    const before = bundle();
    const main = join(copy, 'src', 'cli', 'main.ts');
    const text = readFileSync(main, 'utf8');
    try {
      writeFileSync(main, `${text}\nprocess.stderr.write('edited main.ts\\n');\n`);
      expect(build().status).toBe(0);
      const edited = run(['--version']);
      expect(edited).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
      expect(edited.stderr).toContain('edited main.ts');
    } finally {
      writeFileSync(main, text);
    }
    expect(build().status).toBe(0);
    expect(bundle().equals(before)).toBe(true);
    expect(run(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  }, 60_000);

  it('requires at run time only Node built-ins and the package dependencies', () => {
    const bundle = readFileSync(join(copy, 'dist', 'cli.cjs'), 'utf8');
    const required = new Set([...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!));
    const builtins = new Set(builtinModules);
    const packages = [...required].filter((r) => !r.startsWith('node:') && !builtins.has(r)).map((r) => r.split('/').slice(0, r.startsWith('@') ? 2 : 1).join('/'));
    expect(packages).toContain('@grafana/grafana-foundation-sdk');
    expect(packages.filter((p) => !(p in pkg.dependencies))).toEqual([]);
  });

  it('packs bin/ and dist/ (npm pack, which builds first), and no sources', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts=false'], { cwd: copy, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files: string[] = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0].files.map((f: { path: string }) => f.path);
    expect(files).toEqual(expect.arrayContaining(['bin/kinesis-dashboards.js', 'bin/package.json', 'dist/cli.cjs', 'dist/cli.cjs.map', 'dist/locales/en.json', 'dist/lib/src/index.js', 'dist/lib/src/index.d.ts', 'package.json']));
    expect(files.filter((f) => /^(src|panels|test|scripts)\//.test(f))).toEqual([]);
  }, 60_000);

  it('runs an installed package: bin/ and dist/ with only its dependencies installed', () => {
    const installed = mkdtempSync(join(tmpdir(), 'kd-installed-'));
    try {
      for (const entry of ['bin', 'dist', 'package.json']) cpSync(join(copy, entry), join(installed, entry), { recursive: true });
      for (const dep of Object.keys(pkg.dependencies)) {
        mkdirSync(join(installed, 'node_modules', dep, '..'), { recursive: true });
        symlinkSync(join(repo, 'node_modules', dep), join(installed, 'node_modules', dep), 'dir');
      }
      const r = run(['generate', '--stdout'], installed);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(serialize(synth()));
      for (const command of ['catalog', 'validate', 'publish', 'diff', 'preview', 'alerts']) expect(run([command, '--help'], installed).code).toBe(0);
    } finally {
      rmSync(installed, { recursive: true, force: true });
    }
  });
});

describe('scripts/sdk-lazy-indexes.mjs', () => {
  it('fails the build on an SDK index that does more than re-export its files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-sdk-'));
    try {
      writeFileSync(join(dir, 'index.js'), '"use strict";\nexports.answer = 42;\n');
      const rewrite = `import { lazySdkIndex } from './scripts/sdk-lazy-indexes.mjs'; lazySdkIndex(${JSON.stringify(join(dir, 'index.js'))});`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', rewrite], { cwd: repo, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/expected only re-exports.*update scripts\/sdk-lazy-indexes\.mjs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
