import { describe, expect, it } from 'vitest';
import { catalog, type MetricEntry } from '../../src/catalog/index.ts';
import { getProfile, ProfileError, type QuerySpec } from '../../src/profiles/index.ts';
import { serialize } from '../../src/output/serialize.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { validateGrafanaSchema } from '../support/schema.ts';

type Query = {
  refId: string;
  id?: string;
  hide?: boolean;
  datasource: { type: string; uid: string };
  queryMode?: string;
  namespace?: string;
  metricName?: string;
  statistic?: string;
  dimensions?: Record<string, unknown>;
  matchExact?: boolean;
  region?: string;
  period?: string;
  expression?: string;
  type?: string;
};
type Panel = {
  type: string;
  title: string;
  repeat?: string;
  targets?: Query[];
  transformations?: { id: string; options: Record<string, unknown> }[];
  options?: { reduceOptions?: { calcs: string[] } };
};

const ALL_ROWS = { successRates: true, recordOutcomes: true, fanOut: true, shards: true };
const dashboards = {
  seed: synth({ profile: 'cloudwatch' }),
  'all rows, shards map': synth({ profile: 'cloudwatch', rows: ALL_ROWS, capacity: { shards: { orders: 4, 'click-stream': 2 } } }),
  'all rows, shards variable': synth({ profile: 'cloudwatch', rows: ALL_ROWS, capacity: {} }),
};
const panelsOf = (d: object) => (JSON.parse(serialize(d)) as { panels: Panel[] }).panels.filter((p) => p.type !== 'row');
const byTitle = (d: object, title: string) => panelsOf(d).find((p) => p.title === title)!;

/** The catalog entry a CloudWatch query reads: its metric name and exactly its dimension names. */
function entryOf(q: Query): MetricEntry | undefined {
  const dims = Object.keys(q.dimensions ?? {}).sort().join(',');
  return [...catalog().values()].find((e) => e.metricName === q.metricName && [...e.dimensions].sort().join(',') === dims);
}

