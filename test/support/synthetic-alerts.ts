import { SHARD_LIMITS } from '../../src/capacity.ts';
import type { DashboardOptionsInput } from '../../src/config/schema.ts';
import { getProfile, type QuerySpec } from '../../src/profiles/index.ts';
import { ACCOUNT_A, ACCOUNT_B, componentValue, exporterQuirksOf, labelText, seriesPlan, SHARD_TWINS, statisticValue, type PeriodSummary } from './synthetic.ts';

/**
 * Synthetic Kinesis metrics for the alert proof: streams built to break each alert rule, streams that come
 * close without breaking any, and streams a rule must not see (outside the dashboard's stream filter, or
 * without a shard count). Stored as each exporter profile stores them (series names from
 * `profile.seriesNames`, labels from `profile.labels`, exporter quirks and the text as in synthetic.ts),
 * ending at a given time, so a live Prometheus evaluates its rules on them.
 *
 * As real exporters publish them: enhanced monitoring is on for some streams (it is a per-stream setting),
 * whose shards publish IncomingBytes, IncomingRecords and the throughput-exceeded metrics under the
 * stream-level names (the rules must leave them out: near-miss, one shard, would double past 80%); and where
 * the exporter may leave region and account off its Maximum series (Logz.io's metric streams), the streams of
 * BARE_MAXIMUM_REGION get such series, the others labelled ones (two Lambda versions side by side).
 *
 * Pure and deterministic for the same arguments. Only the metrics the rules read are written (with every
 * statistic the profile stores for them), one sample per 60 s period.
 */

export { ACCOUNT_A, ACCOUNT_B };

/** The retention the proof's config declares (capacity.retentionHours): 48 h, not the default, so it shows. */
export const PROOF_RETENTION_HOURS = 48;
const RETENTION_MS = PROOF_RETENTION_HOURS * 3_600_000;

/** What a stream does in one period; every series derives from it. */
export interface Period {
  /** Bytes and records written (IncomingBytes / IncomingRecords Sum). */
  bytes: number;
  records: number;
  /** GetRecords.IteratorAgeMilliseconds Maximum. */
  iteratorAgeMs: number;
  /** Fraction of attempted records write-throttled, of GetRecords calls read-throttled. */
  writeThrottled: number;
  readThrottled: number;
  /** PutRecords.FailedRecords Sum. */
  failedRecords: number;
}

interface StreamModel {
  name: string;
  region: string;
  account: string;
  /** Why the stream is in the data. */
  role: string;
  /** The alerts (alertname) that must fire for this stream, and no others. */
  breaks: readonly string[];
  /** Period i of n (0 … n): the stream's activity. */
  period(i: number, n: number): Period;
  /** Enhanced monitoring on: this many shards publish series (equal shares; throttling on the first). */
  enhancedShards?: number;
}

/** Where the exporter may leave region and account off Maximum series, the streams of this region get such series. */
export const BARE_MAXIMUM_REGION = 'eu-west-1';

const PERIOD_SECONDS = 60;
/** Bytes (or records) per 60 s period at `fraction` of `shards` × a per-second limit. */
const atUtilisation = (fraction: number, shards: number, perSecond: number) => fraction * shards * perSecond * PERIOD_SECONDS;

const calm: Period = { bytes: 3_072_000, records: 6000, iteratorAgeMs: 800, writeThrottled: 0, readThrottled: 0, failedRecords: 0 };

/** Shard counts the proof's config gives (capacity.shards); every other stream has none. */
export const PROOF_SHARDS: Readonly<Record<string, number>> = { orders: 4, 'Hot-Writes': 2, 'hot-records': 1, 'near-miss': 1 };

