import { describe, expect, it } from 'vitest';
import { SHARDS_VARIABLE } from '../../src/capacity.ts';
import type { DashboardOptionsInput } from '../../src/config/schema.ts';
import { getProfile, profileNames, prometheusProfileNames } from '../../src/profiles/index.ts';
import { serialize } from '../../src/output/serialize.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { checkLayout } from '../../src/validate/layout.ts';
import type { Panel } from '../../src/validate/dashboard-schema.ts';
import { parsePromql } from '../../src/validate/promql.ts';
import { validateGrafanaSchema } from '../support/schema.ts';
import { catalog } from '../../src/catalog/index.ts';
import { capacityRows } from '../../panels/capacity.ts';
import { fanOutRows } from '../../panels/fan-out.ts';
import { kinesisRows } from '../../panels/kinesis.ts';
import { recordOutcomeRows } from '../../panels/record-outcomes.ts';
import { shardRows } from '../../panels/shards.ts';
import { RowSpec } from '../../panels/spec.ts';
import { successRateRows } from '../../panels/success-rates.ts';

type AnyPanel = Panel & {
  title: string;
  description?: string;
  fieldConfig?: { defaults: { unit?: string; max?: number; thresholds?: { steps: { value: number | null; color: string }[] }; custom?: { thresholdsStyle?: { mode: string } } } };
  targets?: { expr?: string; legendFormat?: string; refId: string; hide?: boolean }[];
};

const ALL_ROWS = { successRates: true, recordOutcomes: true, fanOut: true, shards: true } as const;
/** The "all rows on" dashboard of the snapshots: per-stream shard counts, 48 h retention. */
const ALL: DashboardOptionsInput = { rows: ALL_ROWS, capacity: { shards: { orders: 4, 'click-stream': 2 }, retentionHours: 48 } };

const dash = (options: DashboardOptionsInput) => JSON.parse(serialize(synth(options))) as { panels: AnyPanel[]; templating: { list: { name: string; type: string }[] } };
const outline = (options: DashboardOptionsInput) => dash(options).panels.map((p) => (p.type === 'row' ? `# ${p.title}` : p.title));
const byTitle = (options: DashboardOptionsInput, title: string) => dash(options).panels.find((p) => p.title === title)!;
const exprs = (options: DashboardOptionsInput, title: string) => byTitle(options, title).targets!.map((t) => t.expr);

const SEED_TITLES = outline({});

describe('rows beyond the seed', () => {
  it('are all off by default: the seed dashboard, and no shards variable', () => {
    expect(SEED_TITLES).toHaveLength(15);
    expect(dash({}).templating.list.map((v) => v.name)).toEqual(['datasource', 'stream']);
  });

  it.each([
    [{ rows: { successRates: true } }, ['# Success Rates', 'PutRecord Success Rate', 'PutRecords Success Rate', 'GetRecords Success Rate']],
    [{ rows: { recordOutcomes: true } }, ['# PutRecords Record Outcomes', 'Successful Records', 'Throttled Records', 'Failed Records']],
    [{ rows: { fanOut: true } }, ['# Enhanced Fan-Out Consumers', 'Bytes Pushed to Consumers', 'Records Pushed to Consumers', 'Max Millis Behind Latest', 'SubscribeToShard Rate Exceeded']],
    [{ rows: { shards: true } }, ['# Shards (enhanced monitoring)', 'Hottest Shards: Incoming Bytes', 'Hottest Shards: Max Iterator Age']],
    [
      { capacity: {} },
      ['# Capacity', 'Write Throughput vs Limit', 'Write Records vs Limit', 'Read Throughput vs Limit', 'Write Utilisation', 'Read Utilisation', 'Iterator Age vs Retention'],
    ],
  ] as [DashboardOptionsInput, string[]][])('%j adds exactly its row after the seed', (options, titles) => {
    expect(outline(options)).toEqual([...SEED_TITLES, ...titles]);
  });

  it('leaves the seed panels byte-identical unless shard-level metrics are on', () => {
    const seed = dash({}).panels;
    const withRows = dash({ rows: { successRates: true, recordOutcomes: true, fanOut: true }, capacity: { shards: { orders: 1 } } }).panels;
    expect(withRows.slice(0, seed.length)).toEqual(seed);
  });

  it('offers the shards variable only without per-stream shard counts', () => {
    expect(dash({ capacity: {} }).templating.list.find((v) => v.name === SHARDS_VARIABLE)).toMatchObject({ type: 'textbox', query: '1' });
    expect(dash(ALL).templating.list.map((v) => v.name)).not.toContain(SHARDS_VARIABLE);
  });
});

