import { DEFAULT_PERIOD_SECONDS } from '../capacity.ts';
import { metric, type MetricEntry } from '../catalog/index.ts';
import { ProfileError, type ProfileSettings, type QuerySpec } from './types.ts';

/** Checks that hold for every backend: the statistic exists for the metric, and the combination adds up. */
export function checkSpec(spec: QuerySpec): MetricEntry {
  const m = metric(spec.metric);
  if (!m.statistics.includes(spec.statistic)) {
    throw new ProfileError(`${m.metricName} has no ${spec.statistic} statistic in CloudWatch (it has ${m.statistics.join(', ')})`);
  }
  if (spec.groupBy === 'total' && spec.across === 'sum' && spec.statistic !== 'Sum' && spec.statistic !== 'SampleCount') {
    throw new ProfileError(`${m.metricName} ${spec.statistic} cannot be summed across streams: only Sum and SampleCount add`);
  }
  // A series exists only at its catalog level: a shard-level metric has no per-stream series and vice versa.
  const levels: QuerySpec['groupBy'][] = m.level === 'stream' ? ['stream', 'total'] : [m.level];
  if (!levels.includes(spec.groupBy)) {
    throw new ProfileError(`${m.id} is published per ${m.level} (dimensions ${m.dimensions.join(', ')}): it cannot be grouped by ${spec.groupBy}`);
  }
  const derived = spec.ratioTo || spec.perSecond || spec.utilisationOf !== undefined || spec.limitOf !== undefined || spec.top !== undefined;
  if (derived && (spec.window !== 'series' || spec.groupBy === 'total')) {
    throw new ProfileError(`${m.id}: ratios, rates, capacity and top-n are drawn per series, not reduced to one stat value`);
  }
  if (spec.ratioTo) {
    const d = metric(spec.ratioTo.metric);
    if (!d.statistics.includes(spec.ratioTo.statistic)) {
      throw new ProfileError(`${d.metricName} has no ${spec.ratioTo.statistic} statistic in CloudWatch (it has ${d.statistics.join(', ')})`);
    }
    if (d.level !== m.level) throw new ProfileError(`${m.id} ÷ ${d.id}: a ratio needs two metrics of the same level (${m.level} vs ${d.level})`);
  }
  if (spec.rangeSeconds !== undefined) {
    if (spec.window !== 'range') throw new ProfileError(`${m.id}: rangeSeconds sets the window of a "range" read; this spec reads "series"`);
    if (!Number.isInteger(spec.rangeSeconds) || spec.rangeSeconds <= 0) throw new ProfileError(`${m.id}: rangeSeconds must be a whole number of seconds above 0, got ${spec.rangeSeconds}`);
  }
  if (spec.perSecond && spec.statistic !== 'Sum') {
    throw new ProfileError(`${m.metricName} ${spec.statistic} is not a total per period: only a Sum divides into a per-second rate`);
  }
  if (spec.utilisationOf !== undefined || spec.limitOf !== undefined) {
    if (spec.utilisationOf !== undefined && spec.limitOf !== undefined) throw new ProfileError(`${m.id}: a query is a utilisation or a limit line, not both`);
    if (spec.utilisationOf !== undefined && !spec.perSecond) throw new ProfileError(`${m.id}: utilisation compares a per-second rate with a per-second limit: set perSecond`);
    if (m.level !== 'stream') throw new ProfileError(`${m.id}: shard counts are per stream, so capacity applies to stream-level metrics only`);
  }
  return m;
}

/** Grafana's datasource reference to the dashboard's `datasource` variable. */
export function datasourceRef(type: string) {
  return { type, uid: '${datasource}' };
}

/** Settings that reproduce the seed dashboard's queries exactly. */
export const DEFAULT_PROFILE_SETTINGS: ProfileSettings = {
  periodSeconds: DEFAULT_PERIOD_SECONDS,
};

/** The groupBy a plain series of the metric has: its catalog level ("stream" for stream-level metrics). */
export function levelGroup(metricId: string): Exclude<QuerySpec['groupBy'], 'total'> {
  return metric(metricId).level;
}

/** A regular expression that matches exactly these strings (RE2 and JavaScript agree on it). */
export function alternation(values: readonly string[]): string {
  const escaped = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return escaped.length === 1 ? escaped[0]! : `(?:${escaped.join('|')})`;
}

/** The stream filter as a regular expression over label values, names lowercased where the exporter lowercases them. */
export function streamRegex(filter: ProfileSettings['streams'], lowercase = false): string | undefined {
  if (!filter) return undefined;
  if ('regex' in filter) return filter.regex;
  return alternation(lowercase ? [...new Set(filter.names.map((n) => n.toLowerCase()))] : filter.names);
}
