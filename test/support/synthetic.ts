import { metric, type Level, type Statistic } from '../../src/catalog/index.ts';
import { getProfile, ProfileError } from '../../src/profiles/index.ts';

/**
 * Synthetic Kinesis metrics, as each exporter profile would store them in Prometheus,
 * with values chosen so that every panel's true answer is known in closed form.
 *
 * Pure and deterministic: the same arguments give the same text and the same truths; no I/O,
 * no clock, no randomness. The e2e proof loads `openmetrics` into a real Prometheus and compares
 * what the dashboard's queries return with `truth`; a benchmark can reuse both.
 *
 * Metric and label names always come from the profile (`seriesNames`, `labels`): this file never
 * spells a Prometheus metric name, so a naming bug in a profile shows up as "no data", not as a
 * test that agrees with the bug. What the profiles do not describe — how an exporter spells label
 * *values*, and which extra labels a scrape adds — is in `exporterQuirks` below.
 */

/** CloudWatch's summary of one metric for one stream over one period (what every statistic derives from). */
export interface PeriodSummary {
  sum: number;
  /** CloudWatch's SampleCount: calls (or records) the period aggregated. */
  count: number;
  min: number;
  max: number;
}

/** An enhanced fan-out consumer (extended data only) or a shard (enhanced monitoring only) of a stream. */
export interface SyntheticPart {
  /** The consumer name or shard id as AWS spells it; with the stream's name, the key for the truth helpers. */
  name: string;
  /** The consumer or shard label's value as this profile stores it (metric streams lowercase it). */
  labelValue: string;
}

/** One synthetic stream, with the labels the profile's exporter writes on its series. */
export interface SyntheticStream {
  /** The stream's name as AWS spells it; the key for every truth helper. */
  name: string;
  region: string;
  account: string;
  /** The stream label's value as this profile stores it (metric streams lowercase it). */
  labelValue: string;
  /** Every label on the stream's series, metric name excluded. */
  labels: Readonly<Record<string, string>>;
  /** Its enhanced fan-out consumers, whose series carry the consumer label (none without `extended`). */
  consumers: readonly SyntheticPart[];
  /**
   * Its open shards, whose series carry the shard label (none without `enhanced`). Shard-level metrics share
   * their Prometheus names with the stream-level ones (IncomingBytes, …), and each stream-level Sum is the
   * sum of its shards' Sums.
   */
  shards: readonly SyntheticPart[];
}

/**
 * Whose series a truth is about: a stream (its AWS name) for stream-level metrics, or one of its
 * consumers / shards (AWS spellings) for consumer- and shard-level metrics.
 */
export type Source = string | { stream: string; part: string };

/**
 * The window the e2e proof uses: four hours of 60 s samples on a fixed date, so runs are identical
 * (Prometheus keeps old blocks: time retention counts from the newest block, not from the clock).
 */
export const FIXED_WINDOW = { start: Date.UTC(2024, 2, 1, 0, 0, 0) / 1000, end: Date.UTC(2024, 2, 1, 4, 0, 0) / 1000, stepSeconds: 60 } as const;

export interface SyntheticOptions {
  /** Unix seconds of the first sample; must be a multiple of stepSeconds. */
  start: number;
  /** Unix seconds of the last sample (inclusive); a multiple of stepSeconds after start. */
  end: number;
  /** Seconds between samples: CloudWatch's 60 s period, as the exporters publish it. */
  stepSeconds?: number;
  /**
   * Also the data the rows beyond the seed read: two more streams, running at 80% of their limits
   * (EXTENDED_STREAM_MODELS); the success-rate and record-outcome metrics; enhanced fan-out consumers.
   * Off (the default): the seed's streams and metrics.
   */
  extended?: boolean;
  /**
   * Enhanced (shard-level) monitoring on: every stream's shards publish their own series, IncomingBytes,
   * IncomingRecords and the two throughput-exceeded metrics under the stream-level names (SHARD_TWINS).
   * Default: the value of `extended` (both off: exactly the seed's data set).
   */
  enhanced?: boolean;
  /**
   * The exporter's Maximum series carry no region and account labels: Logz.io's metric-stream Lambda on its
   * OpenTelemetry 1.0 path (ExporterQuirks.bareMaximum). Off (the default): they carry them, as its older
   * path did. Refused for an exporter that always labels its series.
   */
  bareMaximum?: boolean;
  /**
   * With `enhanced`: every stream has this many shards instead of its model's own (one to four, shaped for the
   * hottest-shards panels): the first takes three shares of the traffic, the others one; throttling falls on it.
   */
  shardsPerStream?: number;
}

/**
 * How Prometheus selects samples, so the truths can mirror the server they are compared with.
 * Prometheus 2.x closes range selectors and the instant-selector lookback at both ends
 * ([t - range, t]); 3.x opens them at the start ((t - range, t]).
 */
export interface SelectorSemantics {
  leftOpen: boolean;
  /** --query.lookback-delta in seconds (Prometheus' default: 300). */
  lookbackSeconds: number;
}
export const PROMETHEUS_2: SelectorSemantics = { leftOpen: false, lookbackSeconds: 300 };

