import { SHARD_LIMITS, type ShardLimit } from '../capacity.ts';
import { metric, type MetricEntry, type Statistic } from '../catalog/index.ts';
import type { QuerySpec } from './query.ts';
import type { Signal, SignalAsWritten, SignalReading } from './schema.ts';

export type * from './schema.ts';
export type { QuerySpec } from './query.ts';

/*
 * The signals the dashboard and the alert rules are made of, each named once: a catalog metric, the
 * statistic it is read with and how the selected streams combine (the way Grafana's jsonnet-libs mixins
 * define signals). Its unit follows from the catalog (signalUnit), its description is the catalog's.
 * Rows, capacity panels and alert rules refer to these names, so a statistic is chosen in one place and
 * an alert does not depend on which panels a dashboard contains. Statistics follow AWS's advice where it
 * gives one (iterator age: Maximum; throttling: Average, the fraction throttled) and the seed dashboard's
 * choices elsewhere.
 */
export const signals = {
  // Writes (PutRecord, PutRecords)
  incomingBytes: { metric: 'IncomingBytes', statistic: 'Sum', across: 'sum' },
  incomingRecords: { metric: 'IncomingRecords', statistic: 'Sum', across: 'sum' },
  writeThrottled: { metric: 'WriteProvisionedThroughputExceeded', statistic: 'Average', across: 'avg' },
  putRecordLatency: { metric: 'PutRecord.Latency', statistic: 'Average', across: 'avg' },
  putRecordsLatency: { metric: 'PutRecords.Latency', statistic: 'Average', across: 'avg' },
  putRecordSuccess: { metric: 'PutRecord.Success', statistic: 'Average', across: 'avg' },
  putRecordsSuccess: { metric: 'PutRecords.Success', statistic: 'Average', across: 'avg' },
  putRecordsSent: { metric: 'PutRecords.TotalRecords', statistic: 'Sum', across: 'sum' },
  putRecordsSuccessful: { metric: 'PutRecords.SuccessfulRecords', statistic: 'Sum', across: 'sum' },
  putRecordsThrottled: { metric: 'PutRecords.ThrottledRecords', statistic: 'Sum', across: 'sum' },
  putRecordsFailed: { metric: 'PutRecords.FailedRecords', statistic: 'Sum', across: 'sum' },

  // Reads (GetRecords). Ages do not add: the stream furthest behind is the one to look at.
  getRecordsBytes: { metric: 'GetRecords.Bytes', statistic: 'Sum', across: 'sum' },
  getRecordsRecords: { metric: 'GetRecords.Records', statistic: 'Sum', across: 'sum' },
  readThrottled: { metric: 'ReadProvisionedThroughputExceeded', statistic: 'Average', across: 'avg' },
  getRecordsLatency: { metric: 'GetRecords.Latency', statistic: 'Average', across: 'avg' },
  getRecordsSuccess: { metric: 'GetRecords.Success', statistic: 'Average', across: 'avg' },
  iteratorAge: { metric: 'GetRecords.IteratorAgeMilliseconds', statistic: 'Average', across: 'max' },
  /** Lag judged by its worst moment, as AWS alarms on it. */
  iteratorAgeMax: { metric: 'GetRecords.IteratorAgeMilliseconds', statistic: 'Maximum', across: 'max' },

  // Enhanced fan-out consumers (SubscribeToShard)
  fanOutBytes: { metric: 'SubscribeToShardEvent.Bytes', statistic: 'Sum', across: 'sum' },
  fanOutRecords: { metric: 'SubscribeToShardEvent.Records', statistic: 'Sum', across: 'sum' },
  /** Lag judged by its worst moment, as iterator age is. */
  fanOutLagMax: { metric: 'SubscribeToShardEvent.MillisBehindLatest', statistic: 'Maximum', across: 'max' },
  subscribeRateExceeded: { metric: 'SubscribeToShard.RateExceeded', statistic: 'Sum', across: 'sum' },

  // Shards (enhanced monitoring)
  shardIncomingBytes: { metric: 'Shard.IncomingBytes', statistic: 'Sum', across: 'sum' },
  shardIteratorAgeMax: { metric: 'Shard.IteratorAgeMilliseconds', statistic: 'Maximum', across: 'max' },
} as const satisfies Record<string, Signal>;