export const ALERT_STREAMS: readonly StreamModel[] = [
  {
    name: 'orders',
    region: 'us-east-1',
    account: ACCOUNT_A,
    role: 'healthy, with a shard count: 25% of its byte limit, 20% of its record limit',
    breaks: [],
    period: () => ({ ...calm, bytes: atUtilisation(0.25, 4, SHARD_LIMITS.writeBytes), records: atUtilisation(0.2, 4, SHARD_LIMITS.writeRecords) }),
    enhancedShards: 4,
  },
  {
    name: 'Clicks-Stream',
    region: 'us-east-1',
    account: ACCOUNT_B,
    role: 'no shard count: writes 150% of one shard\'s byte limit, and no utilisation rule may judge it',
    breaks: [],
    period: () => ({ ...calm, bytes: atUtilisation(1.5, 1, SHARD_LIMITS.writeBytes), records: atUtilisation(1.5, 1, SHARD_LIMITS.writeRecords) }),
  },
  {
    name: 'lagging',
    region: 'eu-west-1',
    account: ACCOUNT_A,
    role: 'iterator age at 60% of the retention: the warning, not the critical',
    breaks: ['KinesisIteratorAgeHigh'],
    period: () => ({ ...calm, iteratorAgeMs: 0.6 * RETENTION_MS }),
  },
  {
    name: 'expiring',
    region: 'eu-west-1',
    account: ACCOUNT_B,
    role: 'iterator age at 95% of the retention: warning and critical',
    breaks: ['KinesisIteratorAgeHigh', 'KinesisIteratorAgeCritical'],
    period: () => ({ ...calm, iteratorAgeMs: 0.95 * RETENTION_MS }),
  },
  {
    name: 'write-throttled',
    region: 'us-east-1',
    account: ACCOUNT_A,
    role: '10% of records write-throttled in every period',
    breaks: ['KinesisWriteThrottled'],
    period: () => ({ ...calm, writeThrottled: 0.1 }),
    enhancedShards: 2,
  },
  {
    name: 'read-throttled',
    region: 'us-west-2',
    account: ACCOUNT_A,
    role: '5% of GetRecords calls read-throttled in every period',
    breaks: ['KinesisReadThrottled'],
    period: () => ({ ...calm, readThrottled: 0.05 }),
  },
  {
    name: 'failing-puts',
    region: 'eu-west-1',
    account: ACCOUNT_A,
    role: '4 PutRecords records failed in every period',
    breaks: ['KinesisPutRecordsFailedRecords'],
    period: () => ({ ...calm, failedRecords: 4 }),
  },
  {
    name: 'Hot-Writes',
    region: 'us-east-1',
    account: ACCOUNT_B,
    role: 'mixed case; 2 shards, writes at 85% of the byte limit (records at 30%)',
    breaks: ['KinesisWriteBytesUtilisationHigh'],
    period: () => ({ ...calm, bytes: atUtilisation(0.85, 2, SHARD_LIMITS.writeBytes), records: atUtilisation(0.3, 2, SHARD_LIMITS.writeRecords) }),
    enhancedShards: 2,
  },
  {
    name: 'hot-records',
    region: 'us-west-2',
    account: ACCOUNT_B,
    role: '1 shard, small records at 90% of the record limit (bytes at 10%)',
    breaks: ['KinesisWriteRecordsUtilisationHigh'],
    period: () => ({ ...calm, bytes: atUtilisation(0.1, 1, SHARD_LIMITS.writeBytes), records: atUtilisation(0.9, 1, SHARD_LIMITS.writeRecords) }),
  },
  {
    name: 'near-miss',
    region: 'us-west-2',
    account: ACCOUNT_A,
    role: 'just below every threshold: iterator age 49% of the retention, 79% of both write limits; its one shard publishes the same again',
    breaks: [],
    period: () => ({
      ...calm,
      iteratorAgeMs: 0.49 * RETENTION_MS,
      bytes: atUtilisation(0.79, 1, SHARD_LIMITS.writeBytes),
      records: atUtilisation(0.79, 1, SHARD_LIMITS.writeRecords),
    }),
    enhancedShards: 1,
  },
  {
    name: 'recovered',
    region: 'eu-west-1',
    account: ACCOUNT_B,
    role: 'broke every rule until 30 minutes before the end, healthy since',
    breaks: [],
    enhancedShards: 2,
    period: (i, n) =>
      i <= n - 30 ? { ...calm, iteratorAgeMs: 0.95 * RETENTION_MS, writeThrottled: 0.2, readThrottled: 0.2, failedRecords: 9 } : calm,
  },
  {
    name: 'ignored-lagging',
    region: 'eu-west-1',
    account: ACCOUNT_A,
    role: 'outside the dashboard\'s stream filter: iterator age at 95% and throttled, and no rule may see it',
    breaks: [],
    period: () => ({ ...calm, iteratorAgeMs: 0.95 * RETENTION_MS, writeThrottled: 0.5 }),
  },
];

