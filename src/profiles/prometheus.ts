import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { SHARDS_VARIABLE } from '../capacity.ts';
import { metric, type Statistic } from '../catalog/index.ts';
import { exporterSuffix, lowerCase, metricStreamSuffix, snakeCase } from './naming.ts';
import { checkSpec, datasourceRef, DEFAULT_PROFILE_SETTINGS, levelGroup, streamRegex } from './spec.ts';
import { ProfileError, type Profile, type ProfileSettings, type PromqlProfile, type QuerySpec } from './types.ts';

/** A Prometheus-backed profile, described as data (see definitions.ts). */
export interface PrometheusProfileDef {
  id: string;
  title: string;
  source: string;
  /** "snake": cloudwatch_exporter / YACE names; "lower": Logz.io metric streams names. */
  naming: 'snake' | 'lower';
  labels: Profile['labels'];
  /**
   * The exporter may publish Maximum series without the region and account labels (Logz.io's metric-stream
   * Lambda): queries then take each stream's region and account from its SampleCount series.
   */
  bareMaximum?: boolean;
}

/** How one (metric, statistic) is read: one series, or a ratio of two (metric streams' Average = sum / count). */
type Reading = { kind: 'series'; name: string } | { kind: 'ratio'; numerator: string; denominator: string };

const PREFIX = 'aws_kinesis_';

/** The aggregation that keeps a statistic's meaning when series of one stream are merged. */
const innerOp: Record<Statistic, 'sum' | 'avg' | 'max' | 'min'> = {
  Sum: 'sum',
  SampleCount: 'sum',
  Average: 'avg',
  Maximum: 'max',
  Minimum: 'min',
};

/** Reduce one series over the dashboard's range, keeping the statistic's meaning (a Sum is per period: its mean is the mean per period). */
const overTime: Record<Statistic, string> = {
  Sum: 'avg_over_time',
  SampleCount: 'avg_over_time',
  Average: 'avg_over_time',
  Maximum: 'max_over_time',
  Minimum: 'min_over_time',
};

/** Prometheus evaluates the whole range in one instant query: the stat panel shows that one value. */
const STAT_REDUCER = 'lastNotNull';