describe.each(Object.entries(dashboards))('the cloudwatch profile: %s', (_name, dash) => {
  const panels = panelsOf(dash);
  const queries = panels.flatMap((p) => p.targets ?? []);
  const metricQueries = queries.filter((q) => q.datasource.type === 'cloudwatch' && !q.expression);

  it("validates against Grafana's dashboard JSON Schema", () => {
    expect(validateGrafanaSchema(JSON.parse(serialize(dash)))).toBe(true);
    expect(validateGrafanaSchema.errors ?? []).toEqual([]);
  });

  // What Grafana's backend checks of every metrics query before it asks CloudWatch, on the JSON as saved
  // (pkg/tsdb/cloudwatch/models/cloudwatch_query.go, validateAndSetDefaults and getPeriod): public
  // dashboards and alerting send it without the frontend's interpolation, which fills in missing fields.
  it("passes the backend's validation as saved: a statistic, a period it parses and a metric-data id on every query", () => {
    const cloudwatchQueries = queries.filter((q) => q.datasource.type === 'cloudwatch');
    expect(cloudwatchQueries.some((q) => q.expression)).toBe(dash !== dashboards.seed);
    for (const q of cloudwatchQueries) {
      expect(typeof q.statistic, `${q.refId}: statistic`).toBe('string');
      expect(q.statistic, `${q.refId}: statistic`).not.toBe('');
      if (q.period !== undefined) expect(q.period, `${q.refId}: period`).toMatch(/^(auto|\d+)$/);
      expect(q.id, `${q.refId}: id`).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    }
  });

  it('reads every metric with the catalog: namespace, metric name, a statistic it has, its exact dimensions', () => {
    expect(metricQueries.length).toBeGreaterThan(0);
    for (const q of metricQueries) {
      const e = entryOf(q);
      expect(e, `${q.metricName} ${JSON.stringify(q.dimensions)}`).toBeDefined();
      expect(q).toMatchObject({ queryMode: 'Metrics', namespace: 'AWS/Kinesis', region: '$region', matchExact: true, datasource: { type: 'cloudwatch', uid: '${datasource}' } });
      expect(e!.statistics).toContain(q.statistic);
    }
  });

  // Grafana's CloudWatch backend (grafana/grafana pkg/tsdb/cloudwatch/metric_data_query_builder.go,
  // buildSearchExpression; models/cloudwatch_query.go, IsInferredSearchExpression): with matchExact the
  // SEARCH carries the schema {"AWS/Kinesis","StreamName"}, which matches only metrics with exactly those
  // dimension names; without it the search is `Namespace="AWS/Kinesis" MetricName=… "StreamName"=(…)`,
  // which also matches the shard-level IncomingBytes (StreamName + ShardId) and would add it in. A single
  // value without matchExact is a search too. So every metric query asks for exactly its dimensions.
  it("asks CloudWatch for exactly the dimensions it means (matchExact), so stream queries never take shard series", () => {
    for (const q of metricQueries) {
      expect(q.matchExact, `${q.metricName} ${JSON.stringify(q.dimensions)}`).toBe(true);
      expect(Object.keys(q.dimensions ?? {}).sort()).toEqual([...entryOf(q)!.dimensions].sort());
    }
    // The stream-level twins of shard metrics ask for StreamName alone.
    const twins = metricQueries.filter((q) => ['IncomingBytes', 'IncomingRecords', 'WriteProvisionedThroughputExceeded', 'ReadProvisionedThroughputExceeded'].includes(q.metricName!));
    expect(twins.length).toBeGreaterThan(0);
    for (const q of twins.filter((x) => !('ShardId' in x.dimensions!))) expect(Object.keys(q.dimensions!)).toEqual(['StreamName']);
  });

  it('filters by the stream variable as a string, so Grafana expands it; consumers and shards by wildcard', () => {
    const configured = ['orders', 'click-stream'];
    for (const q of metricQueries) {
      for (const [key, value] of Object.entries(q.dimensions!)) {
        // An array would be sent as is, without interpolation (CloudWatchRequest.convertDimensionFormat).
        expect(typeof value, `${q.metricName} ${key}`).toBe('string');
        if (key === 'StreamName') expect(['$stream', ...configured]).toContain(value);
        else expect(value).toBe('*');
      }
    }
  });

  it('references only queries of the same panel in metric math, and uses every hidden query', () => {
    for (const p of panels) {
      const targets = p.targets ?? [];
      const refIds = targets.map((t) => t.refId);
      expect(new Set(refIds).size, p.title).toBe(refIds.length);
      const ids = targets.filter((t) => t.datasource.type === 'cloudwatch').map((t) => t.id!);
      for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
      expect(new Set(ids).size, p.title).toBe(ids.length);
      const used = new Set<string>();
      for (const t of targets) {
        if (t.datasource.type === '__expr__') for (const m of t.expression!.matchAll(/\$(\w+)/g)) used.add(refIds.includes(m[1]!) ? m[1]! : `missing ${m[1]}`);
        else if (t.expression) for (const m of t.expression.matchAll(/\b[a-z]\w*\b/g)) if (ids.includes(m[0])) used.add(targets.find((x) => x.id === m[0])!.refId);
      }
      expect([...used].filter((u) => u.startsWith('missing')), p.title).toEqual([]);
      expect(targets.filter((t) => t.hide).map((t) => t.refId).filter((r) => !used.has(r)), p.title).toEqual([]);
      // Something is drawn.
      expect(targets.some((t) => !t.hide), p.title).toBe(true);
    }
  });

  it("offers CloudWatch's own variables: data source, region, streams of AWS/Kinesis", () => {
    const vars = dash.templating.list ?? [];
    expect(vars[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'cloudwatch' });
    expect(vars[1]).toMatchObject({ name: 'region', type: 'query', query: 'regions()', multi: false });
    expect(vars[2]).toMatchObject({ name: 'stream', type: 'query', multi: true, includeAll: true, allValue: '*' });
    // What Grafana's migrateVariableQuery makes of the string: the VariableQuery fields.
    const m = /^dimension_values\(([^,]+?),\s?([^,]+?),\s?([^,]+?),\s?([^,]+?)(,\s?(.+))?\)/.exec(String(vars[2]!.query))!;
    expect({ region: m[1], namespace: m[2], metricName: m[3], dimensionKey: m[4] }).toEqual({
      region: '$region',
      namespace: 'AWS/Kinesis',
      metricName: 'IncomingBytes',
      dimensionKey: 'StreamName',
    });
  });
});

