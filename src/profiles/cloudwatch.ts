import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as cloudwatch from '@grafana/grafana-foundation-sdk/cloudwatch';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as expr from '@grafana/grafana-foundation-sdk/expr';
import { SHARDS_VARIABLE } from '../capacity.ts';
import { metric, type Dimension, type MetricEntry, type Statistic } from '../catalog/index.ts';
import { checkSpec, datasourceRef, DEFAULT_PROFILE_SETTINGS, levelGroup, streamRegex } from './spec.ts';
import { ProfileError, type Profile, type ProfileSettings, type QuerySpec, type StatReduction } from './types.ts';

// The same dashboard through Grafana's own CloudWatch datasource: GetMetricData with the catalog's
// namespace, metric name, statistic and dimensions, no exporter in between.
//
// Grafana behaviour this relies on (grafana/grafana, public/app/plugins/datasource/cloudwatch/):
// - query-runner/CloudWatchRequest.ts `convertDimensionFormat`: a dimension value given as a *string*
//   holding a variable ("$stream") is expanded to every selected value; an array is sent as is, not
//   interpolated. Several values, or "*", make Grafana's backend run a SEARCH, one series per dimension value.
// - pkg/tsdb/cloudwatch/metric_data_query_builder.go `buildSearchExpression`: with matchExact the SEARCH
//   names the schema {"AWS/Kinesis",<dimension names>}, so it matches metrics with exactly these dimensions;
//   without it, any metric that has them (a stream query would take the shard-level IncomingBytes too).
// - types.ts `VariableQuery` / `VariableQueryType` and migrations/variableQueryMigrations.ts: see variables().
// - Hidden queries that have an `id` still run as inputs of metric math (ReturnData false;
//   grafana/grafana#50987), and server-side expressions always run their hidden inputs.

const NAMESPACE = 'AWS/Kinesis';
const ds = datasourceRef('cloudwatch');
/** Grafana's server-side expressions ("__expr__"): math across queries, joined by series labels. */
const EXPRESSIONS = { type: '__expr__', uid: '__expr__' };

/** The dimension that tells series of one level apart, beside StreamName. */
const innerDimension: Record<'consumer' | 'shard', Dimension> = { consumer: 'ConsumerName', shard: 'ShardId' };

/**
 * Stat panels: CloudWatch cannot reduce a range in the query as PromQL's *_over_time does. Each stream's
 * per-period series is reduced by Grafana ("reduce" transformation, one row per stream), keeping the
 * statistic's meaning (a Sum's mean is the mean per period, a Maximum's is its max) …
 */
const overTime: Record<Statistic, 'mean' | 'max' | 'min'> = {
  Sum: 'mean',
  SampleCount: 'mean',
  Average: 'mean',
  Maximum: 'max',
  Minimum: 'min',
};
/** … then the stat panel combines the rows as the spec says the streams combine. */
const acrossCalc: Record<QuerySpec['across'], 'sum' | 'mean' | 'max'> = { sum: 'sum', avg: 'mean', max: 'max' };

/** Dynamic labels (CloudWatch's `${PROP('Dim.…')}`): the legend names each series by its dimensions. */
const dimLabel = (d: Dimension) => `\${PROP('Dim.${d}')}`;

/** A CloudWatch metric-data id: lowercase first, letters, digits and "_" (CloudWatch's rule). */
const idOf = (refId: string) => refId.toLowerCase();

