import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { grafanaLiteral, provisioningFiles, provisioningYaml } from '../src/output/provisioning.ts';
import { yamlQuote } from '../src/output/yaml.ts';
import { serialize } from '../src/output/serialize.ts';
import { synth } from '../src/dashboard/synth.ts';
import { cli, tempDir } from './support/cli.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ path: dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const listing = async (d: string) => (await readdir(d, { recursive: true })).map(String).sort();
const HEADER = [
  '# Grafana dashboard provisioning, written by kinesis-dashboards: regenerate it instead of editing it.',
  "# Put this file in Grafana's provisioning/dashboards/ directory and the JSON files of dashboards/",
  '# in options.path below.',
];

describe('yamlQuote', () => {
  it.each([
    ['Kinesis', "'Kinesis'"],
    ['', "''"],
    ["It's", "'It''s'"],
    ["''", "''''''"],
    ['a: b # c', "'a: b # c'"],
    ['"quoted" \\n', `'"quoted" \\n'`],
    ['- [x] {y} &z *w !t |>%@`', "'- [x] {y} &z *w !t |>%@`'"],
    ['yes', "'yes'"],
    ['Kinesis → Ströme', "'Kinesis → Ströme'"],
  ])('%j → %s', (text, quoted) => {
    expect(yamlQuote(text)).toBe(quoted);
  });

  it.each([['a\nb'], ['a\rb'], ['bell\u0007'], ['line\u2028sep']])('refuses %j (no one-line form)', (text) => {
    expect(() => yamlQuote(text)).toThrow(/one-line YAML string/);
  });
});

describe('grafanaLiteral', () => {
  it('doubles every "$" (Grafana expands $VAR in provisioning values)', () => {
    expect(grafanaLiteral('$HOME ${X} $__env{Y} $$ a')).toBe('$$HOME $${X} $$__env{Y} $$$$ a');
  });
});