export interface SyntheticTruth {
  /** Every sample time (unix seconds), ascending. */
  readonly times: readonly number[];
  /** The period summary sampled at exactly t (a sample time), or undefined outside the data. */
  summary(metricId: string, source: Source, t: number): PeriodSummary | undefined;
  /** A statistic's value for the period sampled at exactly t: what CloudWatch reports for that period. */
  value(metricId: string, statistic: Statistic, source: Source, t: number): number | undefined;
  /** What an instant selector evaluated at t sees: the latest sample within the lookback, or undefined. */
  latest(metricId: string, statistic: Statistic, source: Source, t: number, semantics?: SelectorSemantics): number | undefined;
  /** Sample times a range selector `[rangeSeconds]` evaluated at t covers. */
  timesInRange(t: number, rangeSeconds: number, semantics?: SelectorSemantics): number[];
  /** Mean of the statistic's per-period values over the range (avg_over_time's meaning); undefined with no sample. */
  meanOverRange(metricId: string, statistic: Statistic, source: Source, t: number, rangeSeconds: number, semantics?: SelectorSemantics): number | undefined;
  /**
   * Σ sum / Σ count over the range and the given streams: the Average CloudWatch itself would give for
   * the whole range and all those streams (every call weighted equally).
   */
  weightedAverage(metricId: string, streams: readonly string[], t: number, rangeSeconds: number, semantics?: SelectorSemantics): number | undefined;
}

export interface SyntheticKinesis {
  profile: string;
  start: number;
  end: number;
  stepSeconds: number;
  /** True when the data holds the rows beyond the seed (SyntheticOptions.extended). */
  extended: boolean;
  /** True when the streams' shards publish series (SyntheticOptions.enhanced). */
  enhanced: boolean;
  /** True when the Maximum series carry no region and account (SyntheticOptions.bareMaximum). */
  bareMaximum: boolean;
  /** Catalog ids of the metrics the data holds: the seed dashboard's ten, EXTENDED_METRICS with `extended`, SHARD_METRICS with `enhanced`. */
  metrics: readonly string[];
  streams: readonly SyntheticStream[];
  /** OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`, ending with `# EOF`. */
  openmetrics: string;
  seriesCount: number;
  sampleCount: number;
  truth: SyntheticTruth;
}

// ---------------------------------------------------------------------------------------------
// The model: what each stream does, per 60 s period. Integers wherever a value is summed, so the
// truths are exact and any difference from Prometheus is the query's, not rounding.

/** What happened on a stream during one period; every metric's summary derives from it. */
interface Activity {
  putRecordCalls: number;
  putRecordsCalls: number;
  /** Records per PutRecords call. */
  recordsPerBatch: number;
  /**
   * Fraction of attempted records rejected by write throttling, in PutRecord and PutRecords calls alike
   * (its products with both calls' attempted records are integers).
   */
  writeThrottledFraction: number;
  /** Records of PutRecords calls that failed inside Kinesis (ErrorCode InternalFailure); 0 when absent. */
  putRecordsFailedRecords?: number;
  /** PutRecords calls none of whose records was written (PutRecords.Success counts the others); 0 when absent. */
  putRecordsFailedCalls?: number;
  bytesPerRecord: number;
  putRecordLatencyMs: number;
  putRecordsLatencyMs: number;
  getRecordsCalls: number;
  /** GetRecords calls rejected by read throttling. */
  readThrottledCalls: number;
  recordsRead: number;
  getRecordsLatencyMs: number;
  iteratorAgeMs: number;
}

/** What one enhanced fan-out consumer received during one period (SubscribeToShard and its events). */
interface ConsumerActivity {
  /** SubscribeToShardEvent events pushed. */
  events: number;
  records: number;
  bytes: number;
  /** How far behind the tip the consumer's events were, on average (Maximum: + 300 ms). */
  millisBehindLatest: number;
  subscribeCalls: number;
  /** SubscribeToShard calls rejected for calling too often (at most one call per 5 s per shard and consumer). */
  rateExceeded: number;
}

interface ConsumerModel {
  name: string;
  /** a: the stream's activity in the same period (a consumer reads what was written). */
  activity(a: Activity, i: number, stepAt: number): ConsumerActivity;
}

/**
 * One open shard: its share of the stream's traffic and how far its readers lag. Every quantity of the
 * stream (records written, write calls, attempted and throttled records, GetRecords calls) is split over
 * its shards in proportion to `weight`, in whole numbers that add up to the stream's (apportion).
 */
interface ShardModel {
  weight: number;
  /** Added to the stream's iteratorAgeMs for this shard's readers. */
  ageOffsetMs(i: number, stepAt: number): number;
}

interface StreamModel {
  name: string;
  region: string;
  account: string;
  /** Why the stream exists in the data set. */
  role: string;
  /** i: sample index from 0; stepAt: the index where stepped streams change (the middle of the data). */
  activity(i: number, stepAt: number): Activity;
  /** Extended data only: its enhanced fan-out consumers. */
  consumers?: readonly ConsumerModel[];
  /** Its open shards; they publish series with enhanced monitoring on (SyntheticOptions.enhanced). */
  shards?: readonly ShardModel[];
}

export const ACCOUNT_A = '111122223333';
export const ACCOUNT_B = '444455556666';

const constantAge = (ms: number) => () => ms;

/** An enhanced fan-out consumer that receives every record written, with the given lag and call counts. */
function readsEverything(name: string, rest: (a: Activity, i: number, stepAt: number) => Omit<ConsumerActivity, 'records' | 'bytes'>): ConsumerModel {
  return {
    name,
    activity: (a, i, stepAt) => {
      const records = written(a);
      return { records, bytes: records * a.bytesPerRecord, ...rest(a, i, stepAt) };
    },
  };
}

/**
 * Four streams in two regions and two accounts; region and account cut the set differently
 * (us-east-1 = orders + Clicks-Stream; account B = Clicks-Stream + audit-log).
 *
 * Their consumers and shards exist only in the extended data. Shards are chosen so that the hottest-shards
 * panels (top 10 of 13 shards, EXTENDED_STREAM_MODELS included) change membership in the middle of the data,
 * with no two shards ever equal: Incoming Bytes — a Clicks-Stream shard enters the 10 hottest as its traffic
 * doubles and the second orders shard leaves; Iterator Age — the first Clicks-Stream shard falls 1 s behind and
 * the last hot-records shard leaves. Shard ages are the stream's plus a distinct offset (−7 ms per shard in data
 * order), which keeps the climbing audit.log shard from ever equalling another.
 */
