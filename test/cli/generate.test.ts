import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serialize } from '../../src/output/serialize.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { cli, tempDir } from '../support/cli.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ path: dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const listing = async (d: string) => (await readdir(d)).sort();

describe('generate', () => {
  it('writes out/aws-kinesis.json by default, exactly what synth makes', async () => {
    const r = await cli(['generate'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(join(dir, 'out', 'aws-kinesis.json'));
    expect(await readFile(join(dir, 'out', 'aws-kinesis.json'), 'utf8')).toBe(serialize(synth()));
    expect(await listing(join(dir, 'out'))).toEqual(['aws-kinesis.json']); // no temp file left behind
  });

  it('is byte-identical on every run', async () => {
    await cli(['generate', '--out', 'a'], { cwd: dir });
    await cli(['generate', '--out', 'b'], { cwd: dir });
    expect(await readFile(join(dir, 'a', 'aws-kinesis.json'), 'utf8')).toBe(await readFile(join(dir, 'b', 'aws-kinesis.json'), 'utf8'));
  });

  it('takes profile, uid and title from flags', async () => {
    const r = await cli(['generate', '--profile', 'yace', '--uid', 'kin-prod', '--title', 'Kinesis prod', '--out', 'o'], { cwd: dir });
    expect(r.code).toBe(0);
    const d = JSON.parse(await readFile(join(dir, 'o', 'kin-prod.json'), 'utf8'));
    expect(d).toMatchObject({ uid: 'kin-prod', title: 'Kinesis prod' });
    expect(JSON.stringify(d)).toContain('dimension_StreamName');
  });

  it('prints to stdout with --stdout and writes nothing', async () => {
    const r = await cli(['generate', '--stdout', '--profile', 'logzio-metric-streams'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(serialize(synth({ profile: 'logzio-metric-streams' })));
    expect(await listing(dir)).toEqual([]);
  });

  it('reads a config file, and flags win over it', async () => {
    await writeFile(join(dir, 'kd.json'), JSON.stringify({ profile: 'yace', uid: 'from-file', title: 'From file', tags: ['team-a'], out: 'dist' }));
    const r = await cli(['generate', '--config', 'kd.json', '--title', 'From flag'], { cwd: dir });
    expect(r.code).toBe(0);
    const d = JSON.parse(await readFile(join(dir, 'dist', 'from-file.json'), 'utf8'));
    expect(d.title).toBe('From flag');
    expect(d.tags).toEqual(['aws', 'kinesis', 'kinesis-dashboards', 'team-a']);
    expect(JSON.stringify(d)).toContain('dimension_StreamName');
  });

  describe('bad input: one clear message, exit 2, nothing written', () => {
    it.each([
      ['an unknown profile', ['--profile', 'graphite'], /--profile: unknown profile.*use one of cloudwatch-exporter, yace, logzio-metric-streams/],
      ['a uid Grafana refuses', ['--uid', 'has spaces!'], /--uid: a dashboard uid is 1 to 40 letters/],
      ['a uid over 40 characters', ['--uid', 'x'.repeat(41)], /--uid:/],
      ['an empty title', ['--title', '  '], /--title: a title cannot be empty/],
      ['an unknown flag', ['--colour', 'red'], /Unknown argument: colour/],
      ['--out with --stdout', ['--out', 'x', '--stdout'], /mutually exclusive/],
      ['a missing config file', ['--config', 'nope.json'], /--config nope.json: cannot read it \(ENOENT\)/],
    ])('%s', async (_name, args, message) => {
      const r = await cli(['generate', ...args], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
      expect(await listing(dir)).toEqual([]);
    });

    it.each([
      ['malformed JSON', '{"profile": "yace",', /not valid JSON/],
      ['an unknown key', '{"profile": "yace", "colour": "red"}', /config: Unrecognized key: "colour"/i],
      ['a wrong type', '{"tags": "aws"}', /config.tags: Invalid input: expected array/i],
      ['an unknown profile', '{"profile": "graphite"}', /config.profile: unknown profile/],
      ['a bad uid', '{"uid": "a/b"}', /config.uid: a dashboard uid/],
    ])('a config with %s', async (_name, text, message) => {
      await writeFile(join(dir, 'kd.json'), text);
      const r = await cli(['generate', '--config', 'kd.json'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(await listing(dir)).toEqual(['kd.json']);
    });

    it('a fleet config: every problem at once (the file, each entry), a bad flag once', async () => {
      const fleet = {
        periodSeconds: 30,
        dashboards: [
          { uid: 'a', title: 'A', streams: [] },
          { uid: 'b', title: 'B', tags: 'x', targets: ['nope'] },
          { uid: 'c', title: 'C', rows: { fanout: true } },
        ],
      };
      await writeFile(join(dir, 'kd.json'), JSON.stringify(fleet));
      const r = await cli(['generate', '--config', 'kd.json'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        'kinesis-dashboards: --config kd.json: invalid',
        'config.periodSeconds: Kinesis metrics have 60 s resolution: use a multiple of 60 (60, 300, 3600)',
        'config.dashboards.1.targets.0: unknown target "nope": define it under "targets"',
        'config.dashboards.0.streams: name at least one stream, or leave "streams" out for all',
        'config.dashboards.1.tags: Invalid input: expected array, received string',
        'config.dashboards.2.rows: Unrecognized key: "fanout"',
      ]);
      // A valid file: each entry's fields are checked merged with the top level's and the flags.
      await writeFile(join(dir, 'kd.json'), JSON.stringify({ ...fleet, periodSeconds: 60, dashboards: fleet.dashboards.map(({ uid, title }) => ({ uid, title })) }));
      const bad = await cli(['generate', '--config', 'kd.json', '--profile', 'graphite'], { cwd: dir });
      expect(bad.code).toBe(2);
      expect(bad.stderr.match(/--profile: unknown profile/g)).toHaveLength(1);
      expect(await listing(dir)).toEqual(['kd.json']);
    });

    it('an out dir that cannot be created', async () => {
      await writeFile(join(dir, 'file'), 'x');
      const r = await cli(['generate', '--out', 'file/sub'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--out file\/sub: cannot be used as an output directory \(ENOTDIR: .*file is not a directory\); choose a writable directory/);
    });
  });

  it('leaves the old file whole when writing fails', async () => {
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'out', 'aws-kinesis.json'), 'old');
    if (process.getuid?.() !== 0) {
      await chmod(join(dir, 'out'), 0o555);
      const r = await cli(['generate'], { cwd: dir });
      expect(r.code).toBe(2); // found unwritable before anything is written
      await chmod(join(dir, 'out'), 0o755);
    } else {
      // root ignores permissions: make the target a directory so the rename fails instead.
      await writeFile(join(dir, 'out', 'aws-kinesis.json'), 'old');
      await mkdir(join(dir, 'out2', 'aws-kinesis.json'), { recursive: true });
      // A directory where the file should go is found before anything is written: bad input, exit 2.
      const r = await cli(['generate', '--out', 'out2'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--out out2: cannot write .*aws-kinesis\.json: a directory is in the way/);
      expect(await listing(join(dir, 'out2'))).toEqual(['aws-kinesis.json']);
    }
    expect(await readFile(join(dir, 'out', 'aws-kinesis.json'), 'utf8')).toBe('old');
  });
});