describe('provisioningYaml', () => {
  it('by default: the General folder, the default path', () => {
    expect(provisioningYaml()).toBe(
      [
        ...HEADER,
        'apiVersion: 1',
        'providers:',
        "  - name: 'kinesis-dashboards'",
        '    orgId: 1',
        '    type: file',
        "    folder: ''",
        '    allowUiUpdates: false',
        '    disableDeletion: false',
        '    options:',
        "      path: '/var/lib/grafana/dashboards/kinesis'",
        '      foldersFromFilesStructure: false',
        '',
      ].join('\n'),
    );
  });

  it('with a folder title, a folder uid and a path', () => {
    const yaml = provisioningYaml({ folderTitle: 'Kinesis', folderUid: 'kinesis-prod', path: '/etc/dashboards' });
    expect(yaml.split('\n').slice(HEADER.length)).toEqual([
      'apiVersion: 1',
      'providers:',
      "  - name: 'kinesis-dashboards'",
      '    orgId: 1',
      '    type: file',
      "    folder: 'Kinesis'",
      "    folderUid: 'kinesis-prod'",
      '    allowUiUpdates: false',
      '    disableDeletion: false',
      '    options:',
      "      path: '/etc/dashboards'",
      '      foldersFromFilesStructure: false',
      '',
    ]);
  });

  it('quotes a title with quotes, colons, "#" and "$" so YAML and Grafana read it back as written', () => {
    const yaml = provisioningYaml({ folderTitle: `Team's "Kinesis": streams # $HOME` });
    expect(yaml).toContain(`    folder: 'Team''s "Kinesis": streams # $$HOME'\n`);
  });

  it('refuses a folder uid without a title (Grafana would ignore it) and the root folder\'s uid', () => {
    expect(() => provisioningYaml({ folderUid: 'x' })).toThrow(/ignores a folder uid without a folder title/);
    expect(() => provisioningYaml({ folderTitle: 'K', folderUid: 'general' })).toThrow(/is the root folder's uid/);
  });

  it('is the same text every time', () => {
    expect(provisioningYaml({ folderTitle: 'K' })).toBe(provisioningYaml({ folderTitle: 'K' }));
  });
});

describe('provisioningFiles', () => {
  it('puts the JSON under dashboards/ and the YAML at the top', () => {
    const files = provisioningFiles({ uid: 'kin', json: '{}\n' }, { folderTitle: 'K' });
    expect(files).toEqual([
      { path: 'dashboards/kin.json', content: '{}\n' },
      { path: 'kinesis-dashboards.yaml', content: provisioningYaml({ folderTitle: 'K' }) },
    ]);
  });
});

describe('generate --provisioning', () => {
  it('writes the dashboard JSON and the provider YAML, nothing else', async () => {
    const r = await cli(['generate', '--provisioning', 'prov', '--folder-title', 'Kinesis'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`wrote ${join(dir, 'prov', 'dashboards', 'aws-kinesis.json')}\nwrote ${join(dir, 'prov', 'kinesis-dashboards.yaml')}\n`);
    expect(await listing(dir)).toEqual(['prov', join('prov', 'dashboards'), join('prov', 'dashboards', 'aws-kinesis.json'), join('prov', 'kinesis-dashboards.yaml')]);
    expect(await readFile(join(dir, 'prov', 'dashboards', 'aws-kinesis.json'), 'utf8')).toBe(serialize(synth()));
    expect(await readFile(join(dir, 'prov', 'kinesis-dashboards.yaml'), 'utf8')).toBe(provisioningYaml({ folderTitle: 'Kinesis' }));
  });

  it('takes the folder uid and the path Grafana reads from', async () => {
    const r = await cli(['generate', '--provisioning', 'p', '--folder-title', 'Kinesis', '--folder-uid', 'kin', '--provisioning-path', '/srv/dash'], { cwd: dir });
    expect(r.code).toBe(0);
    const yaml = await readFile(join(dir, 'p', 'kinesis-dashboards.yaml'), 'utf8');
    expect(yaml).toContain("    folder: 'Kinesis'\n    folderUid: 'kin'\n");
    expect(yaml).toContain("      path: '/srv/dash'\n");
  });

  it('quotes a folder title with quotes and colons; "\\/" is a slash in the title', async () => {
    const r = await cli(['generate', '--provisioning', 'p', '--folder-title', `Ops' "Kinesis": prod\\/eu`], { cwd: dir });
    expect(r.code).toBe(0);
    expect(await readFile(join(dir, 'p', 'kinesis-dashboards.yaml'), 'utf8')).toContain(`    folder: 'Ops'' "Kinesis": prod/eu'\n`);
  });

  it('follows --uid and --profile; several dashboards can share the directory', async () => {
    await cli(['generate', '--provisioning', 'p', '--uid', 'kin-a'], { cwd: dir });
    await cli(['generate', '--provisioning', 'p', '--uid', 'kin-b', '--profile', 'yace'], { cwd: dir });
    expect(await listing(join(dir, 'p'))).toEqual(['dashboards', join('dashboards', 'kin-a.json'), join('dashboards', 'kin-b.json'), 'kinesis-dashboards.yaml']);
    expect(await readFile(join(dir, 'p', 'dashboards', 'kin-b.json'), 'utf8')).toBe(serialize(synth({ uid: 'kin-b', profile: 'yace' })));
  });

  it('with --out writes both; the JSON files are identical', async () => {
    const r = await cli(['generate', '--provisioning', 'p', '--out', 'o'], { cwd: dir });
    expect(r.code).toBe(0);
    const a = await readFile(join(dir, 'o', 'aws-kinesis.json'), 'utf8');
    expect(await readFile(join(dir, 'p', 'dashboards', 'aws-kinesis.json'), 'utf8')).toBe(a);
  });

  it('is byte-identical on every run', async () => {
    const args = ['--folder-title', 'K', '--folder-uid', 'k'];
    await cli(['generate', '--provisioning', 'a', ...args], { cwd: dir });
    await cli(['generate', '--provisioning', 'b', ...args], { cwd: dir });
    await cli(['generate', '--provisioning', 'a', ...args], { cwd: dir }); // over itself
    for (const f of [join('dashboards', 'aws-kinesis.json'), 'kinesis-dashboards.yaml']) {
      expect(await readFile(join(dir, 'a', f), 'utf8')).toBe(await readFile(join(dir, 'b', f), 'utf8'));
    }
    expect(await listing(join(dir, 'a'))).toEqual(await listing(join(dir, 'b'))); // no temp files left
  });

  it('generate without --provisioning is unchanged', async () => {
    const r = await cli(['generate'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(await listing(dir)).toEqual(['out', join('out', 'aws-kinesis.json')]);
  });

  describe('bad input: one clear message, exit 2, nothing written', () => {
    it.each([
      ['--provisioning with --stdout', ['--provisioning', 'p', '--stdout'], /Arguments provisioning and stdout are mutually exclusive/],
      ['--folder-uid without --folder-title', ['--provisioning', 'p', '--folder-uid', 'kin'], /--folder-uid: Grafana ignores a folder uid without a folder title/],
      ['a folder uid Grafana refuses', ['--provisioning', 'p', '--folder-title', 'K', '--folder-uid', 'a b'], /--folder-uid: a folder uid is 1 to 40 letters/],
      ['the root folder uid', ['--provisioning', 'p', '--folder-title', 'K', '--folder-uid', 'general'], /--folder-uid: "general" is the root folder/],
      ['an empty folder title', ['--provisioning', 'p', '--folder-title', ' '], /--folder-title: a folder title cannot be empty/],
      ['a folder path', ['--provisioning', 'p', '--folder-title', 'Team/Kinesis'], /--folder-title Team\/Kinesis: file provisioning puts dashboards in one folder/],
      ['a title on two lines', ['--provisioning', 'p', '--folder-title', 'a\nb'], /--folder-title: a folder title must be one line/],
      ['a relative provisioning path', ['--provisioning', 'p', '--provisioning-path', 'dashboards'], /--provisioning-path: give the absolute path/],
      ['an empty directory', ['--provisioning', ''], /--provisioning: has no value/],
      ['a blank directory', ['--provisioning', ' '], /--provisioning: give the directory/],
      ['--folder-title without --provisioning', ['--folder-title', 'K'], /--folder-title: only used with --provisioning DIR/],
      ['--provisioning-path without --provisioning', ['--provisioning-path', '/x'], /--provisioning-path: only used with --provisioning DIR/],
    ])('%s', async (_name, args, message) => {
      const r = await cli(['generate', ...args], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await listing(dir)).toEqual([]);
    });

    it('a config that asks for stdout', async () => {
      await writeFile(join(dir, 'kd.json'), JSON.stringify({ stdout: true }));
      const r = await cli(['generate', '--config', 'kd.json', '--provisioning', 'p'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/config.stdout: cannot be combined with --provisioning/);
      expect(await listing(dir)).toEqual(['kd.json']);
    });

    it('a provisioning directory that cannot be created', async () => {
      await writeFile(join(dir, 'file'), 'x');
      const r = await cli(['generate', '--provisioning', 'file/sub'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--provisioning file\/sub: cannot be used as an output directory \(ENOTDIR: /);
      expect(await listing(dir)).toEqual(['file']);
    });
  });
});

describe('provisioning and format from the config file', () => {
  it('takes them from the config, flags winning', async () => {
    const { path: d, cleanup } = await tempDir();
    try {
      await writeFile(join(d, 'kd.json'), JSON.stringify({ provisioning: { dir: 'prov', folderTitle: 'From config' } }));
      expect((await cli(['generate', '--config', 'kd.json'], { cwd: d })).code).toBe(0);
      expect(await readFile(join(d, 'prov', 'kinesis-dashboards.yaml'), 'utf8')).toContain("folder: 'From config'");
      expect((await cli(['generate', '--config', 'kd.json', '--folder-title', 'From flag'], { cwd: d })).code).toBe(0);
      expect(await readFile(join(d, 'prov', 'kinesis-dashboards.yaml'), 'utf8')).toContain("folder: 'From flag'");
      await writeFile(join(d, 'kd2.json'), JSON.stringify({ format: 'import', out: 'o' }));
      expect((await cli(['generate', '--config', 'kd2.json'], { cwd: d })).code).toBe(0);
      expect(JSON.parse(await readFile(join(d, 'o', 'aws-kinesis.import.json'), 'utf8')).__inputs).toHaveLength(1);
      await writeFile(join(d, 'kd3.json'), JSON.stringify({ provisioning: { folder: 'x' } }));
      const bad = await cli(['generate', '--config', 'kd3.json'], { cwd: d });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/config\.provisioning/);
    } finally {
      await cleanup();
    }
  });
});