describe('the cloudwatch profile, panel by panel', () => {
  const seed = dashboards.seed;
  const all = dashboards['all rows, shards map'];
  const variable = dashboards['all rows, shards variable'];

  it.each([
    ['Avg Incoming Bytes', 'IncomingBytes', 'Sum', '60', 'mean', 'sum'],
    ['Avg Put Latency', 'PutRecord.Latency', 'Average', undefined, 'mean', 'mean'],
    ['Avg Get Latency', 'GetRecords.Latency', 'Average', undefined, 'mean', 'mean'],
    ['Avg Iterator Age', 'GetRecords.IteratorAgeMilliseconds', 'Average', undefined, 'mean', 'max'],
  ])('stat %s: %s %s per period (period %s), each stream reduced by %s, streams combined by %s', (title, metricName, statistic, period, overTime, across) => {
    const p = byTitle(seed, title);
    expect(p.targets).toHaveLength(1);
    expect(p.targets![0]).toMatchObject({ metricName, statistic, dimensions: { StreamName: '$stream' } });
    expect(p.targets![0]!.period).toBe(period);
    expect(p.transformations).toEqual([{ id: 'reduce', options: { mode: 'seriesToRows', reducers: [overTime], includeTimeField: false } }]);
    expect(p.options!.reduceOptions!.calcs).toEqual([across]);
  });

  it('draws time series one per stream at the auto period', () => {
    const p = byTitle(seed, 'Average Put Latency');
    expect(p.targets!.map((t) => [t.refId, t.metricName, t.statistic, t.period])).toEqual([
      ['A', 'PutRecord.Latency', 'Average', undefined],
      ['B', 'PutRecords.Latency', 'Average', undefined],
    ]);
  });

  it('divides record outcomes by all records sent with a server-side expression, stream by stream', () => {
    const p = byTitle(all, 'Throttled Records: $stream');
    expect(p).toMatchObject({ repeat: 'stream', repeatDirection: 'v' });
    expect(p.targets).toEqual([
      expect.objectContaining({ refId: 'A', type: 'math', expression: '$A_m0 / $A_m1', datasource: { type: '__expr__', uid: '__expr__' } }),
      expect.objectContaining({ refId: 'A_m0', hide: true, metricName: 'PutRecords.ThrottledRecords', statistic: 'Sum' }),
      expect.objectContaining({ refId: 'A_m1', hide: true, metricName: 'PutRecords.TotalRecords', statistic: 'Sum' }),
    ]);
  });

  // Grafana's older CloudWatch label parsing (cloudWatchNewLabelParsing off) labels a series of a multi-value
  // dimension by substring: for each selected value, `value == label` sets it, else `strings.Contains(label, value)`
  // sets the value (pkg/tsdb/cloudwatch response parsing). A single value is taken as given.
  const oldParserLabel = (values: string[], label: string): string | undefined => {
    if (values.length === 1 && values[0] !== '*') return values[0];
    let tag: string | undefined;
    for (const v of values) {
      if (v === label || v === '*') tag = label;
      else if (label.includes(v)) tag = v;
    }
    return tag;
  };

  it('pairs ratio series stream by stream even with the older label parsing: one stream per panel copy', () => {
    // Why: with two streams whose names contain each other, a shared query mislabels one series ...
    expect(oldParserLabel(['a-orders', 'orders'], 'a-orders')).toBe('orders');
    // ... a query of one stream (a repeated panel's copy) does not.
    expect(oldParserLabel(['a-orders'], 'a-orders')).toBe('a-orders');
    let joined = 0;
    for (const d of Object.values(dashboards)) {
      for (const p of panelsOf(d)) {
        const joins = (p.targets ?? []).filter((t) => t.type === 'math' && /\$\w+ \/ \$\w+/.test(t.expression ?? ''));
        if (!joins.length) continue;
        joined++;
        // Every server-side join of two queries is in a panel repeated per stream, and reads the stream variable
        // as one value: Grafana gives each copy exactly one.
        expect(p, p.title).toMatchObject({ repeat: 'stream', title: expect.stringMatching(/: \$stream$/) });
        for (const q of (p.targets ?? []).filter((t) => t.datasource.type === 'cloudwatch')) expect(q.dimensions).toEqual({ StreamName: '$stream' });
      }
    }
    expect(joined).toBe(6); // the record-outcomes row, in both all-rows dashboards
  });

  it('turns sums into per-second rates at the configured period, and keeps the hottest shards', () => {
    const shards = byTitle(all, 'Hottest Shards: Incoming Bytes');
    expect(shards.targets![0]).toMatchObject({ refId: 'A', expression: 'SORT(a_m0/60, MAX, DESC, 10)', period: '60' });
    expect(shards.targets![1]).toMatchObject({ refId: 'A_m0', hide: true, metricName: 'IncomingBytes', statistic: 'Sum', period: '60', dimensions: { StreamName: '$stream', ShardId: '*' } });
    const periodic = synth({ profile: 'cloudwatch', rows: { shards: { top: 3 } }, periodSeconds: 300 });
    expect(byTitle(periodic, 'Hottest Shards: Incoming Bytes').targets![0]!.expression).toBe('SORT(a_m0/300, MAX, DESC, 3)');
  });

  it('draws capacity per configured stream, or from the shards variable', () => {
    const util = byTitle(all, 'Read Utilisation');
    expect(util.targets!.filter((t) => !t.hide).map((t) => [t.expression, (t as { label?: string }).label])).toEqual([
      ['a_m0/60/(4*2097152)', 'orders'],
      ['a_m1/60/(2*2097152)', 'click-stream'],
    ]);
    expect(util.targets!.filter((t) => t.hide).map((t) => t.dimensions)).toEqual([{ StreamName: 'orders' }, { StreamName: 'click-stream' }]);
    const limit = byTitle(variable, 'Write Throughput vs Limit');
    expect(limit.targets!.filter((t) => !t.hide).map((t) => t.expression)).toEqual(['a_m0/60', 'b_m0*0 + ($shards*1048576)']);
    expect((variable.templating.list ?? []).map((v) => v.name)).toContain('shards');
  });
});

