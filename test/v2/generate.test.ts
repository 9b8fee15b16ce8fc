import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toV2Resource } from '../../src/dashboard/v2.ts';
import { serialize } from '../../src/output/serialize.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { cli, tempDir } from '../support/cli.ts';
import { dataPanels, type PanelJson } from '../support/e2e-dashboard.ts';
import { validateGrafanaV2Spec } from '../support/schema.ts';
import { readV2 } from '../support/v2-reader.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ path: dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const PROFILES = ['cloudwatch-exporter', 'yace', 'logzio-metric-streams', 'cloudwatch'];
const ALL_ROWS = { capacity: { retentionHours: 24 }, rows: { shards: true, successRates: true, recordOutcomes: true, fanOut: true } } as const;

describe('generate --schema v2', () => {
  it('writes out/<uid>.v2.json: a dashboard.grafana.app/v2beta1 Dashboard named by the uid, and nothing else', async () => {
    const r = await cli(['generate', '--schema', 'v2'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`wrote ${join(dir, 'out', 'aws-kinesis.v2.json')}\n`);
    expect(await readdir(join(dir, 'out'))).toEqual(['aws-kinesis.v2.json']);
    const text = await readFile(join(dir, 'out', 'aws-kinesis.v2.json'), 'utf8');
    expect(text).toBe(serialize(toV2Resource(synth())));
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ apiVersion: 'dashboard.grafana.app/v2beta1', kind: 'Dashboard', metadata: { name: 'aws-kinesis' }, spec: { title: 'Amazon Kinesis' } });
    expect(validateGrafanaV2Spec(doc.spec)).toBe(true);
  });

  it('is byte-identical on every run, and --stdout prints the same bytes', async () => {
    await cli(['generate', '--schema', 'v2', '--profile', 'yace', '--out', 'a'], { cwd: dir });
    await cli(['generate', '--schema', 'v2', '--profile', 'yace', '--out', 'b'], { cwd: dir });
    const a = await readFile(join(dir, 'a', 'aws-kinesis.v2.json'), 'utf8');
    expect(await readFile(join(dir, 'b', 'aws-kinesis.v2.json'), 'utf8')).toBe(a);
    const printed = await cli(['generate', '--schema', 'v2', '--profile', 'yace', '--stdout'], { cwd: dir });
    expect(printed.stdout).toBe(a);
  });

  it('takes the schema from the config file, for every dashboard of a fleet', async () => {
    await writeFile(join(dir, 'c.json'), JSON.stringify({ schema: 'v2', dashboards: [{ uid: 'k-a', title: 'A' }, { uid: 'k-b', title: 'B', profile: 'cloudwatch' }] }));
    const r = await cli(['generate', '--config', 'c.json', '--out', 'o'], { cwd: dir });
    expect(r.code).toBe(0);
    expect((await readdir(join(dir, 'o'))).sort()).toEqual(['k-a.v2.json', 'k-b.v2.json']);
    const b = JSON.parse(await readFile(join(dir, 'o', 'k-b.v2.json'), 'utf8'));
    expect(b.metadata.name).toBe('k-b');
    expect(validateGrafanaV2Spec(b.spec)).toBe(true);
  });

  it('refuses what only classic JSON has, naming the flags to drop, and writes nothing', async () => {
    const imp = await cli(['generate', '--schema', 'v2', '--format', 'import', '--out', 'o'], { cwd: dir });
    expect(imp.code).toBe(2);
    expect(imp.stderr).toMatch(/--schema v2: .*drop --format import or --schema v2/);
    const prov = await cli(['generate', '--schema', 'v2', '--provisioning', 'p'], { cwd: dir });
    expect(prov.code).toBe(2);
    expect(prov.stderr).toMatch(/--schema v2: .*drop --provisioning or --schema v2/);
    expect(await readdir(dir)).toEqual([]);
    const bad = await cli(['generate', '--schema', 'v3'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/schema/);
  });
});