export const STREAM_MODELS: readonly StreamModel[] = [
  {
    name: 'orders',
    region: 'us-east-1',
    account: ACCOUNT_A,
    role: 'constant rates: 6000 records and 3,072,000 bytes per minute in and out; no write throttling, 2% of GetRecords calls read-throttled (all on its first shard)',
    activity: () => ({
      putRecordCalls: 1200, putRecordsCalls: 48, recordsPerBatch: 100, writeThrottledFraction: 0, bytesPerRecord: 512,
      putRecordLatencyMs: 12, putRecordsLatencyMs: 38,
      getRecordsCalls: 300, readThrottledCalls: 6, recordsRead: 6000, getRecordsLatencyMs: 9, iteratorAgeMs: 800,
    }),
    consumers: [
      readsEverything('analytics', () => ({ events: 300, millisBehindLatest: 200, subscribeCalls: 2, rateExceeded: 0 })),
      // Mixed case: metric streams lowercase consumer names too.
      readsEverything('Archiver', () => ({ events: 120, millisBehindLatest: 1500, subscribeCalls: 2, rateExceeded: 1 })),
    ],
    // 11/16 and 5/16 of the writes: 2,112,000 and 960,000 bytes a minute.
    shards: [
      { weight: 11, ageOffsetMs: constantAge(0) },
      { weight: 5, ageOffsetMs: constantAge(-7) },
    ],
  },
  {
    name: 'Clicks-Stream',
    region: 'us-east-1',
    account: ACCOUNT_B,
    role: 'mixed case (metric streams lowercase it); rates double at the middle of the data; 25% of attempted records write-throttled',
    activity: (i, stepAt) => {
      const k = i < stepAt ? 1 : 2;
      return {
        // 8000 attempted records a minute, then 16000; a quarter throttled, so 6000 then 12000 written.
        putRecordCalls: 800 * k, putRecordsCalls: 72 * k, recordsPerBatch: 100, writeThrottledFraction: 0.25, bytesPerRecord: 256,
        putRecordLatencyMs: 20, putRecordsLatencyMs: 55,
        getRecordsCalls: 600 * k, readThrottledCalls: 0, recordsRead: 6000 * k, getRecordsLatencyMs: 7, iteratorAgeMs: 50,
      };
    },
    // The same consumer name as on orders: grouping by consumer alone would merge the two.
    consumers: [readsEverything('analytics', (_a, i, stepAt) => ({ events: i < stepAt ? 200 : 400, millisBehindLatest: 90, subscribeCalls: 3, rateExceeded: 0 }))],
    // 4/8, 3/8, 1/8 of the writes: 768,000, 576,000, 192,000 bytes a minute, then twice that.
    shards: [
      { weight: 4, ageOffsetMs: (i, stepAt) => (i < stepAt ? -14 : 986) },
      { weight: 3, ageOffsetMs: constantAge(-21) },
      { weight: 1, ageOffsetMs: constantAge(-28) },
    ],
  },
  {
    name: 'audit.log',
    region: 'eu-west-1',
    account: ACCOUNT_A,
    role: 'a dot in the name (regex escaping); its consumer falls behind: iterator age 1000 ms + 1000 ms per minute; 10% of GetRecords calls read-throttled',
    activity: (i) => ({
      putRecordCalls: 60, putRecordsCalls: 12, recordsPerBatch: 95, writeThrottledFraction: 0, bytesPerRecord: 1024,
      putRecordLatencyMs: 30, putRecordsLatencyMs: 90,
      getRecordsCalls: 100, readThrottledCalls: 10, recordsRead: 900, getRecordsLatencyMs: 25, iteratorAgeMs: 1000 + 1000 * i,
    }),
    // Its enhanced fan-out consumer falls behind too: 5 s + 2 s per minute; it re-subscribes too often.
    consumers: [readsEverything('siem', (_a, i) => ({ events: 60, millisBehindLatest: 5000 + 2000 * i, subscribeCalls: 4, rateExceeded: 2 }))],
    shards: [{ weight: 1, ageOffsetMs: constantAge(-35) }],
  },
  {
    name: 'audit-log',
    region: 'eu-west-1',
    account: ACCOUNT_B,
    role: 'a quiet decoy that an unescaped "audit.log" regex would also match',
    activity: () => ({
      putRecordCalls: 30, putRecordsCalls: 3, recordsPerBatch: 10, writeThrottledFraction: 0, bytesPerRecord: 100,
      putRecordLatencyMs: 15, putRecordsLatencyMs: 45,
      getRecordsCalls: 20, readThrottledCalls: 0, recordsRead: 60, getRecordsLatencyMs: 11, iteratorAgeMs: 2000,
    }),
    // The decoy's consumer has the same name as audit.log's.
    consumers: [readsEverything('siem', () => ({ events: 12, millisBehindLatest: 40, subscribeCalls: 1, rateExceeded: 0 }))],
    shards: [{ weight: 1, ageOffsetMs: constantAge(-42) }],
  },
];

/** The extended streams that run at exactly 80% of a limit (see EXTENDED_STREAM_MODELS). */
export const HOT_WRITES = 'hot-writes';
export const HOT_RECORDS = 'hot-records';

/**
 * The stream-level metrics (with a statistic the proofs read) whose shard-level twins, Shard.<metric>, the
 * exporters store under the same series names: in the extended data a stream's own series is the one without
 * the shard label.
 */
