import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { serialize } from '../src/output/serialize.ts';
import { synth } from '../src/dashboard/synth.ts';

// The package's bin, run as users run it, in a copy of the package (sources, bin, build script;
// node_modules linked), so that building and editing never touch the working tree.
const repo = resolve(import.meta.dirname, '..');
let copy: string;

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [join(copy, 'bin', 'kinesis-dashboards.js'), ...args], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, KINESIS_DASHBOARDS_FROM_SOURCE: '', KINESIS_DASHBOARDS_TRACE: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const ran = (stderr: string) => /kinesis-dashboards: (running|rebuilt) (the sources \(tsx\)|\S+)/.exec(stderr)?.[0];
const stamp = () => JSON.parse(readFileSync(join(copy, 'dist', 'stamp.json'), 'utf8'));

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'kd-bin-'));
  for (const entry of ['bin', 'scripts', 'src', 'panels', 'package.json', 'tsconfig.json', 'tsconfig.lib.json']) {
    cpSync(join(repo, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const build = spawnSync(process.execPath, [join(copy, 'scripts', 'build.mjs')], { cwd: copy, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
}, 120_000);

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('bin/kinesis-dashboards.js', () => {
  it('runs the fresh build: --version, and generate --stdout is exactly serialize(synth())', () => {
    const version = run(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(ran(version.stderr)).toBe(`kinesis-dashboards: running dist/${stamp().bundle}`);

    const generated = run(['generate', '--stdout']);
    expect(generated.code).toBe(0);
    expect(ran(generated.stderr)).toBe(`kinesis-dashboards: running dist/${stamp().bundle}`);
    expect(generated.stdout).toBe(serialize(synth()));
  });

  it('fingerprints every source and bundled dependency of the bundle', () => {
    const inputs = Object.keys(stamp().inputs);
    expect(inputs).toEqual(expect.arrayContaining(['package.json', 'scripts/build.mjs', 'src/cli/main.ts', 'src/dashboard/synth.ts', 'panels/kinesis.ts']));
    expect(inputs.some((i) => i.endsWith('node_modules/yargs/package.json'))).toBe(true);
    expect(inputs.some((i) => i.endsWith('node_modules/zod/package.json'))).toBe(true);
  });

  it('prints the same help and errors as the sources', () => {
    for (const args of [['--help'], ['generate', '--help'], ['deploy'], ['generate', '--uid', 'bad uid', '--stdout']]) {
      const bundled = run(args);
      const sources = run(args, { KINESIS_DASHBOARDS_FROM_SOURCE: '1' });
      expect(ran(sources.stderr)).toBe('kinesis-dashboards: running the sources (tsx)');
      expect({ ...bundled, stderr: bundled.stderr.replace(/^kinesis-dashboards: running .*\n/m, '') }).toEqual({
        ...sources,
        stderr: sources.stderr.replace(/^kinesis-dashboards: running .*\n/m, ''),
      });
    }
  }, 60_000);

  it('packs bin/ and dist/ (npm pack, which builds first), and no sources', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts=false'], { cwd: copy, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files: string[] = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0].files.map((f: { path: string }) => f.path);
    const bundle = stamp().bundle;
    expect(files).toEqual(expect.arrayContaining(['bin/kinesis-dashboards.js', 'bin/package.json', 'dist/stamp.json', `dist/${bundle}`, `dist/${stamp().cache}`, 'dist/yargs-locales/en.json', 'dist/lib/src/index.js', 'dist/lib/src/index.d.ts', 'package.json']));
    expect(files.filter((f) => /^(src|panels|test|scripts)\//.test(f))).toEqual([]);
  }, 60_000);

  it('runs an installed package (bin/ and dist/ only, no sources to rebuild from) from its bundle as packed', () => {
    const installed = mkdtempSync(join(tmpdir(), 'kd-installed-'));
    try {
      for (const entry of ['bin', 'dist', 'package.json']) cpSync(join(copy, entry), join(installed, entry), { recursive: true });
      const r = spawnSync(process.execPath, [join(installed, 'bin', 'kinesis-dashboards.js'), 'generate', '--stdout'], {
        cwd: installed,
        encoding: 'utf8',
        env: { ...process.env, KINESIS_DASHBOARDS_FROM_SOURCE: '', KINESIS_DASHBOARDS_TRACE: '1' },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('kinesis-dashboards: an installed package: its bundle as packed');
      expect(ran(r.stderr)).toBe(`kinesis-dashboards: running dist/${stamp().bundle}`);
      expect(r.stdout).toBe(serialize(synth()));
    } finally {
      rmSync(installed, { recursive: true, force: true });
    }
  });

  it('never runs a stale bundle: a touched source is checked, an edited one rebuilt, a broken one run from source', () => {
    const before = stamp().bundle;
    const main = join(copy, 'src', 'cli', 'main.ts');
    const text = readFileSync(main, 'utf8');

    // Touched, same content (git checkout, a copy): the same bundle, no rebuild.
    const later = new Date(Date.now() + 5_000);
    utimesSync(main, later, later);
    const touched = run(['--version']);
    expect(ran(touched.stderr)).toBe(`kinesis-dashboards: running dist/${before}`);

    // Edited: the next run rebuilds and shows the edit.
    writeFileSync(main, `${text}\nprocess.stderr.write('edited main.ts\\n');\n`);
    const edited = run(['generate', '--stdout']);
    expect(edited.code).toBe(0);
    expect(edited.stderr).toContain(`kinesis-dashboards: rebuilt dist/`);
    expect(edited.stderr).toContain('edited main.ts');
    expect(stamp().bundle).not.toBe(before);
    expect(edited.stdout).toBe(serialize(synth()));

    // Broken beyond building: the sources run (and fail as the sources fail), never the last bundle.
    writeFileSync(main, `${text}\nexport const broken = ;\n`);
    const broken = run(['--version']);
    expect(ran(broken.stderr)).toBe('kinesis-dashboards: running the sources (tsx)');
    expect(broken.code).not.toBe(0);
    expect(broken.stdout).toBe('');

    // Restored: back to a bundle of these sources.
    writeFileSync(main, text);
    const restored = run(['--version']);
    expect(restored).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(restored.stderr).not.toContain('edited main.ts');
    expect(ran(restored.stderr)).toMatch(/^kinesis-dashboards: (rebuilt|running) dist\/cli-/);
  }, 90_000);
});
