import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { metric, type Statistic } from '../catalog/index.ts';
import { exporterSuffix, lowerCase, metricStreamSuffix, snakeCase } from './naming.ts';
import { checkSpec, datasourceRef } from './spec.ts';
import { ProfileError, type Profile, type QuerySpec } from './types.ts';

/** A Prometheus-backed profile, described as data (see definitions.ts). */
export interface PrometheusProfileDef {
  id: string;
  title: string;
  source: string;
  /** "snake": cloudwatch_exporter / YACE names; "lower": Logz.io metric streams names. */
  naming: 'snake' | 'lower';
  labels: Profile['labels'];
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

export function prometheusProfile(def: PrometheusProfileDef): Profile {
  const { labels } = def;
  const groupLabels = [labels.stream, labels.region, labels.account].filter((l): l is string => !!l);
  const matchers = [
    `${labels.stream}=~"$stream"`,
    ...(labels.region ? [`${labels.region}=~"$region"`] : []),
    ...(labels.account ? [`${labels.account}=~"$account"`] : []),
  ].join(', ');
  const ds = datasourceRef('prometheus');

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

  function expr(spec: QuerySpec): string {
    checkSpec(spec);
    const r = reading(spec.metric, spec.statistic);
    const by = `by (${groupLabels.join(', ')})`;
    const windowed = (name: string, fn: string) =>
      spec.window === 'range' ? `${fn}(${name}{${matchers}}[$__range])` : `${name}{${matchers}}`;

    if (r.kind === 'series') {
      const v = windowed(r.name, overTime[spec.statistic]);
      const op = innerOp[spec.statistic];
      if (spec.groupBy === 'stream') return `${op} ${by} (${v})`;
      // sum of sums and max of maxes need no inner step; an average must first be one per stream,
      // or a stream exported twice (two scrapers) would weigh double.
      return spec.across === op && op !== 'avg' ? `${op}(${v})` : `${spec.across}(${op} ${by} (${v}))`;
    }
    // A ratio of summaries: add numerators and denominators before dividing, so averages are weighted by call count.
    const num = windowed(r.numerator, 'sum_over_time');
    const den = windowed(r.denominator, 'sum_over_time');
    const perStream = `sum ${by} (${num}) / sum ${by} (${den})`;
    if (spec.groupBy === 'stream') return perStream;
    if (spec.across === 'avg') return `sum(${num}) / sum(${den})`;
    return `${spec.across}(${perStream})`;
  }

  function legend(spec: QuerySpec): string {
    if (spec.groupBy === 'total') return spec.legend ?? 'selected streams';
    const name = labels.region ? `{{${labels.stream}}} ({{${labels.region}}})` : `{{${labels.stream}}}`;
    return spec.legend ? `${spec.legend} ${name}` : name;
  }

  /** The series every variable query reads: IncomingBytes is published for every active stream. */
  const anchor = (reading('IncomingBytes', 'Sum') as { name: string }).name;

  function labelValues(label: string, filters: string[]): string {
    return filters.length ? `label_values(${anchor}{${filters.join(', ')}}, ${label})` : `label_values(${anchor}, ${label})`;
  }

  function queryVariable(name: string, label: string, query: string) {
    return new dashboard.QueryVariableBuilder(name)
      .label(label)
      .datasource(ds)
      .query(query)
      .definition(query)
      .multi(true)
      .includeAll(true)
      // ".*" rather than Grafana's default alternation of every value: short queries, and new streams appear at once.
      .allValue('.*')
      .current({ selected: true, text: ['All'], value: ['$__all'] })
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc);
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
      vars.push(queryVariable('stream', 'Stream', labelValues(labels.stream, filters)));
      return vars;
    },
    target(spec, refId) {
      const q = new prometheus.DataqueryBuilder()
        .datasource(ds)
        .refId(refId)
        .editorMode(prometheus.QueryEditorMode.Code)
        .expr(expr(spec))
        .legendFormat(legend(spec));
      return spec.window === 'range' ? q.instant() : q.range();
    },
    seriesNames(metricId, statistic) {
      checkSpec({ metric: metricId, statistic, groupBy: 'stream', across: 'avg', window: 'series' });
      const r = reading(metricId, statistic);
      return r.kind === 'series' ? [r.name] : [r.numerator, r.denominator];
    },
  };
}