export const SHARD_TWINS: ReadonlyArray<readonly [metricId: string, statistic: Statistic]> = [
  ['IncomingBytes', 'Sum'],
  ['IncomingRecords', 'Sum'],
  ['WriteProvisionedThroughputExceeded', 'Average'],
  ['ReadProvisionedThroughputExceeded', 'Average'],
];

/**
 * The extended data's two more streams, each at exactly 80% of a per-stream limit for its number of shards
 * (1 MiB/s and 1000 records/s written, 2 MiB/s read, per shard; 60 s periods):
 * - hot-writes, 4 shards: 201,326,592 bytes written a minute = 0.8 × 4 × 1 MiB/s × 60 s, and read twice over
 *   (402,653,184 bytes a minute = 0.8 × 4 × 2 MiB/s × 60 s); 49,152 records a minute (20.48% of 4000/s).
 *   Its hottest shard takes 7/16 of the writes: 1,468,006.4 bytes/s, past the 1 MiB/s per-shard limit.
 * - hot-records, 2 shards: 96,000 records written a minute = 0.8 × 2 × 1000/s × 60 s, of 102,400 attempted:
 *   1600 throttled (1/64), 4800 failed inside Kinesis.
 */
export const EXTENDED_STREAM_MODELS: readonly StreamModel[] = [
  {
    name: HOT_WRITES,
    region: 'us-east-1',
    account: ACCOUNT_A,
    role: '4 shards at exactly 80% of the write byte limit and of the read limit; no consumer of its own',
    activity: () => ({
      // 1152 + 96 × 500 = 49,152 records × 4096 bytes = 201,326,592 bytes.
      putRecordCalls: 1152, putRecordsCalls: 96, recordsPerBatch: 500, writeThrottledFraction: 0, bytesPerRecord: 4096,
      putRecordLatencyMs: 18, putRecordsLatencyMs: 140,
      getRecordsCalls: 1200, readThrottledCalls: 0, recordsRead: 98_304, getRecordsLatencyMs: 14, iteratorAgeMs: 5000,
    }),
    shards: [
      { weight: 7, ageOffsetMs: constantAge(-49) },
      { weight: 4, ageOffsetMs: constantAge(-56) },
      { weight: 3, ageOffsetMs: constantAge(-63) },
      { weight: 2, ageOffsetMs: constantAge(-70) },
    ],
  },
  {
    name: HOT_RECORDS,
    region: 'eu-west-1',
    account: ACCOUNT_B,
    role: '2 shards at exactly 80% of the write record limit; PutRecords records throttled and failed; 10% of GetRecords calls read-throttled',
    activity: () => ({
      // 6400 + 192 × 500 = 102,400 attempted; 100 + 1500 throttled; 4800 failed: 96,000 written.
      putRecordCalls: 6400, putRecordsCalls: 192, recordsPerBatch: 500, writeThrottledFraction: 1 / 64,
      putRecordsFailedRecords: 4800, putRecordsFailedCalls: 8, bytesPerRecord: 100,
      putRecordLatencyMs: 10, putRecordsLatencyMs: 60,
      getRecordsCalls: 480, readThrottledCalls: 48, recordsRead: 96_000, getRecordsLatencyMs: 8, iteratorAgeMs: 300,
    }),
    consumers: [readsEverything('replicator', () => ({ events: 240, millisBehindLatest: 700, subscribeCalls: 2, rateExceeded: 1 }))],
    shards: [
      { weight: 5, ageOffsetMs: constantAge(-77) },
      { weight: 3, ageOffsetMs: constantAge(-84) },
    ],
  },
];

/** A latency-like summary: `calls` observations averaging `meanMs` (min and max only need to be plausible). */
function timing(meanMs: number, calls: number): PeriodSummary {
  return { sum: meanMs * calls, count: calls, min: Math.floor(meanMs / 2), max: meanMs * 4 };
}

/** A 0/1-per-item metric: `hits` of `items` were 1, so its Average is the fraction hits / items. */
function fraction(hits: number, items: number): PeriodSummary {
  return { sum: hits, count: items, min: 0, max: hits > 0 ? 1 : 0 };
}

/** Every metric the seed dashboard reads, derived from one period's activity. */
const SUMMARIES: Readonly<Record<string, (a: Activity) => PeriodSummary>> = {
  IncomingRecords: (a) => ({ sum: written(a), count: a.putRecordCalls + a.putRecordsCalls, min: 1, max: a.recordsPerBatch }),
  IncomingBytes: (a) => ({
    sum: written(a) * a.bytesPerRecord,
    count: a.putRecordCalls + a.putRecordsCalls,
    min: a.bytesPerRecord,
    max: a.recordsPerBatch * a.bytesPerRecord,
  }),
  'PutRecord.Latency': (a) => timing(a.putRecordLatencyMs, a.putRecordCalls),
  'PutRecords.Latency': (a) => timing(a.putRecordsLatencyMs, a.putRecordsCalls),
  'GetRecords.Records': (a) => ({ sum: a.recordsRead, count: a.getRecordsCalls, min: 0, max: Math.ceil((2 * a.recordsRead) / a.getRecordsCalls) }),
  'GetRecords.Bytes': (a) => ({
    sum: a.recordsRead * a.bytesPerRecord,
    count: a.getRecordsCalls,
    min: 0,
    max: Math.ceil((2 * a.recordsRead) / a.getRecordsCalls) * a.bytesPerRecord,
  }),
  'GetRecords.Latency': (a) => timing(a.getRecordsLatencyMs, a.getRecordsCalls),
  'GetRecords.IteratorAgeMilliseconds': (a) => ({
    sum: a.iteratorAgeMs * a.getRecordsCalls,
    count: a.getRecordsCalls,
    min: Math.max(0, a.iteratorAgeMs - 500),
    max: a.iteratorAgeMs + 500,
  }),
  WriteProvisionedThroughputExceeded: (a) => fraction(throttled(a), attempted(a)),
  ReadProvisionedThroughputExceeded: (a) => fraction(a.readThrottledCalls, a.getRecordsCalls),
};

