import { metric, type MetricEntry } from '../catalog/index.ts';
import { ProfileError, type QuerySpec } from './types.ts';

/** Checks that hold for every backend: the statistic exists for the metric, and the combination adds up. */
export function checkSpec(spec: QuerySpec): MetricEntry {
  const m = metric(spec.metric);
  if (!m.statistics.includes(spec.statistic)) {
    throw new ProfileError(`${m.metricName} has no ${spec.statistic} statistic in CloudWatch (it has ${m.statistics.join(', ')})`);
  }
  if (spec.groupBy === 'total' && spec.across === 'sum' && spec.statistic !== 'Sum' && spec.statistic !== 'SampleCount') {
    throw new ProfileError(`${m.metricName} ${spec.statistic} cannot be summed across streams: only Sum and SampleCount add`);
  }
  return m;
}

/** Grafana's datasource reference to the dashboard's `datasource` variable. */
export function datasourceRef(type: string) {
  return { type, uid: '${datasource}' };
}
