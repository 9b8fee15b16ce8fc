import { describe, expect, it } from 'vitest';
import { metric } from '../src/catalog/index.ts';
import { profileNames, getProfile, prometheusProfileNames } from '../src/profiles/index.ts';
import { serialize } from '../src/output/serialize.ts';
import { synth } from '../src/dashboard/synth.ts';
import { parsePromql } from '../src/validate/promql.ts';
import { validateGrafanaSchema } from './support/schema.ts';

type AnyPanel = {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults: { unit?: string; max?: number } };
  options?: { reduceOptions?: { calcs: string[] } };
  targets?: { expr: string; refId: string; legendFormat: string; instant?: boolean; datasource: { uid: string; type: string } }[];
};
const panelsOf = (profile: string) => synth({ profile }).panels as unknown as AnyPanel[];
const byTitle = (profile: string, title: string) => panelsOf(profile).find((p) => p.title === title)!;

describe('the seed dashboard', () => {
  it('has exactly the seed panels, in the seed rows', () => {
    const outline = panelsOf('cloudwatch-exporter').map((p) => (p.type === 'row' ? `# ${p.title}` : `${p.type}: ${p.title}`));
    expect(outline).toEqual([
      'stat: Avg Incoming Bytes', 'stat: Avg Put Latency', 'stat: Avg Get Latency', 'stat: Avg Iterator Age',
      '# Put Requests', 'timeseries: Incoming Records', 'timeseries: Incoming Bytes', 'timeseries: Throttled PutRecords/PutRecord Requests',
      '# Get Requests', 'timeseries: Outgoing Records', 'timeseries: Outgoing Bytes', 'timeseries: Throttled GetRecords Requests',
      '# Latency', 'timeseries: Average Get Latency', 'timeseries: Average Put Latency',
    ]);
  });

  // The seed's metric names (cloudwatch_exporter naming), panel by panel.
  it.each([
    ['Avg Incoming Bytes', ['aws_kinesis_incoming_bytes_sum'], 'bytes'],
    ['Avg Put Latency', ['aws_kinesis_put_record_latency_average'], 'ms'],
    ['Avg Get Latency', ['aws_kinesis_get_records_latency_average'], 'ms'],
    ['Avg Iterator Age', ['aws_kinesis_get_records_iterator_age_milliseconds_average'], 'ms'],
    ['Incoming Records', ['aws_kinesis_incoming_records_sum'], 'short'],
    ['Incoming Bytes', ['aws_kinesis_incoming_bytes_sum'], 'bytes'],
    ['Throttled PutRecords/PutRecord Requests', ['aws_kinesis_write_provisioned_throughput_exceeded_average'], 'percentunit'],
    ['Outgoing Records', ['aws_kinesis_get_records_records_sum'], 'short'],
    ['Outgoing Bytes', ['aws_kinesis_get_records_bytes_sum'], 'bytes'],
    ['Throttled GetRecords Requests', ['aws_kinesis_read_provisioned_throughput_exceeded_average'], 'percentunit'],
    ['Average Get Latency', ['aws_kinesis_get_records_latency_average'], 'ms'],
    ['Average Put Latency', ['aws_kinesis_put_record_latency_average', 'aws_kinesis_put_records_latency_average'], 'ms'],
  ])('%s reads %j in %s', (title, names, unit) => {
    const p = byTitle('cloudwatch-exporter', title);
    expect(p.targets!.map((t) => t.expr.match(/aws_kinesis_\w+/)![0])).toEqual(names);
    expect(p.targets!.map((t) => t.refId)).toEqual(['A', 'B'].slice(0, names.length));
    expect(p.fieldConfig!.defaults.unit).toBe(unit);
  });

  it('shows fractions as percent on a 0–100% axis', () => {
    expect(byTitle('yace', 'Throttled GetRecords Requests').fieldConfig!.defaults.max).toBe(1);
    expect(byTitle('yace', 'Incoming Bytes').fieldConfig!.defaults.max).toBeUndefined();
  });

  it('describes each panel with the catalog and says how streams combine', () => {
    const stat = byTitle('cloudwatch-exporter', 'Avg Incoming Bytes');
    expect(stat.description).toContain(metric('IncomingBytes').description);
    expect(stat.description).toMatch(/Total across the selected streams/);
    expect(byTitle('cloudwatch-exporter', 'Avg Iterator Age').description).toMatch(/Highest among the selected streams/);
    expect(byTitle('cloudwatch-exporter', 'Avg Put Latency').description).toMatch(/Mean across the selected streams/);
    expect(byTitle('cloudwatch-exporter', 'Outgoing Records').description).toMatch(/One series per selected stream/);
    for (const p of panelsOf('cloudwatch-exporter')) expect(p.description ?? '').not.toMatch(/delivery stream/i);
  });

  it('reduces stat panels over the whole range with an instant query', () => {
    for (const p of panelsOf('yace').filter((p) => p.type === 'stat')) {
      expect(p.options!.reduceOptions!.calcs).toEqual(['lastNotNull']);
      expect(p.targets!.every((t) => t.instant && t.expr.includes('[$__range]'))).toBe(true);
    }
  });

  it('has the default uid, title and tags', () => {
    const d = synth();
    expect(d.uid).toBe('aws-kinesis');
    expect(d.title).toBe('Amazon Kinesis');
    expect(d.tags).toEqual(expect.arrayContaining(['aws', 'kinesis']));
  });
});