/** Extended data: the stream-level metrics of the success-rate and record-outcome rows. */
const ROW_SUMMARIES: Readonly<Record<string, (a: Activity) => PeriodSummary>> = {
  // A PutRecord call fails when its record is throttled; a GetRecords call when it is throttled.
  'PutRecord.Success': (a) => fraction(a.putRecordCalls - throttledSplit(a).putRecord, a.putRecordCalls),
  'PutRecords.Success': (a) => fraction(a.putRecordsCalls - (a.putRecordsFailedCalls ?? 0), a.putRecordsCalls),
  'GetRecords.Success': (a) => fraction(a.getRecordsCalls - a.readThrottledCalls, a.getRecordsCalls),
  'PutRecords.TotalRecords': (a) => ({ sum: a.putRecordsCalls * a.recordsPerBatch, count: a.putRecordsCalls, min: a.recordsPerBatch, max: a.recordsPerBatch }),
  'PutRecords.SuccessfulRecords': (a) => perBatch(a, a.putRecordsCalls * a.recordsPerBatch - throttledSplit(a).putRecords - (a.putRecordsFailedRecords ?? 0)),
  'PutRecords.ThrottledRecords': (a) => perBatch(a, throttledSplit(a).putRecords),
  'PutRecords.FailedRecords': (a) => perBatch(a, a.putRecordsFailedRecords ?? 0),
};

/** A count of PutRecords records: `records` over the period's PutRecords calls. */
function perBatch(a: Activity, records: number): PeriodSummary {
  return { sum: records, count: a.putRecordsCalls, min: 0, max: Math.min(records, a.recordsPerBatch) };
}

/** Extended data: enhanced fan-out consumer metrics, from one consumer's period. */
const CONSUMER_SUMMARIES: Readonly<Record<string, (c: ConsumerActivity) => PeriodSummary>> = {
  'SubscribeToShardEvent.Bytes': (c) => ({ sum: c.bytes, count: c.events, min: 0, max: Math.ceil((2 * c.bytes) / c.events) }),
  'SubscribeToShardEvent.Records': (c) => ({ sum: c.records, count: c.events, min: 0, max: Math.ceil((2 * c.records) / c.events) }),
  'SubscribeToShardEvent.MillisBehindLatest': (c) => ({
    sum: c.millisBehindLatest * c.events,
    count: c.events,
    min: Math.max(0, c.millisBehindLatest - 300),
    max: c.millisBehindLatest + 300,
  }),
  'SubscribeToShard.RateExceeded': (c) => fraction(c.rateExceeded, c.subscribeCalls),
};

/** One shard's share of a stream's period (ShardModel). */
interface ShardActivity {
  writeCalls: number;
  written: number;
  attempted: number;
  throttled: number;
  getRecordsCalls: number;
  readThrottledCalls: number;
  bytesPerRecord: number;
  recordsPerBatch: number;
  iteratorAgeMs: number;
}

/** Extended data: shard-level metrics (enhanced monitoring), under the same Prometheus names as the stream's. */
const SHARD_SUMMARIES: Readonly<Record<string, (s: ShardActivity) => PeriodSummary>> = {
  'Shard.IncomingRecords': (s) => ({ sum: s.written, count: s.writeCalls, min: 1, max: s.recordsPerBatch }),
  'Shard.IncomingBytes': (s) => ({ sum: s.written * s.bytesPerRecord, count: s.writeCalls, min: s.bytesPerRecord, max: s.recordsPerBatch * s.bytesPerRecord }),
  'Shard.WriteProvisionedThroughputExceeded': (s) => fraction(s.throttled, s.attempted),
  'Shard.ReadProvisionedThroughputExceeded': (s) => fraction(s.readThrottledCalls, s.getRecordsCalls),
  'Shard.IteratorAgeMilliseconds': (s) => ({
    sum: s.iteratorAgeMs * s.getRecordsCalls,
    count: s.getRecordsCalls,
    min: Math.max(0, s.iteratorAgeMs - 500),
    max: s.iteratorAgeMs + 500,
  }),
};

/**
 * Splits a whole number over weights in whole numbers that add up to it: each part rounded down, what is
 * left given one by one to the first parts. Exact (no remainder) when the weights divide the total.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const all = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((total * w) / all));
  let rest = total - parts.reduce((a, b) => a + b, 0);
  for (let k = 0; rest > 0; k++, rest--) parts[k % parts.length]!++;
  return parts;
}

/** Splits a whole number over shards in order, each taking at most its cap (the first shard fills first). */
function firstShards(total: number, caps: readonly number[]): number[] {
  let rest = total;
  const parts = caps.map((cap) => {
    const n = Math.min(cap, rest);
    rest -= n;
    return n;
  });
  if (rest > 0) throw new Error(`model error: ${total} does not fit in shards of ${caps.join(', ')}`);
  return parts;
}

function shardActivities(model: StreamModel, a: Activity, i: number, stepAt: number): ShardActivity[] {
  const shards = model.shards ?? [];
  const weights = shards.map((s) => s.weight);
  const split = (n: number) => apportion(n, weights);
  const writeCalls = split(a.putRecordCalls + a.putRecordsCalls);
  const records = split(written(a));
  const tried = split(attempted(a));
  // Throttling falls on the hot shard first: shards' throttled fractions differ from the stream's, so an
  // average that took shard series in would be off even where sums are not counted twice.
  const rejected = firstShards(throttled(a), tried);
  const gets = split(a.getRecordsCalls);
  const readRejected = firstShards(a.readThrottledCalls, gets);
  return shards.map((s, k) => ({
    writeCalls: writeCalls[k]!,
    written: records[k]!,
    attempted: tried[k]!,
    throttled: rejected[k]!,
    getRecordsCalls: gets[k]!,
    readThrottledCalls: readRejected[k]!,
    bytesPerRecord: a.bytesPerRecord,
    recordsPerBatch: a.recordsPerBatch,
    iteratorAgeMs: a.iteratorAgeMs + s.ageOffsetMs(i, stepAt),
  }));
}