describe.each(profileNames())('all rows on, profile %s', (profile) => {
  const options = { ...ALL, profile };
  const d = synth(options);
  const panels = dash(options).panels;

  it("validates against Grafana's dashboard JSON Schema, with the shards map and with the shards variable", () => {
    for (const o of [options, { ...options, capacity: {} }]) {
      expect(validateGrafanaSchema(JSON.parse(serialize(synth(o))))).toBe(true);
      expect(validateGrafanaSchema.errors ?? []).toEqual([]);
    }
  });

  it('tiles every row, numbers panels in reading order, without overlaps', () => {
    expect(checkLayout(panels)).toEqual([]);
    const rows = new Map<number, number>();
    for (const p of panels) rows.set(p.gridPos.y, (rows.get(p.gridPos.y) ?? 0) + p.gridPos.w);
    expect([...rows.values()].every((w) => w === 24)).toBe(true);
    expect(panels.map((p) => p.id)).toEqual(panels.map((_, i) => i + 1));
  });

  it('describes every panel, never as Firehose', () => {
    for (const p of panels.filter((x) => x.type !== 'row')) {
      expect(p.description, p.title).toMatch(/\w/);
      expect(p.description).not.toMatch(/delivery stream/i);
    }
  });

  it('draws limits as red lines: 100% utilisation, 1 MiB/s per shard, half the retention', () => {
    const line = (title: string) => {
      const f = panels.find((p) => p.title === title)!.fieldConfig!.defaults;
      expect(f.custom?.thresholdsStyle?.mode, title).toBe('line');
      return f.thresholds!.steps.filter((s) => s.value !== null).map((s) => [s.value, s.color]);
    };
    expect(line('Write Utilisation')).toEqual([[1, 'red']]);
    expect(line('Read Utilisation')).toEqual([[1, 'red']]);
    expect(line('Hottest Shards: Incoming Bytes')).toEqual([[1048576, 'red']]);
    expect(line('Iterator Age vs Retention')).toEqual([[24 * 3600 * 1000, 'red']]);
  });

  it.each([
    ['PutRecord Success Rate', 'percentunit', 1],
    ['Failed Records', 'percentunit', 1],
    ['Write Utilisation', 'percentunit', undefined],
    ['Write Throughput vs Limit', 'binBps', undefined],
    ['Write Records vs Limit', 'cps', undefined],
    ['Hottest Shards: Incoming Bytes', 'binBps', undefined],
    ['Max Millis Behind Latest', 'ms', undefined],
    ['Iterator Age vs Retention', 'ms', undefined],
  ])('shows %s in %s (axis max %s)', (title, unit, max) => {
    // The cloudwatch profile repeats ratio panels per stream, titled "<title>: $stream".
    const f = panels.find((p) => p.title.replace(/: \$stream$/, '') === title)!.fieldConfig!.defaults;
    expect(f.unit).toBe(unit);
    expect(f.max).toBe(max);
  });

  it('is byte-identical every time', () => {
    expect(serialize(synth(options))).toBe(serialize(d));
  });

  it('matches the reviewed snapshot', async () => {
    await expect(serialize(d)).toMatchFileSnapshot(`../__snapshots__/aws-kinesis.${profile}.all-rows.json`);
  });
});