describe.each(profileNames())('profile %s', (profile) => {
  const dash = synth({ profile });
  const panels = dash.panels as unknown as AnyPanel[];
  const vars = dash.templating.list ?? [];
  const p = getProfile(profile);
  // PromQL checks; the cloudwatch profile's queries are checked in test/profiles/cloudwatch.test.ts.
  const promql = prometheusProfileNames().includes(profile) ? it : ((() => {}) as unknown as typeof it);

  it('validates against Grafana\'s dashboard JSON Schema', () => {
    const ok = validateGrafanaSchema(JSON.parse(serialize(dash)));
    expect(validateGrafanaSchema.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // …and the schema is not vacuous: a broken panel fails it.
    const broken = JSON.parse(serialize(dash));
    broken.panels[0].gridPos.w = 'wide';
    expect(validateGrafanaSchema(broken)).toBe(false);
  });

  promql('parses every query with Prometheus\'s grammar', () => {
    const exprs = panels.flatMap((x) => x.targets ?? []).map((t) => t.expr);
    expect(exprs.length).toBe(13);
    for (const e of exprs) expect(parsePromql(e)).toEqual([]);
  });

  promql('filters every query by every variable, and reads from the datasource variable', () => {
    const filters = [`${p.labels.stream}=~"$stream"`, p.labels.region && `${p.labels.region}=~"$region"`, p.labels.account && `${p.labels.account}=~"$account"`].filter(Boolean) as string[];
    for (const t of panels.flatMap((x) => x.targets ?? [])) {
      const selectors = t.expr.match(/aws_kinesis_\w+\{[^}]*\}/g)!;
      expect(selectors.length).toBeGreaterThan(0);
      for (const s of selectors) for (const f of filters) expect(s).toContain(f);
      expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  promql('offers a Prometheus datasource variable and a multi-value stream variable with All', () => {
    expect(vars[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    const stream = vars.find((v) => v.name === 'stream')!;
    expect(stream).toMatchObject({ type: 'query', multi: true, includeAll: true, allValue: '.*' });
    expect(String(stream.query)).toContain(`, ${p.labels.stream})`);
  });

  promql('draws a legend per stream in every time series', () => {
    for (const t of panels.filter((x) => x.type === 'timeseries').flatMap((x) => x.targets!)) {
      expect(t.legendFormat).toContain(`{{${p.labels.stream}}}`);
      expect(t.expr).toMatch(new RegExp(`by \\(${p.labels.stream}\\b`));
    }
  });

  it('is byte-identical every time', () => {
    expect(serialize(synth({ profile }))).toBe(serialize(dash));
  });

  it('matches the reviewed snapshot', async () => {
    await expect(serialize(dash)).toMatchFileSnapshot(`__snapshots__/aws-kinesis.${profile}.json`);
  });
});