function attempted(a: Activity): number {
  return a.putRecordCalls + a.putRecordsCalls * a.recordsPerBatch;
}
function throttled(a: Activity): number {
  const n = attempted(a) * a.writeThrottledFraction;
  if (!Number.isInteger(n)) throw new Error(`model error: ${attempted(a)} × ${a.writeThrottledFraction} throttled records is not a whole number`);
  return n;
}
/** Throttled records of PutRecord calls and of PutRecords calls (they add up to throttled(a)). */
function throttledSplit(a: Activity): { putRecord: number; putRecords: number } {
  const putRecord = a.putRecordCalls * a.writeThrottledFraction;
  const putRecords = a.putRecordsCalls * a.recordsPerBatch * a.writeThrottledFraction;
  if (!Number.isInteger(putRecord) || !Number.isInteger(putRecords)) {
    throw new Error(`model error: ${a.writeThrottledFraction} of the PutRecord (${a.putRecordCalls}) or PutRecords records is not a whole number`);
  }
  return { putRecord, putRecords };
}
/** Records written: attempted, less throttled, less failed (IncomingRecords counts successful writes only). */
function written(a: Activity): number {
  return attempted(a) - throttled(a) - (a.putRecordsFailedRecords ?? 0);
}

/** The seed dashboard's metrics, in catalog ids. */
export const SYNTHETIC_METRICS: readonly string[] = Object.keys(SUMMARIES);

/** What the extended data adds, in catalog ids: stream- and consumer-level metrics of the rows beyond the seed. */
export const EXTENDED_METRICS: readonly string[] = [...Object.keys(ROW_SUMMARIES), ...Object.keys(CONSUMER_SUMMARIES)];

/** What enhanced monitoring adds, in catalog ids: the shard-level metrics. */
export const SHARD_METRICS: readonly string[] = Object.keys(SHARD_SUMMARIES);

/** A statistic's value from a period summary, as CloudWatch defines it. */
export function statisticValue(s: PeriodSummary, statistic: Statistic): number {
  switch (statistic) {
    case 'Sum':
      return s.sum;
    case 'SampleCount':
      return s.count;
    case 'Minimum':
      return s.min;
    case 'Maximum':
      return s.max;
    case 'Average':
      return s.sum / s.count;
  }
}

// ---------------------------------------------------------------------------------------------
// Exporter quirks the profiles do not describe: label values and scrape labels (synthetic-alerts.ts uses them too).

export interface ExporterQuirks {
  /** How the exporter writes a stream name into the stream label. */
  streamLabelValue(name: string): string;
  /** How it writes a consumer name or shard id into the consumer or shard label. */
  partLabelValue(name: string): string;
  /**
   * Labels the exporter or the scrape adds besides stream / region / account / consumer / shard (queries must
   * aggregate them away); `consumer` is set on a consumer's series.
   */
  extraLabels(s: { name: string; region: string; account: string }, consumer?: string): Record<string, string>;
  /** The exporter may publish Maximum series without the region and account labels (SyntheticOptions.bareMaximum). */
  bareMaximum?: boolean;
}

const exporterQuirks: Readonly<Record<string, ExporterQuirks>> = {
  // prometheus/cloudwatch_exporter: one exporter per region, so no region label; stream names as AWS spells them.
  // Every series carries job="aws_kinesis" and instance="" (an empty label is no label to Prometheus);
  // shard series come from a second rule for the same metric, with [StreamName, ShardId].
  'cloudwatch-exporter': {
    streamLabelValue: (name) => name,
    partLabelValue: (name) => name,
    extraLabels: () => ({ job: 'aws_kinesis' }),
  },
  // YACE's discovery jobs add the resource ARN as `name` (the stream's on its shard series, a consumer's own
  // ARN on its series), and export every dimension combination: stream and shard series share a name.
  yace: {
    streamLabelValue: (name) => name,
    partLabelValue: (name) => name,
    extraLabels: (s, consumer) => ({
      job: 'yace',
      instance: 'yace:5000',
      name: `arn:aws:kinesis:${s.region}:${s.account}:stream/${s.name}${consumer ? `/consumer/${consumer}:1709251200` : ''}`,
    }),
  },
  // Logz.io metric streams lowercase dimension values; the metric-stream Lambda's OpenTelemetry 1.0 path puts
  // region and account on _sum, _count and _min only (logzio/metric-stream-lambda, handler/handler.go).
  'logzio-metric-streams': {
    streamLabelValue: (name) => name.toLowerCase(),
    partLabelValue: (name) => name.toLowerCase(),
    extraLabels: () => ({ job: 'metric-streams' }),
    bareMaximum: true,
  },
};

export function exporterQuirksOf(profileName: string): ExporterQuirks {
  const found = exporterQuirks[profileName];
  if (!found) throw new Error(`no exporter quirks for profile "${profileName}": add it to exporterQuirks in test/support/synthetic.ts`);
  return found;
}

// ---------------------------------------------------------------------------------------------

/** How one Prometheus series is read off a period summary. */
export type Component = 'sum' | 'count' | 'min' | 'max' | 'average';

const componentOf: Record<Statistic, Component> = {
  Sum: 'sum',
  SampleCount: 'count',
  Minimum: 'min',
  Maximum: 'max',
  Average: 'average',
};