describe.each(prometheusProfileNames())('PromQL of the rows beyond the seed, profile %s', (profile) => {
  const p = getProfile(profile);
  const shard = p.labels.shard;
  const filters = [`${p.labels.stream}=~"$stream"`, p.labels.region && `${p.labels.region}=~"$region"`, p.labels.account && `${p.labels.account}=~"$account"`].filter(Boolean) as string[];

  it.each([
    ['per-stream shard counts', ALL],
    ['the shards variable', { ...ALL, capacity: {} }],
  ])("parses with Prometheus's grammar and filters by every variable, with %s", (_name, o) => {
    for (const t of dash({ ...o, profile }).panels.flatMap((x) => x.targets ?? [])) {
      // `validate` reads any variable as a regex (.*); $shards is a number.
      expect(parsePromql(t.expr!.replaceAll(`$${SHARDS_VARIABLE}`, '4')), t.expr).toEqual([]);
      for (const s of t.expr!.match(/aws_kinesis_\w+\{[^}]*\}/g)!) {
        // A Maximum series without a region (Logz.io's metric streams) is located by the count series it is joined with.
        const bare = !!p.labels.region && s.includes(`${p.labels.region}=""`);
        for (const f of bare ? filters.slice(0, 1) : filters) expect(s).toContain(f);
        if (bare) expect(t.expr).toMatch(/group_right\(\) group by/);
      }
    }
  });

  // Exporters publish shard-level series under the stream-level names and YACE exports every dimension
  // combination: each selector names exactly its level's dimensions, whether or not the shards row is on.
  it.each([
    ['every row on', { ...ALL, profile }],
    ['the seed only', { profile }],
    ['no shards row', { profile, rows: { successRates: true, recordOutcomes: true, fanOut: true }, capacity: {} }],
  ])('asks each selector for exactly its dimensions (stream, shard or consumer series), with %s', (_name, o) => {
    const consumer = p.labels.consumer;
    let selectors = 0;
    for (const x of dash(o).panels.filter((x) => x.targets)) {
      for (const t of x.targets!) {
        const level = x.title.startsWith('Hottest Shards') ? 'shard' : /subscribe/i.test(t.expr!) ? 'consumer' : 'stream';
        const want = [level === 'shard' ? `${shard}!=""` : `${shard}=""`, level === 'consumer' ? `${consumer}!=""` : `${consumer}=""`];
        for (const s of t.expr!.match(/aws_kinesis_\w+\{[^}]*\}/g)!) {
          selectors++;
          for (const w of want) expect(s, `${x.title}: ${s}`).toContain(w);
        }
      }
    }
    expect(selectors).toBeGreaterThan(0);
  });
});

describe('PromQL of the rows beyond the seed, exactly (cloudwatch-exporter)', () => {
  const sel = 'stream_name=~"$stream"';
  const stream = `${sel}, shard_id="", consumer_name=""`;
  const seriesSel = `{${stream}}`;

  it('takes a ratio of per-stream sums for record outcomes', () => {
    expect(exprs({ rows: { recordOutcomes: true } }, 'Failed Records')).toEqual([
      `sum by (stream_name) (aws_kinesis_put_records_failed_records_sum${seriesSel}) / sum by (stream_name) (aws_kinesis_put_records_total_records_sum${seriesSel})`,
    ]);
  });

  it('groups fan-out metrics by consumer', () => {
    expect(exprs({ rows: { fanOut: true } }, 'Max Millis Behind Latest')).toEqual([
      `max by (stream_name, consumer_name) (aws_kinesis_subscribe_to_shard_event_millis_behind_latest_maximum{${sel}, shard_id="", consumer_name!=""})`,
    ]);
    expect(byTitle({ rows: { fanOut: true } }, 'Max Millis Behind Latest').targets![0]!.legendFormat).toBe('{{stream_name}} {{consumer_name}}');
  });

  it('keeps the hottest shards, as many as configured, per second at the configured period', () => {
    expect(exprs({ rows: { shards: { top: 3 } }, periodSeconds: 300 }, 'Hottest Shards: Incoming Bytes')).toEqual([
      `topk(3, sum by (stream_name, shard_id) (aws_kinesis_incoming_bytes_sum{${sel}, shard_id!="", consumer_name=""}) / 300)`,
    ]);
    expect(exprs({ rows: { shards: true } }, 'Hottest Shards: Max Iterator Age')).toEqual([
      `topk(10, max by (stream_name, shard_id) (aws_kinesis_iterator_age_milliseconds_maximum{${sel}, shard_id!="", consumer_name=""}))`,
    ]);
  });

  it('joins per-stream shard counts on the stream label', () => {
    const shards = '(label_replace(vector(4), "stream_name", "orders", "", "") or label_replace(vector(2), "stream_name", "click-stream", "", ""))';
    expect(exprs(ALL, 'Write Utilisation')).toEqual([
      `sum by (stream_name) (aws_kinesis_incoming_bytes_sum${seriesSel}) / 60 / on(stream_name) group_left() (${shards} * 1048576)`,
      `sum by (stream_name) (aws_kinesis_incoming_records_sum${seriesSel}) / 60 / on(stream_name) group_left() (${shards} * 1000)`,
    ]);
    expect(exprs(ALL, 'Read Throughput vs Limit')).toEqual([
      `sum by (stream_name) (aws_kinesis_get_records_bytes_sum${seriesSel}) / 60`,
      `sum by (stream_name) (aws_kinesis_get_records_bytes_sum${seriesSel}) * 0 + on(stream_name) group_left() (${shards} * 2097152)`,
    ]);
  });

  it('uses the shards variable without a map', () => {
    expect(exprs({ capacity: {} }, 'Write Records vs Limit')).toEqual([
      `sum by (stream_name) (aws_kinesis_incoming_records_sum${seriesSel}) / 60`,
      `sum by (stream_name) (aws_kinesis_incoming_records_sum${seriesSel}) * 0 + ($shards * 1000)`,
    ]);
    expect(byTitle({ capacity: {} }, 'Write Records vs Limit').targets!.map((t) => t.legendFormat)).toEqual(['{{stream_name}}', 'limit {{stream_name}}']);
  });

  it('matches the lowercased stream names of metric streams', () => {
    const e = exprs({ profile: 'logzio-metric-streams', capacity: { shards: { Orders: 4 } } }, 'Read Utilisation')[0]!;
    expect(e).toContain('label_replace(vector(4), "streamname", "orders", "", "")');
  });
});