/** Seconds as a PromQL duration: 300 → "5m", 3600 → "1h", 90 → "90s". */
export function promDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export function prometheusProfile(def: PrometheusProfileDef, settings: ProfileSettings = DEFAULT_PROFILE_SETTINGS): PromqlProfile {
  const { labels } = def;
  const groupLabels = [labels.stream, labels.region, labels.account].filter((l): l is string => !!l);
  // A dashboard about some streams: the variable lists only those, and "All" means those.
  const filter = streamRegex(settings.streams, def.naming === 'lower');
  /** Inside a PromQL string literal, backslashes are escapes: a regex's `\.` is written `\\.`. */
  const inString = (regex: string) => regex.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const variables = settings.variables !== false;
  // Dashboard queries filter by the variables (whose "All" carries the stream filter); plain PromQL
  // (alert rules, settings.variables false) carries the stream filter itself, or no matcher at all.
  const streamMatchers: string[] = variables ? [`${labels.stream}=~"$stream"`] : filter ? [`${labels.stream}=~"${inString(filter)}"`] : [];
  const locationMatchers: string[] = variables
    ? [...(labels.region ? [`${labels.region}=~"$region"`] : []), ...(labels.account ? [`${labels.account}=~"$account"`] : [])]
    : [];
  const ds = datasourceRef('prometheus');

  /**
   * Each query asks for exactly the dimensions of its catalog level, as the cloudwatch profile does with
   * matchExact. Exporters publish shard-level series under the stream-level names (IncomingBytes, …),
   * told apart only by the shard label, and YACE's discovery exports every dimension combination it finds:
   * a stream query requires the shard and consumer labels to be absent (a matcher on a label no series has
   * costs nothing), a shard or consumer query requires its own label.
   */
  function selectorMatchers(groupBy: QuerySpec['groupBy'], location = locationMatchers): string[] {
    const has = (level: QuerySpec['groupBy'], label: string) => (groupBy === level ? `${label}!=""` : `${label}=""`);
    return [...streamMatchers, ...location, has('shard', labels.shard), has('consumer', labels.consumer)];
  }

  /** A selector: the series name and its matchers (none: the bare name). */
  const selector = (name: string, sel: string[]) => (sel.length ? `${name}{${sel.join(', ')}}` : name);

  /** The labels that name a series of this level, stream first: the stream (and consumer or shard). */
  function partLabels(groupBy: QuerySpec['groupBy']): string[] {
    return [labels.stream, ...(groupBy === 'consumer' ? [labels.consumer] : groupBy === 'shard' ? [labels.shard] : [])];
  }

  function byLabels(groupBy: QuerySpec['groupBy']): string {
    const [stream, ...inner] = partLabels(groupBy);
    const [, ...rest] = groupLabels;
    return `by (${[stream, ...inner, ...rest].join(', ')})`;
  }

  function reading(metricId: string, statistic: Statistic): Reading {
    const m = metric(metricId);
    if (def.naming === 'snake') {
      return { kind: 'series', name: `${PREFIX}${snakeCase(m.metricName)}_${exporterSuffix[statistic]}` };
    }
    const base = `${PREFIX}${lowerCase(m.metricName)}`;
    if (statistic === 'Average') return { kind: 'ratio', numerator: `${base}_sum`, denominator: `${base}_count` };
    const suffix = metricStreamSuffix[statistic];
    if (!suffix) throw new ProfileError(`profile ${def.id} has no series for ${m.metricName} ${statistic}`);
    return { kind: 'series', name: `${base}_${suffix}` };
  }

  /** One (metric, statistic) per group, or combined across streams; `binary` when the result is a division. */
  function plain(spec: QuerySpec, metricId: string, statistic: Statistic): { expr: string; binary: boolean } {
    const r = reading(metricId, statistic);
    const by = byLabels(spec.groupBy);
    const sel = selectorMatchers(spec.groupBy);
    const range = spec.rangeSeconds === undefined ? '$__range' : promDuration(spec.rangeSeconds);
    const windowed = (name: string, fn: string, s = sel) => (spec.window === 'range' ? `${fn}(${selector(name, s)}[${range}])` : selector(name, s));

    if (r.kind === 'series') {
      const v = windowed(r.name, overTime[statistic]);
      const op = innerOp[statistic];
      if (def.bareMaximum && statistic === 'Maximum' && labels.region) {
        const perGroup = locatedFromCount(spec, metricId, r.name, windowed);
        return spec.groupBy === 'total' ? { expr: `${spec.across}(${perGroup})`, binary: false } : { expr: perGroup, binary: true };
      }
      if (spec.groupBy !== 'total') return { expr: `${op} ${by} (${v})`, binary: false };
      // sum of sums and max of maxes need no inner step; an average must first be one per stream,
      // or a stream exported twice (two scrapers) would weigh double.
      const total = spec.across === op && op !== 'avg' ? `${op}(${v})` : `${spec.across}(${op} ${by} (${v}))`;
      return { expr: total, binary: false };
    }
    // A ratio of summaries: add numerators and denominators before dividing, so averages are weighted by call count.
    const num = windowed(r.numerator, 'sum_over_time');
    const den = windowed(r.denominator, 'sum_over_time');
    const perGroup = `sum ${by} (${num}) / sum ${by} (${den})`;
    if (spec.groupBy !== 'total') return { expr: perGroup, binary: true };
    if (spec.across === 'avg') return { expr: `sum(${num}) / sum(${den})`, binary: true };
    return { expr: `${spec.across}(${perGroup})`, binary: false };
  }

  /**
   * A Maximum per group when the exporter may leave region and account off the Maximum series (Logz.io's
   * metric-stream Lambda copies them onto _sum, _count and _min only: logzio/metric-stream-lambda,
   * handler/handler.go, createMinMaxMetrics). Series that carry them are read as any other; series without
   * them take the region and account of the same stream's (consumer's, shard's) SampleCount series, which
   * also decides whether they belong to the selected regions and accounts. A stream name used in several
   * regions or accounts has one bare Maximum series for all of them: each then shows the highest (caveat()).
   */
  function locatedFromCount(spec: QuerySpec, metricId: string, name: string, windowed: (name: string, fn: string, sel: string[]) => string): string {
    const by = byLabels(spec.groupBy);
    const parts = partLabels(spec.groupBy).join(', ');
    const region = labels.region!;
    const count = reading(metricId, 'SampleCount') as { name: string };
    const labelled = `max ${by} (${windowed(name, 'max_over_time', [...selectorMatchers(spec.groupBy), `${region}!=""`])})`;
    const bare = `max by (${parts}) (${windowed(name, 'max_over_time', [...selectorMatchers(spec.groupBy, []), `${region}=""`])})`;
    const located = `group ${by} (${windowed(count.name, 'max_over_time', selectorMatchers(spec.groupBy))})`;
    return `${labelled} or (${bare} * on(${parts}) group_right() ${located})`;
  }

  const paren = (e: { expr: string; binary: boolean }) => (e.binary ? `(${e.expr})` : e.expr);

  /**
   * Each selected stream's shard count × a per-shard limit, as an operand on the right of a per-stream
   * vector. From the config's map: a constant vector with one element per stream, joined on the stream
   * label (group_left: one stream name may exist in several regions or accounts). Without a map: the
   * `$shards` variable, the same for every stream.
   */
  function capacity(perShard: number): string {
    if (!settings.shards && !variables) {
      throw new ProfileError(`profile ${def.id}: capacity outside a dashboard needs the shard count of each stream (capacity.shards): there is no $${SHARDS_VARIABLE} variable`);
    }
    if (!settings.shards) return `($${SHARDS_VARIABLE} * ${perShard})`;
    // Metric streams lowercase the stream label's values (see definitions.ts), so the map's keys must match.
    const value = (name: string) => (def.naming === 'lower' ? name.toLowerCase() : name);
    const values = Object.keys(settings.shards).map(value);
    const twice = values.find((v, i) => values.indexOf(v) !== i);
    if (twice) throw new ProfileError(`profile ${def.id} stores stream names lowercased: two capacity.shards entries are both "${twice}"`);
    const vector = Object.entries(settings.shards)
      .map(([name, n]) => `label_replace(vector(${n}), "${labels.stream}", "${value(name)}", "", "")`)
      .join(' or ');
    return `on(${labels.stream}) group_left() ((${vector}) * ${perShard})`;
  }

  function expr(spec: QuerySpec): string {
    checkSpec(spec);
    const value = plain(spec, spec.metric, spec.statistic);
    // A limit line: the metric only says which streams are selected and have data; × 0 keeps their labels.
    if (spec.limitOf !== undefined) return `${paren(value)} * 0 + ${capacity(spec.limitOf)}`;
    let e = value;
    if (spec.ratioTo) e = { expr: `${paren(e)} / ${paren(plain(spec, spec.ratioTo.metric, spec.ratioTo.statistic))}`, binary: true };
    // CloudWatch sums are per period, not per second.
    if (spec.perSecond) e = { expr: `${paren(e)} / ${settings.periodSeconds}`, binary: true };
    if (spec.utilisationOf !== undefined) e = { expr: `${e.expr} / ${capacity(spec.utilisationOf)}`, binary: true };
    if (spec.top !== undefined) e = { expr: `topk(${spec.top}, ${e.expr})`, binary: false };
    return e.expr;
  }

  function legend(spec: QuerySpec): string {
    if (spec.groupBy === 'total') return spec.legend ?? 'selected streams';
    const inner = spec.groupBy === 'consumer' ? ` {{${labels.consumer}}}` : spec.groupBy === 'shard' ? ` {{${labels.shard}}}` : '';
    const series = `{{${labels.stream}}}${inner}`;
    const name = labels.region ? `${series} ({{${labels.region}}})` : series;
    return spec.legend ? `${spec.legend} ${name}` : name;
  }

  /** The series every variable query reads: IncomingBytes is published for every active stream. */
  const anchor = (reading('IncomingBytes', 'Sum') as { name: string }).name;

  function labelValues(label: string, filters: string[]): string {
    return filters.length ? `label_values(${anchor}{${filters.join(', ')}}, ${label})` : `label_values(${anchor}, ${label})`;
  }

  function queryVariable(name: string, label: string, query: string, allValue = '.*') {
    return new dashboard.QueryVariableBuilder(name)
      .label(label)
      .datasource(ds)
      .query(query)
      .definition(query)
      .multi(true)
      .includeAll(true)
      // A regex rather than Grafana's default alternation of every value: short queries, and new streams appear at once.
      .allValue(allValue)
      .current({ selected: true, text: ['All'], value: ['$__all'] })
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc);
  }

  function target(spec: QuerySpec, refId: string) {
    const q = new prometheus.DataqueryBuilder()
      .datasource(ds)
      .refId(refId)
      .editorMode(prometheus.QueryEditorMode.Code)
      .expr(expr(spec))
      .legendFormat(legend(spec));
    return spec.window === 'range' ? q.instant() : q.range();
  }

  return {
    id: def.id,
    title: def.title,
    source: def.source,
    datasource: { type: 'prometheus', name: 'Prometheus' },
    labels,
    variables() {
      const vars: ReturnType<Profile['variables']> = [
        new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'),
      ];
      const filters: string[] = [];
      if (labels.region) {
        vars.push(queryVariable('region', 'Region', labelValues(labels.region, filters)));
        filters.push(`${labels.region}=~"$region"`);
      }
      if (labels.account) {
        vars.push(queryVariable('account', 'Account', labelValues(labels.account, filters)));
        filters.push(`${labels.account}=~"$account"`);
      }
      if (filter) {
        // Grafana puts allValue into the query as it is: it must already be a PromQL string's content.
        vars.push(queryVariable('stream', 'Stream', labelValues(labels.stream, [...filters, `${labels.stream}=~"${inString(filter)}"`]), inString(filter)));
      } else {
        vars.push(queryVariable('stream', 'Stream', labelValues(labels.stream, filters)));
      }
      return vars;
    },
    expr,
    caveat(spec) {
      const reads = [spec.statistic, spec.ratioTo?.statistic];
      if (!def.bareMaximum || !labels.region || !reads.includes('Maximum') || spec.limitOf !== undefined) return undefined;
      return (
        `Logz.io's metric streams may publish the maximum without the ${labels.region} and ${labels.account} labels: each series then takes them from ` +
        'the same stream\'s count series, and a stream name used in several regions or accounts shows the highest of them all.'
      );
    },
    // PromQL says everything in one expression.
    targets: (spec, refId) => [target(spec, refId)],
    // The instant query already reduced the range (overTime) and the streams (across): one value per query.
    stat: () => ({ calcs: [STAT_REDUCER], transformations: [] }),
    seriesNames(metricId, statistic) {
      checkSpec({ metric: metricId, statistic, groupBy: levelGroup(metricId), across: 'avg', window: 'series' });
      const r = reading(metricId, statistic);
      return r.kind === 'series' ? [r.name] : [r.numerator, r.denominator];
    },
  };
}
