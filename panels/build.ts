import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { metric, type Statistic } from '../src/catalog/index.ts';
import type { Profile, QuerySpec } from '../src/profiles/index.ts';
import { datasourceRef } from '../src/profiles/spec.ts';
import { completeReading, FRACTION_UNIT, querySpec, signalUnit } from '../src/signals/index.ts';
import { fillOpacity, limitColor, timeseriesLegendCalcs } from './defaults.ts';
import type { PanelSpec } from './spec.ts';

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const statWords: Record<Statistic, string> = {
  Sum: 'total per CloudWatch period',
  SampleCount: 'number of data points per CloudWatch period',
  Average: 'average per CloudWatch period',
  Maximum: 'maximum per CloudWatch period',
  Minimum: 'minimum per CloudWatch period',
};

const acrossWords = {
  sum: 'Total across the selected streams of the mean per CloudWatch period over the time range.',
  avg: 'Mean across the selected streams over the time range.',
  max: "Highest among the selected streams of each stream's mean over the time range.",
} as const;

/** Who a time series panel draws a series for. */
function seriesWords(groupBy: QuerySpec['groupBy'], top: number | undefined): string {
  switch (groupBy) {
    case 'consumer':
      return 'One series per enhanced fan-out consumer of the selected streams';
    case 'shard':
      return top ? `The ${top} hottest shards of the selected streams, one series each` : 'One series per shard of the selected streams';
    default:
      return 'One series per selected stream';
  }
}

/** One panel's signals resolved: catalog entry, unit and the query spec for the profile. */
function resolve(spec: PanelSpec, profile: Profile) {
  const stat = spec.kind === 'stat';
  const signals = spec.signals.map(({ legend, ...written }) => {
    // A stat combines the streams as its panel says, else as its signal does.
    const s = completeReading(spec.across ? { ...written, across: spec.across } : written);
    const ratio = s.ratioTo && metric(s.ratioTo.metric);
    const query = querySpec(s, { window: stat ? 'range' : 'series', total: stat, ...(legend ? { legend } : {}), ...(spec.top !== undefined ? { top: spec.top } : {}) });
    const unit = signalUnit(s);
    // A part of a whole stays within 0–100%; utilisation may pass 100% (a stale shard count, resharding).
    const bounded = !!ratio || (unit === FRACTION_UNIT && !s.utilisationOf);
    return { entry: metric(s.metric), unit, bounded, query, signal: s, ratio };
  });
  const units = new Set(signals.map((s) => s.unit));
  if (units.size > 1) throw new Error(`panel "${spec.title}" mixes units ${[...units].join(', ')}: split it into panels`);
  const first = signals[0]!;

  let note: string;
  if (stat) note = acrossWords[first.query.across];
  else {
    const who = seriesWords(first.query.groupBy, spec.top);
    if (first.ratio) note = `${who}: ${first.entry.metricName} as a fraction of ${first.ratio.metricName}, both totals per CloudWatch period.`;
    else if (first.signal.utilisationOf) note = `${who}: the rate per second as a fraction of the stream's capacity (shards × the per-shard limit).`;
    else if (first.query.perSecond) note = `${who}: the rate per second (the total per CloudWatch period ÷ the period's seconds).`;
    else note = `${who}: the ${statWords[first.signal.statistic]}.`;
  }
  const caveats = [...new Set(signals.map((s) => profile.caveat?.(s.query)).filter((c): c is string => !!c))];
  const description = [spec.description ?? first.entry.description, note, ...caveats].join(' ');
  return { signals, unit: first.unit, bounded: signals.every((s) => s.bounded), description };
}

/** A red line at the panel's limit; the base step is not drawn. */
function limitThresholds(value: number) {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
    { value: null, color: 'green' },
    { value, color: limitColor },
  ]);
}

/** A panel factory: returns an SDK builder; the caller sets id and position where it assembles rows. */
export function buildPanel(spec: PanelSpec, profile: Profile): stat.PanelBuilder | timeseries.PanelBuilder {
  const { signals, unit, bounded, description } = resolve(spec, profile);
  const targets = signals.flatMap((s, i) => profile.targets(s.query, REF_IDS[i]!));
  const ds = datasourceRef(profile.datasource.type);

  if (spec.kind === 'stat') {
    const { calcs, transformations } = profile.stat(signals[0]!.query);
    const panel = new stat.PanelBuilder()
      .title(spec.title)
      .description(description)
      .datasource(ds)
      .targets(targets)
      .unit(unit)
      .reduceOptions(new common.ReduceDataOptionsBuilder().values(false).calcs(calcs))
      .graphMode(common.BigValueGraphMode.None)
      .colorMode(common.BigValueColorMode.None);
    return transformations.length ? panel.transformations(transformations) : panel;
  }

  const repeat = profile.ratioRepeat !== undefined && signals.some((s) => s.ratio) ? profile.ratioRepeat : undefined;
  const panel = new timeseries.PanelBuilder()
    .title(repeat ? `${spec.title}: $${repeat}` : spec.title)
    .description(description)
    .datasource(ds)
    .targets(targets)
    .unit(unit)
    .min(0)
    .fillOpacity(fillOpacity)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .calcs(timeseriesLegendCalcs),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  // Copies of the panel go down, one per value: the row keeps its columns.
  if (repeat) panel.repeat(repeat).repeatDirection('v');
  if (spec.threshold !== undefined) {
    panel.thresholds(limitThresholds(spec.threshold)).thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line));
  }
  // A fraction never exceeds 100%: a fixed axis keeps 2% from looking like a crisis.
  return bounded && unit === FRACTION_UNIT ? panel.max(1) : panel;
}
