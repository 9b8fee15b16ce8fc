import type { MetricEntry, Statistic } from '../src/catalog/index.ts';

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

export const statReduction = 'lastNotNull';
export const timeseriesLegendCalcs = ['mean', 'max'];
export const fillOpacity = 10;