export type SignalName = keyof typeof signals;

/**
 * Throughput as a fraction of the stream's capacity (shards × the per-shard limit): what the capacity row
 * draws and the utilisation alerts judge.
 */
export const utilisation = {
  writeBytes: { ...signals.incomingBytes, utilisationOf: 'writeBytes' },
  writeRecords: { ...signals.incomingRecords, utilisationOf: 'writeRecords' },
  readBytes: { ...signals.getRecordsBytes, utilisationOf: 'readBytes' },
} as const satisfies Record<ShardLimit, SignalReading>;

/** A signal as written, complete: the catalog's default statistic and the streams' mean where it says nothing. */
export function completeReading(s: SignalAsWritten): SignalReading {
  const { ratioTo, ...rest } = s;
  const complete = (x: { metric: string; statistic?: Statistic | undefined; across?: Signal['across'] | undefined }): Signal => ({
    metric: x.metric,
    statistic: x.statistic ?? metric(x.metric).defaultStatistic,
    across: x.across ?? 'avg',
  });
  return { ...rest, ...complete(s), ...(ratioTo ? { ratioTo: complete(ratioTo) } : {}) } as SignalReading;
}

/** How a reading is asked of a backend: its own series (one per stream, shard or consumer), or one total across the selected streams. */
export interface ReadingView {
  window: QuerySpec['window'];
  /** One value across the selected streams (stat panels). */
  total?: boolean;
  legend?: string;
  top?: number;
  rangeSeconds?: number;
}

/** Utilisation compares a per-second rate with a per-second limit. */
const isPerSecond = (r: SignalReading) => !!r.perSecond || r.utilisationOf !== undefined;

/** The query spec of a reading, as panels and alert rules ask for it: the one place a signal becomes a query. */
export function querySpec(r: SignalReading, view: ReadingView): QuerySpec {
  return {
    metric: r.metric,
    statistic: r.statistic,
    groupBy: view.total ? 'total' : metric(r.metric).level,
    across: r.across,
    window: view.window,
    ...(view.legend ? { legend: view.legend } : {}),
    ...(r.ratioTo ? { ratioTo: { metric: r.ratioTo.metric, statistic: r.ratioTo.statistic } } : {}),
    ...(isPerSecond(r) ? { perSecond: true } : {}),
    ...(r.utilisationOf ? { utilisationOf: SHARD_LIMITS[r.utilisationOf] } : {}),
    ...(r.limitOf ? { limitOf: SHARD_LIMITS[r.limitOf] } : {}),
    ...(view.top !== undefined ? { top: view.top } : {}),
    ...(view.rangeSeconds !== undefined ? { rangeSeconds: view.rangeSeconds } : {}),
  };
}

/** A fraction of something (ratios, utilisation): Grafana's "percentunit" shows 0.25 as 25%. */
export const FRACTION_UNIT = 'percentunit';

/** Grafana unit for a catalog metric read with a statistic. */
function statisticUnit(m: MetricEntry, statistic: Statistic): string {
  // Average of a 0/1-per-call metric is a fraction.
  if (m.averageIsFraction && statistic === 'Average') return FRACTION_UNIT;
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
function rateUnit(m: MetricEntry): string {
  switch (m.unit) {
    case 'Bytes':
      return 'binBps'; // IEC bytes/s: the limits are 1 and 2 MiB/s
    case 'Milliseconds':
      throw new Error(`${m.id} is a duration: it has no per-second rate`);
    case 'Count':
      return 'cps';
  }
}

/** The Grafana unit a reading is shown in (and an alert's value is worded in). */
export function signalUnit(r: SignalReading): string {
  const m = metric(r.metric);
  if (r.ratioTo || r.utilisationOf) return FRACTION_UNIT;
  if (isPerSecond(r) || r.limitOf) return rateUnit(m);
  return statisticUnit(m, r.statistic);
}