/** The proof's dashboard options: every stream but the ignored one, the shard counts, a 48 h retention. */
export function proofOptions(profile: string): DashboardOptionsInput {
  return {
    profile,
    uid: 'kinesis-alert-proof',
    title: 'Kinesis alert proof',
    streams: ALERT_STREAMS.filter((s) => s.name !== 'ignored-lagging').map((s) => s.name),
    capacity: { shards: { ...PROOF_SHARDS }, retentionHours: PROOF_RETENTION_HOURS },
    alerts: { grafanaUrl: 'https://grafana.example.com' },
  };
}

const CALLS = 100;

/** The summary of each metric the rules read, for one period. */
const SUMMARIES: Readonly<Record<string, (p: Period) => PeriodSummary>> = {
  IncomingBytes: (p) => ({ sum: p.bytes, count: CALLS, min: 1, max: (2 * p.bytes) / CALLS }),
  IncomingRecords: (p) => ({ sum: p.records, count: CALLS, min: 1, max: (2 * p.records) / CALLS }),
  'GetRecords.IteratorAgeMilliseconds': (p) => ({ sum: (p.iteratorAgeMs / 2) * CALLS, count: CALLS, min: 0, max: p.iteratorAgeMs }),
  // 0/1 per record (of 1000 attempted) or per call (of 100).
  WriteProvisionedThroughputExceeded: (p) => ({ sum: p.writeThrottled * 1000, count: 1000, min: 0, max: p.writeThrottled > 0 ? 1 : 0 }),
  ReadProvisionedThroughputExceeded: (p) => ({ sum: p.readThrottled * CALLS, count: CALLS, min: 0, max: p.readThrottled > 0 ? 1 : 0 }),
  'PutRecords.FailedRecords': (p) => ({ sum: p.failedRecords, count: 10, min: 0, max: p.failedRecords }),
};
export const ALERT_METRICS: readonly string[] = Object.keys(SUMMARIES);

/** One shard's summary of a twin metric, of `shards` equal shares: sums and counts split; throttling all on shard 0. */
function shardSummary(metricId: string, p: Period, k: number, shards: number): PeriodSummary {
  const whole = SUMMARIES[metricId]!(p);
  const count = whole.count / shards;
  if (metricId === 'WriteProvisionedThroughputExceeded' || metricId === 'ReadProvisionedThroughputExceeded') {
    const sum = k === 0 ? whole.sum : 0;
    return { sum, count, min: 0, max: sum > 0 ? 1 : 0 };
  }
  return { sum: whole.sum / shards, count, min: whole.min, max: whole.max };
}

/**
 * What a rule's query (a stream-level spec read over the last periods) shows for a stream: the statistic of its
 * last period, per second and as a fraction of its shards' capacity where the spec says so; undefined when the
 * stream has no shard count for a utilisation. Exact because every stream is steady over the rules' windows.
 */
export function ruleTruth(stream: AlertStream, spec: QuerySpec): number | undefined {
  const summary = SUMMARIES[spec.metric];
  if (!summary) throw new Error(`the alert data has no ${spec.metric}`);
  if (spec.groupBy !== 'stream' || spec.ratioTo || spec.limitOf !== undefined || spec.top !== undefined) throw new Error(`no truth for this spec: ${JSON.stringify(spec)}`);
  let v = statisticValue(summary(stream.lastPeriod), spec.statistic);
  if (spec.perSecond) v /= PERIOD_SECONDS;
  if (spec.utilisationOf !== undefined) {
    const n = PROOF_SHARDS[stream.name];
    if (n === undefined) return undefined;
    v /= n * spec.utilisationOf;
  }
  return v;
}

/** The shard-level twins (Shard.<metric>) of the rules' metrics, which exporters store under the same names. */
const TWINS: readonly string[] = ALERT_METRICS.filter((m) => SHARD_TWINS.some(([t]) => t === m)).map((m) => `Shard.${m}`);

export interface AlertStream {
  name: string;
  role: string;
  breaks: readonly string[];
  /** The stream label's value as this profile stores it. */
  labelValue: string;
  /** The labels an alert on this stream carries besides alertname and severity: stream, region, account as the profile has them. */
  alertLabels: Readonly<Record<string, string>>;
  /** Every label on the stream's series. */
  labels: Readonly<Record<string, string>>;
  /** Its last periods (the rules' windows end there, and every stream is steady over the last 30 minutes). */
  lastPeriod: Period;
  /** Shards that publish series (enhanced monitoring), 0 when it is off for the stream. */
  enhancedShards: number;
}

