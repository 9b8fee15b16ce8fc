import type { MetricEntry, Statistic } from '../src/catalog/index.ts';
import type { PanelSpec } from './spec.ts';

// Shared panel defaults, in one place.

/** Grafana unit for a catalog metric read with a statistic. */
export function grafanaUnit(m: MetricEntry, statistic: Statistic): string {
  // Average of a 0/1-per-call metric is a fraction: Grafana's "percentunit" shows 0.25 as 25%.
  if (m.averageIsFraction && statistic === 'Average') return 'percentunit';
  if (statistic === 'SampleCount') return 'short';
  switch (m.unit) {
    case 'Bytes':
      return 'bytes'; // IEC (KiB, MiB), as the Kinesis shard limits are stated
    case 'Milliseconds':
      return 'ms';
    case 'Count':
      return 'short';
  }
}

/** Grafana unit for a metric's Sum as a per-second rate (and for its per-second limit). */
export function grafanaRateUnit(m: MetricEntry): string {
  switch (m.unit) {
    case 'Bytes':
      return 'binBps'; // IEC bytes/s: the limits are 1 and 2 MiB/s
    case 'Milliseconds':
      throw new Error(`${m.id} is a duration: it has no per-second rate`);
    case 'Count':
      return 'cps';
  }
}

/** A fraction of something (ratios, utilisation): Grafana shows 0.25 as 25%. */
export const fractionUnit = 'percentunit';

export const timeseriesLegendCalcs = ['mean', 'max'];
export const fillOpacity = 10;
/** The colour of a limit line (thresholds style "line"). */
export const limitColor = 'red';

/** How a stat combines the selected streams when its panel does not say: the mean. */
export const acrossOf = (panel: PanelSpec): NonNullable<PanelSpec['across']> => panel.across ?? 'avg';
