import * as common from '@grafana/grafana-foundation-sdk/common';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { metric, type Statistic } from '../src/catalog/index.ts';
import type { Profile, QuerySpec } from '../src/profiles/index.ts';
import { datasourceRef } from '../src/profiles/spec.ts';
import { fillOpacity, grafanaUnit, statReduction, timeseriesLegendCalcs } from './defaults.ts';
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

/** One panel's signals resolved against the catalog: statistic, unit and the query spec for the profile. */
function resolve(spec: PanelSpec) {
  const signals = spec.signals.map((s) => {
    const m = metric(s.metric);
    const statistic = s.statistic ?? m.defaultStatistic;
    const query: QuerySpec = {
      metric: m.id,
      statistic,
      groupBy: spec.kind === 'stat' ? 'total' : 'stream',
      across: spec.across,
      window: spec.kind === 'stat' ? 'range' : 'series',
      ...(s.legend ? { legend: s.legend } : {}),
    };
    return { entry: m, statistic, unit: grafanaUnit(m, statistic), query };
  });
  const units = new Set(signals.map((s) => s.unit));
  if (units.size > 1) throw new Error(`panel "${spec.title}" mixes units ${[...units].join(', ')}: split it into panels`);
  const first = signals[0]!;
  const note = spec.kind === 'stat' ? acrossWords[spec.across] : `One series per selected stream: the ${statWords[first.statistic]}.`;
  const description = `${spec.description ?? first.entry.description} ${note}`;
  return { signals, unit: first.unit, description };
}

/** A panel factory: returns an SDK builder; the caller sets id and position where it assembles rows. */
export function buildPanel(spec: PanelSpec, profile: Profile): stat.PanelBuilder | timeseries.PanelBuilder {
  const { signals, unit, description } = resolve(spec);
  const targets = signals.map((s, i) => profile.target(s.query, REF_IDS[i]!));
  const ds = datasourceRef(profile.datasource.type);

  if (spec.kind === 'stat') {
    return new stat.PanelBuilder()
      .title(spec.title)
      .description(description)
      .datasource(ds)
      .targets(targets)
      .unit(unit)
      .reduceOptions(new common.ReduceDataOptionsBuilder().values(false).calcs([statReduction]))
      .graphMode(common.BigValueGraphMode.None)
      .colorMode(common.BigValueColorMode.None);
  }

  const panel = new timeseries.PanelBuilder()
    .title(spec.title)
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
  // A fraction never exceeds 100%: a fixed axis keeps 2% from looking like a crisis.
  return unit === 'percentunit' ? panel.max(1) : panel;
}