describe('what a profile cannot express', () => {
  it('is a clear error at generate time', () => {
    expect(() => synth({ profile: 'logzio-metric-streams', capacity: { shards: { Orders: 4, orders: 2 } } })).toThrow(/two capacity.shards entries are both "orders"/);
  });

  it('is nothing else: every profile draws every row', () => {
    for (const profile of profileNames()) expect(() => synth({ ...ALL, profile })).not.toThrow();
  });
});

// A run uses the row sets as written (src/dashboard/synth.ts): this is where they are checked against panels/spec.ts.
describe('row sets as data', () => {
  const sets: [string, RowSpec[]][] = [
    ['kinesisRows', kinesisRows],
    ['successRateRows', successRateRows],
    ['recordOutcomeRows', recordOutcomeRows],
    ['fanOutRows', fanOutRows],
    ['shardRows(1)', shardRows(1)],
    ['shardRows(100)', shardRows(100)],
    ['capacityRows(24)', capacityRows(24)],
    ['capacityRows(8760)', capacityRows(8760)],
  ];

  it.each(sets)('%s pass the row schema unchanged', (_name, rows) => {
    for (const row of rows) {
      const r = RowSpec.safeParse(row);
      expect(r.error?.issues ?? []).toEqual([]);
      expect(r.data).toEqual(row);
    }
  });

  it('name only catalog metrics', () => {
    for (const [, rows] of sets) {
      for (const s of rows.flatMap((r) => r.panels.flatMap((p) => p.signals))) {
        expect(catalog().has(s.metric), s.metric).toBe(true);
        if (s.ratioTo) expect(catalog().has(s.ratioTo.metric), s.ratioTo.metric).toBe(true);
      }
    }
  });

  it.each([
    ['a panel without signals', { height: 8, panels: [{ kind: 'stat', title: 'Empty', signals: [] }] }, 'panels.0.signals'],
    ['an unknown key', { height: 8, panels: [{ kind: 'stat', title: 'T', signals: [{ metric: 'IncomingBytes' }], colour: 'red' }] }, 'panels.0'],
    ['more panels than grid columns', { height: 8, panels: Array.from({ length: 25 }, () => ({ kind: 'stat', title: 'T', signals: [{ metric: 'IncomingBytes' }] })) }, 'panels'],
    ['an unknown statistic', { height: 8, panels: [{ kind: 'stat', title: 'T', signals: [{ metric: 'IncomingBytes', statistic: 'p99' }] }] }, 'panels.0.signals.0.statistic'],
  ])('the row schema rejects %s', (_name, row, path) => {
    const r = RowSpec.safeParse(row);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