describe('cloudwatch profile queries', () => {
  const profile = getProfile('cloudwatch');
  const spec: QuerySpec = { metric: 'IncomingBytes', statistic: 'Sum', groupBy: 'stream', across: 'avg', window: 'series' };

  it('offers a single query when one is enough, and says so when it is not', () => {
    expect(profile.targets(spec, 'A')).toHaveLength(1);
    expect(profile.targets(spec, 'A')[0]!.build()).toMatchObject({ metricName: 'IncomingBytes', statistic: 'Sum' });
    expect(profile.targets({ ...spec, perSecond: true }, 'A').length).toBeGreaterThan(1);
  });

  it('refuses what it cannot express, with a clear error', () => {
    expect(() => profile.targets({ ...spec, groupBy: 'total' }, 'A')).toThrow(/only as a stat panel/);
    expect(() => profile.targets({ ...spec, ratioTo: { metric: 'IncomingRecords', statistic: 'Sum' }, perSecond: true }, 'A')).toThrow(/combines with nothing else/);
    expect(() => profile.targets({ ...spec, statistic: 'Average', perSecond: true }, 'A')).toThrow(/only a Sum divides/);
    expect(() => profile.targets({ ...spec, metric: 'Shard.IncomingBytes' }, 'A')).toThrow(/published per shard/);
  });

  it('names the CloudWatch metric as its series', () => {
    expect(profile.seriesNames('Shard.IncomingBytes', 'Sum')).toEqual(['IncomingBytes']);
  });
});