export interface SyntheticAlertData {
  profile: string;
  start: number;
  end: number;
  streams: readonly AlertStream[];
  openmetrics: string;
  sampleCount: number;
}

/**
 * The data for one profile: `minutes` + 1 samples per series, the last at `end` (unix seconds, a multiple of 60).
 * `forState`: rules (name, labels) to write ALERTS_FOR_STATE for, for every stream (see the proof test).
 */
export function syntheticAlertData(profileName: string, options: { end: number; minutes?: number; forState?: readonly { name: string; labels: Readonly<Record<string, string>> }[] }): SyntheticAlertData {
  const { end } = options;
  const n = options.minutes ?? 120;
  if (end % PERIOD_SECONDS !== 0) throw new Error(`end must be a multiple of ${PERIOD_SECONDS} s, got ${end}`);
  const start = end - n * PERIOD_SECONDS;
  const quirks = exporterQuirksOf(profileName);
  const profile = getProfile(profileName);
  const { labels: names } = profile;

  const streams = ALERT_STREAMS.map((m) => {
    const labelValue = quirks.streamLabelValue(m.name);
    const alertLabels: Record<string, string> = { [names.stream]: labelValue };
    if (names.region) alertLabels[names.region] = m.region;
    if (names.account) alertLabels[names.account] = m.account;
    const labels = { ...quirks.extraLabels(m), ...alertLabels };
    return { model: m, stream: { name: m.name, role: m.role, breaks: m.breaks, labelValue, alertLabels, labels, lastPeriod: m.period(n, n), enhancedShards: m.enhancedShards ?? 0 } };
  });
  if (new Set(streams.map((s) => JSON.stringify(s.stream.alertLabels))).size !== streams.length) throw new Error(`profile ${profileName}: two streams share their labels`);

  const lines: string[] = [];
  let sampleCount = 0;
  const bare = (m: StreamModel, component: string) => !!quirks.bareMaximum && component === 'max' && m.region === BARE_MAXIMUM_REGION;
  const withoutLocation = (labels: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(labels).filter(([k]) => k !== names.region && k !== names.account));
  // Every series the profile stores for the rules' metrics: one per statistic, or sum/count/min/max (metric streams);
  // a name may hold a stream-level metric and its shard-level twin.
  for (const { name, component, metricIds } of seriesPlan(profileName, [...ALERT_METRICS, ...TWINS])) {
    lines.push(`# TYPE ${name} gauge`);
    for (const metricId of metricIds) {
      const twin = metricId.startsWith('Shard.') ? metricId.slice('Shard.'.length) : undefined;
      for (const { model, stream } of streams) {
        const series = twin
          ? Array.from({ length: model.enhancedShards ?? 0 }, (_, k) => ({ labels: { ...stream.labels, [names.shard]: quirks.partLabelValue(`shardId-${String(k).padStart(12, '0')}`) }, value: (p: Period) => shardSummary(twin, p, k, model.enhancedShards!) }))
          : [{ labels: stream.labels, value: (p: Period) => SUMMARIES[metricId]!(p) }];
        for (const x of series) {
          const text = labelText(bare(model, component) ? withoutLocation(x.labels) : x.labels);
          for (let i = 0; i <= n; i++) {
            lines.push(`${name}{${text}} ${componentValue(x.value(model.period(i, n)), component)} ${start + i * PERIOD_SECONDS}`);
            sampleCount++;
          }
        }
      }
    }
  }
  if (options.forState?.length) {
    // "Every rule has been pending on every stream since the start" (see the proof test): the same for
    // healthy and broken streams, so it tells Prometheus nothing about which should fire.
    lines.push('# TYPE ALERTS_FOR_STATE gauge');
    for (const rule of options.forState) {
      for (const { stream } of streams) {
        const text = labelText({ alertname: rule.name, ...rule.labels, ...stream.alertLabels });
        for (let i = 0; i <= n; i++) {
          lines.push(`ALERTS_FOR_STATE{${text}} ${start} ${start + i * PERIOD_SECONDS}`);
          sampleCount++;
        }
      }
    }
  }
  lines.push('# EOF');
  return { profile: profileName, start, end, streams: streams.map((s) => s.stream), openmetrics: `${lines.join('\n')}\n`, sampleCount };
}
