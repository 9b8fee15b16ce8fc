import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serialize } from '../../src/output/serialize.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { cli, tempDir } from '../support/cli.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ path: dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const write = async (name: string, value: unknown) => writeFile(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));

describe('validate', () => {
  it('passes our dashboards for their profile', async () => {
    for (const profile of ['cloudwatch-exporter', 'yace', 'logzio-metric-streams']) {
      await write(`${profile}.json`, serialize(synth({ profile })));
      const r = await cli(['validate', `${profile}.json`, '--profile', profile], { cwd: dir });
      expect(r).toMatchObject({ code: 0, stdout: `${profile}.json: ok\n` });
    }
  });

  it('reports every problem with its JSON path and exits 1', async () => {
    const d = JSON.parse(serialize(synth())) as { panels: Record<string, any>[] };
    d.panels[1]!.gridPos.x = 20; // 20 + 6 > 24, and now overlaps the fourth stat (x 18)
    d.panels[2]!.id = 1; // duplicate id
    d.panels[5]!.targets[0].expr = 'sum(aws_kinesis_incoming_records_sum{stream_name=~"$stream"}'; // unbalanced
    d.panels[6]!.targets[0].expr = 'sum by (stream_name) (aws_kinesis_incoming_bytez_sum{stream_name=~"$stream"})'; // typo
    await write('bad.json', d);
    const r = await cli(['validate', 'bad.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('bad.json: $.panels[1].gridPos: x 20 + w 6 passes the 24-column grid');
    expect(r.stdout).toContain('bad.json: $.panels[2].id: duplicate panel id 1 (also $.panels[0])');
    expect(r.stdout).toContain('bad.json: $.panels[3].gridPos: overlaps $.panels[1] ("Avg Put Latency")');
    expect(r.stdout).toMatch(/bad\.json: \$\.panels\[5\]\.targets\[0\]\.expr: PromQL syntax error/);
    expect(r.stdout).toContain('bad.json: $.panels[6].targets[0].expr: aws_kinesis_incoming_bytez_sum is not a Kinesis metric of profile cloudwatch-exporter');
  });

  it('flags names of another profile', async () => {
    await write('streams.json', serialize(synth({ profile: 'logzio-metric-streams' })));
    const r = await cli(['validate', 'streams.json', '--profile', 'yace'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('aws_kinesis_incomingbytes_sum is not a Kinesis metric of profile yace');
  });

  it('checks the model: shapes and types with paths', async () => {
    await write('model.json', { title: '', schemaVersion: 39, panels: [{ id: 'one', type: 'stat', gridPos: { x: 0, y: 0, w: 30, h: 4 } }] });
    const r = await cli(['validate', 'model.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('model.json: $.title: a dashboard needs a title');
    expect(r.stdout).toMatch(/model\.json: \$\.panels\[0\]\.id: .*number/i);
    expect(r.stdout).toContain('model.json: $.panels[0].gridPos.w: a panel is at most 24 columns wide');
  });

  it('accepts a hand-made dashboard with collapsed rows and other metrics', async () => {
    await write('hand.json', {
      title: 'Hand made', schemaVersion: 39,
      panels: [
        { id: 1, type: 'row', collapsed: true, gridPos: { x: 0, y: 0, w: 24, h: 1 }, panels: [
          { id: 2, type: 'timeseries', gridPos: { x: 0, y: 1, w: 24, h: 8 }, targets: [{ refId: 'A', expr: 'rate(http_requests_total{job="$job"}[$__rate_interval])' }] },
        ] },
        { id: 3, type: 'row', collapsed: true, gridPos: { x: 0, y: 1, w: 24, h: 1 }, panels: [] },
      ],
    });
    const r = await cli(['validate', 'hand.json'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: 'hand.json: ok\n' });
  });

  it('reports a file that is not JSON (exit 1) and a missing file (exit 2)', async () => {
    await write('broken.json', '{"title": ');
    const broken = await cli(['validate', 'broken.json'], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/broken\.json: \$: not valid JSON/);
    const missing = await cli(['validate', 'missing.json'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.json: cannot read it \(ENOENT\)/);
  });
});