export function componentValue(s: PeriodSummary, c: Component): number {
  return c === 'average' ? s.sum / s.count : s[c];
}

/** One Prometheus metric name: the component it holds, and the catalog metrics whose series it holds. */
export interface Family {
  name: string;
  component: Component;
  /** One metric, or a stream-level metric and its shard-level twin (exporters name both alike). */
  metricIds: string[];
}

/**
 * The series the profile stores for each metric: every statistic the catalog lists for it that the
 * profile can express (metric streams: _sum, _count, _min, _max; the others: one series per statistic).
 * A name may hold a stream-level and a shard-level metric (told apart by the shard label), nothing else.
 */
export function seriesPlan(profileName: string, metricIds: readonly string[]): Family[] {
  const profile = getProfile(profileName);
  const plan = new Map<string, Family>();
  const add = (name: string, metricId: string, component: Component) => {
    const seen = plan.get(name);
    if (!seen) {
      plan.set(name, { name, component, metricIds: [metricId] });
      return;
    }
    if (seen.metricIds.includes(metricId) && seen.component === component) return;
    const levels = new Set([...seen.metricIds, metricId].map((id) => metric(id).level));
    const twins = seen.metricIds.length === 1 && levels.size === 2 && levels.has('stream') && levels.has('shard');
    if (!twins || seen.component !== component) {
      throw new Error(`profile ${profileName}: series ${name} would hold both ${seen.metricIds.join(' and ')} ${seen.component} and ${metricId} ${component}`);
    }
    seen.metricIds.push(metricId);
  };
  for (const metricId of metricIds) {
    for (const statistic of metric(metricId).statistics) {
      let names: string[];
      try {
        names = profile.seriesNames(metricId, statistic);
      } catch (e) {
        if (e instanceof ProfileError) continue; // the profile cannot express it: nothing to store
        throw e;
      }
      const [first, second] = names;
      if (names.length === 1 && first) add(first, metricId, componentOf[statistic]);
      else if (names.length === 2 && first && second && statistic === 'Average') {
        // A ratio of summaries: numerator and denominator.
        add(first, metricId, 'sum');
        add(second, metricId, 'count');
      } else throw new Error(`profile ${profileName}: unexpected series for ${metricId} ${statistic}: ${names.join(', ')}`);
    }
  }
  return [...plan.values()];
}

/** OpenMetrics label value escaping: backslash, double quote, newline. */
function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The labels of a series as OpenMetrics writes them between the braces: sorted by name, values escaped. */
export function labelText(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabelValue(labels[k]!)}"`)
    .join(',');
}

const summariesByLevel = {
  stream: { ...SUMMARIES, ...ROW_SUMMARIES },
  consumer: CONSUMER_SUMMARIES,
  shard: SHARD_SUMMARIES,
} as const;

