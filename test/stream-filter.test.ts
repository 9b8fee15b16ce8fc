import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alternation } from '../src/profiles/spec.ts';
import { synth } from '../src/dashboard/synth.ts';
import { cli, tempDir } from './support/cli.ts';

const streamVariable = (profile: string, streams: string[] | string) => synth({ profile, streams }).templating.list!.find((v) => v.name === 'stream')!;

describe('stream filter', () => {
  it('escapes names into an exact alternation', () => {
    expect(alternation(['orders'])).toBe('orders');
    expect(alternation(['audit.log', 'a+b'])).toBe('(?:audit\\.log|a\\+b)');
  });

  it('limits the Prometheus stream variable and its All value', () => {
    const v = streamVariable('yace', ['orders', 'audit.log']);
    // In a PromQL string a regex backslash is written twice.
    expect(v.query).toBe('label_values(aws_kinesis_incoming_bytes_sum{region=~"$region", account_id=~"$account", dimension_StreamName=~"(?:orders|audit\\\\.log)"}, dimension_StreamName)');
    expect(v.allValue).toBe('(?:orders|audit\\\\.log)');
  });

  it('lowercases names for metric streams, which store them lowercased', () => {
    expect(streamVariable('logzio-metric-streams', ['Clicks-Stream', 'clicks-stream']).allValue).toBe('clicks-stream');
  });

  it('filters the CloudWatch stream variable with a variable regex (dimensions take no regex)', () => {
    const v = streamVariable('cloudwatch', ['orders', 'audit.log']);
    expect(v.regex).toBe('/^(?:(?:orders|audit\\.log))$/');
    expect(v.allValue).toBeUndefined();
  });

  it('leaves the dashboard unfiltered without it', () => {
    expect(synth({ profile: 'yace' }).templating.list!.find((v) => v.name === 'stream')!.allValue).toBe('.*');
  });
});

describe('stream filter in the config', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ path: dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it.each([
    ['an invalid regex', { streams: 'orders(' }, /config\.streams: not a valid regular expression/],
    ['an empty list', { streams: [] }, /config\.streams/],
    ['a name AWS would refuse', { dashboards: [{ uid: 'a', title: 'A', streams: ['has space'] }] }, /config\.dashboards\.0\.streams/],
  ])('refuses %s', async (_n, config, message) => {
    await writeFile(join(dir, 'kd.json'), JSON.stringify(config));
    const r = await cli(['generate', '--config', 'kd.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('gives each dashboard of a fleet its own streams', async () => {
    await writeFile(join(dir, 'kd.json'), JSON.stringify({ profile: 'yace', dashboards: [{ uid: 'a', title: 'A', streams: ['orders'] }, { uid: 'b', title: 'B', streams: '^clicks-.*' }] }));
    expect((await cli(['generate', '--config', 'kd.json'], { cwd: dir })).code).toBe(0);
  });
});