/** A panel as the viewer sees it: what it shows and how, without where its datasource reference sits. */
const shown = (p: PanelJson) => ({
  type: p.type,
  title: p.title,
  targets: (p.targets ?? []).map(({ datasource: _d, ...t }: PanelJson['targets'] extends (infer T)[] | undefined ? T & { datasource?: unknown } : never) => t),
  fieldConfig: p.fieldConfig,
  options: p.options,
});

describe('the v2 form is the same dashboard', () => {
  for (const profile of PROFILES) {
    it(`same panels in the same order, same queries, units, options and variables — ${profile}`, () => {
      const classic = JSON.parse(serialize(synth({ profile, ...ALL_ROWS })));
      const resource = JSON.parse(serialize(toV2Resource(synth({ profile, ...ALL_ROWS }))));
      const back = readV2(resource);
      expect(dataPanels(back).map(shown)).toEqual(dataPanels(classic).map(shown));
      expect(back.templating?.list?.map((v) => [v.name, v.type, v.query])).toEqual(classic.templating.list.map((v: { name: string; type: string; query: unknown }) => [v.name, v.type, v.query]));
      // Every query keeps its datasource as Grafana's conversion carries it: type as group, uid as name
      // (the dashboard's datasource variable, or Grafana's expression datasource for math).
      const classicPanels = classic.panels.flatMap((p: any) => (p.type === 'row' ? (p.panels ?? []) : [p]));
      for (const p of classicPanels) {
        const queries = resource.spec.elements[`panel-${p.id}`].spec.data.spec.queries;
        expect(queries.map((q: any) => q.spec.query)).toEqual(
          p.targets.map((t: any) => {
            const ds = t.datasource ?? p.datasource;
            return expect.objectContaining({ kind: 'DataQuery', version: 'v0', group: ds.type, datasource: { name: ds.uid } });
          }),
        );
      }
      expect(JSON.stringify(resource)).toContain('"name":"${datasource}"');
      expect(resource.spec.tags).toEqual(classic.tags);
      expect(resource.spec.timeSettings).toMatchObject({ from: classic.time.from, to: classic.time.to, autoRefresh: classic.refresh, timezone: classic.timezone });
    });
  }

  it('rows become RowsLayout rows: titles in order, each holding its panels with y counted from the row', () => {
    const classic = JSON.parse(serialize(synth(ALL_ROWS)));
    const { spec } = toV2Resource(synth(ALL_ROWS));
    const rows = (spec.layout as any).spec.rows;
    expect(rows.map((r: any) => r.spec.title)).toEqual(['', ...classic.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title)]);
    expect(rows[0].spec.hideHeader).toBe(true); // the panels above the first row
    let rowY = -1;
    let r = -1;
    for (const p of classic.panels) {
      if (p.type === 'row') {
        rowY = p.gridPos.y;
        r = rows.findIndex((x: any) => x.spec.title === p.title);
        continue;
      }
      if (r < 0) r = 0;
      const item = rows[r].spec.layout.spec.items.find((i: any) => i.spec.element.name === `panel-${p.id}`);
      expect(item, p.title).toBeDefined();
      expect(item.spec).toMatchObject({ x: p.gridPos.x, y: p.gridPos.y - rowY - 1, width: p.gridPos.w, height: p.gridPos.h });
    }
  });

  it('a panel repeated per value of a variable keeps its repeat on its grid item', () => {
    const classic = JSON.parse(serialize(synth({ profile: 'cloudwatch', ...ALL_ROWS })));
    const repeated = classic.panels.filter((p: any) => p.repeat);
    expect(repeated.length).toBeGreaterThan(0);
    const items = (toV2Resource(synth({ profile: 'cloudwatch', ...ALL_ROWS })).spec.layout as any).spec.rows.flatMap((r: any) => r.spec.layout.spec.items);
    for (const p of repeated) {
      const item = items.find((i: any) => i.spec.element.name === `panel-${p.id}`);
      expect(item.spec.repeat, p.title).toEqual({ mode: 'variable', value: p.repeat, ...(p.repeatDirection ? { direction: p.repeatDirection } : {}), ...(p.maxPerRow ? { maxPerRow: p.maxPerRow } : {}) });
    }
    // Panels without a repeat get none (repeatDirection alone repeats nothing).
    expect(items.filter((i: any) => i.spec.repeat)).toHaveLength(repeated.length);
  });

  it("Grafana's schema catches a broken resource (the schema test can fail)", () => {
    const { spec } = toV2Resource(synth());
    expect(validateGrafanaV2Spec({ ...spec, layout: undefined })).toBe(false);
    expect(validateGrafanaV2Spec({ ...spec, cursorSync: 1 })).toBe(false);
  });
});