export function cloudwatchProfile(settings: ProfileSettings = DEFAULT_PROFILE_SETTINGS): Profile {
  const period = String(settings.periodSeconds);

  /** One GetMetricData metric query: the catalog's (namespace, metric name, statistic) on the given dimensions. */
  /** What every query of the dashboard shares: datasource, ids, metrics mode, the region variable. */
  function baseQuery(refId: string, mode: cloudwatch.MetricEditorMode) {
    return new cloudwatch.MetricsQueryBuilder()
      .datasource(ds)
      .refId(refId)
      .id(idOf(refId))
      .queryMode(cloudwatch.QueryMode.Metrics)
      .metricQueryType(cloudwatch.MetricQueryType.Search)
      .metricEditorMode(mode)
      .region('$region');
  }

  function metricQuery(refId: string, m: MetricEntry, statistic: Statistic, dimensions: cloudwatch.Dimensions, opts: { period?: string; label?: string; hide?: boolean }) {
    const q = baseQuery(refId, cloudwatch.MetricEditorMode.Builder)
      .namespace(NAMESPACE)
      .metricName(m.metricName)
      .statistic(statistic)
      .dimensions(dimensions)
      // Exactly these dimensions: a stream query never picks up the shard-level twin of IncomingBytes.
      .matchExact(true);
    if (opts.period !== undefined) q.period(opts.period);
    if (opts.label !== undefined) q.label(opts.label);
    if (opts.hide) q.hide(true);
    return q;
  }

  /** A metric-math query over other queries of the panel, referenced by id. */
  function mathQuery(refId: string, expression: string, label?: string) {
    const q = baseQuery(refId, cloudwatch.MetricEditorMode.Code)
      .expression(expression)
      // A math expression needs an explicit period (GetMetricData's MetricDataQuery.Period).
      .period(period)
      // Unused by math, but Grafana's backend refuses a metrics query with neither `statistic` nor `statistics`
      // (pkg/tsdb/cloudwatch/models/cloudwatch_query.go, validateAndSetDefaults) and fails the whole request;
      // the frontend fills it in while interpolating, public dashboards send the saved JSON as is.
      // "Average" is the query editor's own default.
      .statistic('Average');
    if (label !== undefined) q.label(label);
    return q;
  }

  function dimensionsFor(m: MetricEntry, stream = '$stream'): cloudwatch.Dimensions {
    const dims: cloudwatch.Dimensions = { StreamName: stream };
    // "*": every consumer / shard of the selected streams, one series each.
    if (m.level !== 'stream') dims[innerDimension[m.level]] = '*';
    return dims;
  }

  function legend(m: MetricEntry, prefix?: string): string {
    const dims = m.level === 'stream' ? [dimLabel('StreamName')] : [dimLabel('StreamName'), dimLabel(innerDimension[m.level])];
    return [prefix, ...dims].filter(Boolean).join(' ');
  }

  /** Shard counts as metric math can use them: one entry per configured stream, or the `$shards` variable for all. */
  function shardSources(): Array<{ stream?: string; shards: string }> {
    if (!settings.shards) return [{ shards: `$${SHARDS_VARIABLE}` }];
    return Object.entries(settings.shards).map(([stream, n]) => ({ stream, shards: String(n) }));
  }

  function targets(spec: QuerySpec, refId: string): cog.Builder<cog.Dataquery>[] {
    const m = checkSpec(spec);

    if (spec.groupBy === 'total') {
      if (spec.window !== 'range') throw new ProfileError(`profile cloudwatch draws a total across streams only as a stat panel (${m.id})`);
      // Per-period quantities (Sum, SampleCount) are read at the configured period, so "the mean per
      // period" means the same as with the exporters; the stat's transformations do the rest.
      const p = spec.statistic === 'Sum' || spec.statistic === 'SampleCount' ? period : undefined;
      return [metricQuery(refId, m, spec.statistic, dimensionsFor(m), { label: legend(m, spec.legend), ...(p ? { period: p } : {}) })];
    }

    if (spec.ratioTo) {
      if (spec.perSecond || spec.utilisationOf !== undefined || spec.limitOf !== undefined || spec.top !== undefined) {
        throw new ProfileError(`profile cloudwatch: a ratio (${m.id} ÷ ${spec.ratioTo.metric}) combines with nothing else`);
      }
      // Metric math has no label matching: with several streams selected both inputs are arrays of
      // series (Grafana turns them into SEARCHes), and nothing pairs stream with stream. Grafana's math
      // expression does: it joins the two results on the dimension labels the CloudWatch datasource puts
      // on each series (StreamName), as PromQL's "/" joins on labels.
      const d = metric(spec.ratioTo.metric);
      const num = `${refId}_m0`;
      const den = `${refId}_m1`;
      return [
        new expr.TypeMathBuilder().datasource(EXPRESSIONS).refId(refId).expression(`$${num} / $${den}`),
        metricQuery(num, m, spec.statistic, dimensionsFor(m), { label: legend(m, spec.legend), hide: true }),
        metricQuery(den, d, spec.ratioTo.statistic, dimensionsFor(d), { label: legend(d, spec.legend), hide: true }),
      ];
    }

    const derived = spec.perSecond || spec.utilisationOf !== undefined || spec.limitOf !== undefined || spec.top !== undefined;
    if (!derived) return [metricQuery(refId, m, spec.statistic, dimensionsFor(m), { label: legend(m, spec.legend) })];

    // Derived series: metric math over hidden metric queries, all at the configured period so that
    // "÷ period" turns each per-period Sum into a per-second rate.
    const rate = (id: string) => (spec.perSecond ? `${id}/${period}` : id);

    if (spec.utilisationOf !== undefined || spec.limitOf !== undefined) {
      const perShard = spec.utilisationOf ?? spec.limitOf!;
      // With a per-stream map each stream gets its own query (its shard count differs); those queries
      // name their stream and so ignore the stream variable. With `$shards`, one query covers them all.
      return shardSources().flatMap(({ stream, shards }, i) => {
        const input = `${refId}_m${i}`;
        const capacity = `(${shards}*${perShard})`;
        const expression = spec.limitOf !== undefined ? `${idOf(input)}*0 + ${capacity}` : `${rate(idOf(input))}/${capacity}`;
        const label = stream ? [spec.legend, stream].filter(Boolean).join(' ') : undefined;
        return [
          mathQuery(i === 0 ? refId : `${refId}_${i}`, expression, label),
          metricQuery(input, m, spec.statistic, dimensionsFor(m, stream), { period, hide: true, label: legend(m, spec.legend) }),
        ];
      });
    }

    const input = `${refId}_m0`;
    const value = rate(idOf(input));
    // SORT keeps the n series with the highest maximum over the time range: the hottest shards.
    const expression = spec.top !== undefined ? `SORT(${value}, MAX, DESC, ${spec.top})` : value;
    return [
      mathQuery(refId, expression),
      metricQuery(input, m, spec.statistic, dimensionsFor(m), { period, hide: true, label: legend(m, spec.legend) }),
    ];
  }

  function stat(spec: QuerySpec): StatReduction {
    return {
      calcs: [acrossCalc[spec.across]],
      transformations: [{ id: 'reduce', options: { mode: 'seriesToRows', reducers: [overTime[spec.statistic]], includeTimeField: false } }],
    };
  }

  /**
   * Variable queries in the datasource's string form. Grafana saves them as its VariableQuery object
   * ({ queryType: "regions" } / { queryType: "dimensionValues", namespace, region, metricName,
   * dimensionKey, dimensionFilters }, types.ts), but Grafana's dashboard JSON schema types a variable's
   * query as a string or an object of objects, which that object is not; the datasource migrates these
   * strings into exactly that object when it runs them (migrations/variableQueryMigrations.ts).
   */
  function variables(): ReturnType<Profile['variables']> {
    const regions = 'regions()';
    // Streams that published IncomingBytes: every active stream does.
    const streams = `dimension_values($region,${NAMESPACE},IncomingBytes,StreamName)`;
    return [
      new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('cloudwatch'),
      new dashboard.QueryVariableBuilder('region')
        .label('Region')
        .datasource(ds)
        .query(regions)
        .definition(regions)
        // "default": the datasource's own default region.
        .current({ selected: true, text: 'default', value: 'default' })
        .refresh(dashboard.VariableRefresh.OnDashboardLoad)
        .sort(dashboard.VariableSort.AlphabeticalAsc),
      streamVariable(streams),
    ];
  }

  function streamVariable(query: string) {
    const v = new dashboard.QueryVariableBuilder('stream')
      .label('Stream')
      .datasource(ds)
      .query(query)
      .definition(query)
      .multi(true)
      .includeAll(true)
      .current({ selected: true, text: ['All'], value: ['$__all'] })
      .refresh(dashboard.VariableRefresh.OnDashboardLoad)
      .sort(dashboard.VariableSort.AlphabeticalAsc);
    const filter = streamRegex(settings.streams);
    // A dashboard about some streams: Grafana's variable regex keeps only those, and "All" is then the
    // list of them (CloudWatch dimensions take no regex, so no "*" wildcard here).
    if (filter) return v.regex(`/^(?:${filter})$/`);
    // "*": a wildcard search, so All is one short query and new streams appear at once.
    return v.allValue('*');
  }

  return {
    id: 'cloudwatch',
    title: 'CloudWatch',
    source: "Grafana's CloudWatch datasource, reading AWS/Kinesis from CloudWatch directly",
    datasource: { type: 'cloudwatch', name: 'CloudWatch' },
    // Dimensions are CloudWatch's labels; the region is a query parameter, not a dimension.
    labels: { stream: 'StreamName', shard: 'ShardId', consumer: 'ConsumerName' },
    // The math expression joins numerator and denominator on the StreamName label Grafana's backend puts on
    // each series. With its older label parsing (feature toggle cloudWatchNewLabelParsing off), that label
    // comes from matching the selected values against the series' label by substring (pkg/tsdb/cloudwatch,
    // response parsing: `strings.Contains(label, value)`), so with "orders" and "a-orders" both selected the
    // "a-orders" series can be labelled "orders" and paired with the wrong stream. A query of exactly one
    // stream is labelled with that value as given, and a math expression over one series on each side pairs
    // them whatever their labels: so ratio panels are repeated per stream.
    ratioRepeat: 'stream',
    variables,
    targets,
    stat,
    seriesNames(metricId, statistic) {
      checkSpec({ metric: metricId, statistic, groupBy: levelGroup(metricId), across: 'avg', window: 'series' });
      return [metric(metricId).metricName];
    },
  };
}