export function syntheticKinesis(profileName: string, options: SyntheticOptions): SyntheticKinesis {
  const step = options.stepSeconds ?? 60;
  const { start, end } = options;
  const extended = options.extended ?? false;
  const enhanced = options.enhanced ?? extended;
  const bareMaximum = options.bareMaximum ?? false;
  if (!Number.isInteger(step) || step <= 0) throw new Error(`stepSeconds must be a positive integer, got ${step}`);
  if (start % step !== 0 || (end - start) % step !== 0 || end <= start) {
    throw new Error(`start and end must be multiples of ${step} s with end > start (got ${start}, ${end})`);
  }
  const quirks = exporterQuirksOf(profileName);
  if (bareMaximum && !quirks.bareMaximum) throw new Error(`profile ${profileName}: its exporter always labels Maximum series with region and account`);
  const profile = getProfile(profileName);
  const { labels: names } = profile;
  const metricIds = [...SYNTHETIC_METRICS, ...(extended ? EXTENDED_METRICS : []), ...(enhanced ? SHARD_METRICS : [])];
  const perStream = options.shardsPerStream;
  if (perStream !== undefined && (!Number.isInteger(perStream) || perStream < 1)) throw new Error(`shardsPerStream must be a whole number above 0, got ${perStream}`);
  // A hot first shard (three times the others' share) so shards' fractions differ from the stream's even on
  // average; distinct age offsets keep the shards apart.
  const withShards = (m: StreamModel): StreamModel =>
    perStream === undefined ? m : { ...m, shards: Array.from({ length: perStream }, (_, k) => ({ weight: k === 0 ? 3 : 1, ageOffsetMs: constantAge(-7 * (k + 1)) })) };
  const streamModels = (extended ? [...STREAM_MODELS, ...EXTENDED_STREAM_MODELS] : STREAM_MODELS).map(withShards);

  const last = (end - start) / step;
  const stepAt = Math.floor(last / 2);
  const times = Array.from({ length: last + 1 }, (_, i) => start + i * step);

  const part = (name: string): SyntheticPart => ({ name, labelValue: quirks.partLabelValue(name) });
  const shardId = (k: number) => `shardId-${String(k).padStart(12, '0')}`;
  const streams: SyntheticStream[] = streamModels.map((m) => {
    const labelValue = quirks.streamLabelValue(m.name);
    const labels: Record<string, string> = { ...quirks.extraLabels(m), [names.stream]: labelValue };
    if (names.region) labels[names.region] = m.region;
    if (names.account) labels[names.account] = m.account;
    const consumers = extended ? (m.consumers ?? []).map((c) => part(c.name)) : [];
    const shards = enhanced ? (m.shards ?? []).map((_, k) => part(shardId(k))) : [];
    for (const parts of [consumers, shards]) {
      if (new Set(parts.map((p) => p.labelValue)).size !== parts.length) throw new Error(`profile ${profileName}: two consumers or shards of ${m.name} share a label value`);
    }
    return { name: m.name, region: m.region, account: m.account, labelValue, labels, consumers, shards };
  });
  const values = new Set(streams.map((s) => s.labelValue));
  if (values.size !== streams.length) throw new Error(`profile ${profileName}: two streams share the stream label value`);

  const models = new Map(streamModels.map((m) => [m.name, m]));
  const held = new Set(metricIds);

  function summary(metricId: string, source: Source, t: number): PeriodSummary | undefined {
    const streamName = typeof source === 'string' ? source : source.stream;
    const model = models.get(streamName);
    if (!model) throw new Error(`unknown synthetic stream "${streamName}"`);
    if (!held.has(metricId)) throw new Error(`metric "${metricId}" is not in the synthetic data (it has ${metricIds.join(', ')})`);
    const level: Level = metric(metricId).level;
    if ((level === 'stream') !== (typeof source === 'string')) {
      throw new Error(`${metricId} is published per ${level}: name ${level === 'stream' ? 'the stream alone' : `a ${level} of the stream`}, not ${JSON.stringify(source)}`);
    }
    if (t < start || t > end || (t - start) % step !== 0) return undefined;
    const i = (t - start) / step;
    const a = model.activity(i, stepAt);
    let s: PeriodSummary;
    if (typeof source === 'string') s = summariesByLevel.stream[metricId]!(a);
    else if (level === 'consumer') {
      const c = model.consumers?.find((x) => x.name === source.part);
      if (!c) throw new Error(`stream ${streamName} has no consumer "${source.part}"`);
      s = summariesByLevel.consumer[metricId]!(c.activity(a, i, stepAt));
    } else {
      const k = streams.find((x) => x.name === streamName)!.shards.findIndex((x) => x.name === source.part);
      if (k < 0) throw new Error(`stream ${streamName} has no shard "${source.part}"`);
      s = summariesByLevel.shard[metricId]!(shardActivities(model, a, i, stepAt)[k]!);
    }
    // CloudWatch publishes no data point for a period without calls.
    return s.count > 0 ? s : undefined;
  }

  /** Every series a metric has: the stream's own, or one per consumer or shard, with its labels. */
  function seriesOf(metricId: string, stream: SyntheticStream): Array<{ source: Source; labels: Record<string, string> }> {
    const level = metric(metricId).level;
    if (level === 'stream') return [{ source: stream.name, labels: { ...stream.labels } }];
    const model = models.get(stream.name)!;
    if (level === 'consumer') {
      return stream.consumers.map((c) => ({
        source: { stream: stream.name, part: c.name },
        labels: { ...stream.labels, ...quirks.extraLabels(model, c.name), [names.consumer]: c.labelValue },
      }));
    }
    return stream.shards.map((x) => ({ source: { stream: stream.name, part: x.name }, labels: { ...stream.labels, [names.shard]: x.labelValue } }));
  }

  // The text: one family per series name, each series' samples contiguous and in time order.
  const lines: string[] = [];
  let seriesCount = 0;
  let sampleCount = 0;
  for (const { name, component, metricIds: sources } of seriesPlan(profileName, metricIds)) {
    lines.push(`# TYPE ${name} gauge`);
    const seen = new Set<string>();
    for (const metricId of sources) {
      for (const stream of streams) {
        for (const series of seriesOf(metricId, stream)) {
          if (bareMaximum && component === 'max') for (const l of [names.region, names.account]) if (l) delete series.labels[l];
          const text = labelText(series.labels);
          if (seen.has(text)) throw new Error(`profile ${profileName}: two series ${name}{${text}}`);
          seen.add(text);
          let any = false;
          for (const t of times) {
            const s = summary(metricId, series.source, t);
            if (!s) continue;
            lines.push(`${name}{${text}} ${componentValue(s, component)} ${t}`);
            sampleCount++;
            any = true;
          }
          if (any) seriesCount++;
        }
      }
    }
  }
  lines.push('# EOF');

  function timesInRange(t: number, rangeSeconds: number, sem: SelectorSemantics = PROMETHEUS_2): number[] {
    const from = t - rangeSeconds;
    return times.filter((x) => x <= t && (sem.leftOpen ? x > from : x >= from));
  }

  const truth: SyntheticTruth = {
    times,
    summary,
    value(metricId, statistic, source, t) {
      const s = summary(metricId, source, t);
      return s && statisticValue(s, statistic);
    },
    latest(metricId, statistic, source, t, sem = PROMETHEUS_2) {
      const inLookback = timesInRange(t, sem.lookbackSeconds, sem);
      for (let k = inLookback.length - 1; k >= 0; k--) {
        const v = truth.value(metricId, statistic, source, inLookback[k]!);
        if (v !== undefined) return v;
      }
      return undefined;
    },
    timesInRange,
    meanOverRange(metricId, statistic, source, t, rangeSeconds, sem = PROMETHEUS_2) {
      const vs = timesInRange(t, rangeSeconds, sem)
        .map((x) => truth.value(metricId, statistic, source, x))
        .filter((v): v is number => v !== undefined);
      return vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : undefined;
    },
    weightedAverage(metricId, streamNames, t, rangeSeconds, sem = PROMETHEUS_2) {
      let sum = 0;
      let count = 0;
      for (const x of timesInRange(t, rangeSeconds, sem)) {
        for (const name of streamNames) {
          const s = summary(metricId, name, x);
          if (s) {
            sum += s.sum;
            count += s.count;
          }
        }
      }
      return count > 0 ? sum / count : undefined;
    },
  };

  return {
    profile: profileName,
    start,
    end,
    stepSeconds: step,
    extended,
    enhanced,
    bareMaximum,
    metrics: metricIds,
    streams,
    openmetrics: lines.join('\n') + '\n',
    seriesCount,
    sampleCount,
    truth,
  };
}