describe('validate (v2)', () => {
  it('accepts the v2 form of every profile, and the classic one beside it', async () => {
    for (const profile of PROFILES) {
      await writeFile(join(dir, `${profile}.v2.json`), serialize(toV2Resource(synth({ profile, ...ALL_ROWS }))));
      await writeFile(join(dir, `${profile}.json`), serialize(synth({ profile, ...ALL_ROWS })));
      const r = await cli(['validate', `${profile}.v2.json`, `${profile}.json`, '--profile', profile], { cwd: dir });
      expect(r.stdout).toBe(`${profile}.v2.json: ok\n${profile}.json: ok\n`);
      expect(r.code).toBe(0);
    }
  });

  it('reports v2 problems by JSON path: overlap, a missing element, an unplaced one, bad PromQL, an unknown metric', async () => {
    const doc = JSON.parse(serialize(toV2Resource(synth())));
    const rows = doc.spec.layout.spec.rows;
    rows[0].spec.layout.spec.items[1].spec.x = 3;
    rows[1].spec.layout.spec.items[0].spec.element.name = 'panel-99';
    doc.spec.elements['panel-2'].spec.data.spec.queries[0].spec.query.spec.expr = 'sum(aws_kinesis_bogus_sum)';
    doc.spec.elements['panel-3'].spec.data.spec.queries[0].spec.query.spec.expr = 'sum(';
    await writeFile(join(dir, 'bad.json'), JSON.stringify(doc));
    const r = await cli(['validate', 'bad.json'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain('bad.json: $.spec.layout.spec.rows[0].spec.layout.spec.items[1].spec: overlaps $.spec.layout.spec.rows[0].spec.layout.spec.items[0].spec ("panel-1")');
    expect(lines).toContain('bad.json: $.spec.layout.spec.rows[1].spec.layout.spec.items[0].spec.element.name: no element "panel-99" in $.spec.elements');
    expect(lines).toContain('bad.json: $.spec.elements["panel-6"]: not placed anywhere in the layout (Grafana would not show it)');
    expect(lines).toContain('bad.json: $.spec.elements["panel-2"].spec.data.spec.queries[0].spec.query.spec.expr: aws_kinesis_bogus_sum is not a Kinesis metric of profile cloudwatch-exporter');
    expect(lines.some((l) => l.startsWith('bad.json: $.spec.elements["panel-3"].spec.data.spec.queries[0].spec.query.spec.expr: PromQL syntax error'))).toBe(true);
  });

  it('names a missing layout and a wrong apiVersion', async () => {
    const doc = JSON.parse(serialize(toV2Resource(synth())));
    await writeFile(join(dir, 'a.json'), JSON.stringify({ ...doc, spec: { ...doc.spec, layout: undefined } }));
    await writeFile(join(dir, 'b.json'), JSON.stringify({ ...doc, kind: 'Folder' }));
    const r = await cli(['validate', 'a.json', 'b.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^a\.json: \$\.spec\.layout: a layout: GridLayout, RowsLayout/m);
    expect(r.stdout).toMatch(/^b\.json: \$\.kind: /m);
  });
});
