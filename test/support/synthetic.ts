import { metric, type Statistic } from '../../src/catalog/index.ts';
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
}

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
  summary(metricId: string, stream: string, t: number): PeriodSummary | undefined;
  /** A statistic's value for the period sampled at exactly t: what CloudWatch reports for that period. */
  value(metricId: string, statistic: Statistic, stream: string, t: number): number | undefined;
  /** What an instant selector evaluated at t sees: the latest sample within the lookback, or undefined. */
  latest(metricId: string, statistic: Statistic, stream: string, t: number, semantics?: SelectorSemantics): number | undefined;
  /** Sample times a range selector `[rangeSeconds]` evaluated at t covers. */
  timesInRange(t: number, rangeSeconds: number, semantics?: SelectorSemantics): number[];
  /** Mean of the statistic's per-period values over the range (avg_over_time's meaning); undefined with no sample. */
  meanOverRange(metricId: string, statistic: Statistic, stream: string, t: number, rangeSeconds: number, semantics?: SelectorSemantics): number | undefined;
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
  /** Catalog ids of the metrics the data holds (the seed dashboard's ten). */
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
  /** Fraction of attempted records rejected by write throttling (the product with attempts is an integer). */
  writeThrottledFraction: number;
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

interface StreamModel {
  name: string;
  region: string;
  account: string;
  /** Why the stream exists in the data set. */
  role: string;
  /** i: sample index from 0; stepAt: the index where stepped streams change (the middle of the data). */
  activity(i: number, stepAt: number): Activity;
}

export const ACCOUNT_A = '111122223333';
export const ACCOUNT_B = '444455556666';

/**
 * Four streams in two regions and two accounts; region and account cut the set differently
 * (us-east-1 = orders + Clicks-Stream; account B = Clicks-Stream + audit-log).
 */
export const STREAM_MODELS: readonly StreamModel[] = [
  {
    name: 'orders',
    region: 'us-east-1',
    account: ACCOUNT_A,
    role: 'constant rates, no throttling: 6000 records and 3,072,000 bytes per minute in and out',
    activity: () => ({
      putRecordCalls: 1200, putRecordsCalls: 48, recordsPerBatch: 100, writeThrottledFraction: 0, bytesPerRecord: 512,
      putRecordLatencyMs: 12, putRecordsLatencyMs: 38,
      getRecordsCalls: 300, readThrottledCalls: 0, recordsRead: 6000, getRecordsLatencyMs: 9, iteratorAgeMs: 800,
    }),
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
  IncomingRecords: (a) => {
    const written = attempted(a) - throttled(a);
    return { sum: written, count: a.putRecordCalls + a.putRecordsCalls, min: 1, max: a.recordsPerBatch };
  },
  IncomingBytes: (a) => {
    const written = attempted(a) - throttled(a);
    return { sum: written * a.bytesPerRecord, count: a.putRecordCalls + a.putRecordsCalls, min: a.bytesPerRecord, max: a.recordsPerBatch * a.bytesPerRecord };
  },
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

function attempted(a: Activity): number {
  return a.putRecordCalls + a.putRecordsCalls * a.recordsPerBatch;
}
function throttled(a: Activity): number {
  const n = attempted(a) * a.writeThrottledFraction;
  if (!Number.isInteger(n)) throw new Error(`model error: ${attempted(a)} × ${a.writeThrottledFraction} throttled records is not a whole number`);
  return n;
}

/** The seed dashboard's metrics, in catalog ids. */
export const SYNTHETIC_METRICS: readonly string[] = Object.keys(SUMMARIES);

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
// Exporter quirks the profiles do not describe: label values and scrape labels.

interface ExporterQuirks {
  /** How the exporter writes a stream name into the stream label. */
  streamLabelValue(name: string): string;
  /** Labels the exporter or the scrape adds besides stream / region / account (queries must aggregate them away). */
  extraLabels(s: StreamModel): Record<string, string>;
}

const exporterQuirks: Readonly<Record<string, ExporterQuirks>> = {
  // prometheus/cloudwatch_exporter: one exporter per region, so no region label; stream names as AWS spells them.
  'cloudwatch-exporter': {
    streamLabelValue: (name) => name,
    extraLabels: () => ({ job: 'cloudwatch', instance: 'cloudwatch-exporter:9106' }),
  },
  // YACE adds the resource ARN as `name`.
  yace: {
    streamLabelValue: (name) => name,
    extraLabels: (s) => ({ job: 'yace', instance: 'yace:5000', name: `arn:aws:kinesis:${s.region}:${s.account}:stream/${s.name}` }),
  },
  // Logz.io metric streams lowercase dimension values.
  'logzio-metric-streams': {
    streamLabelValue: (name) => name.toLowerCase(),
    extraLabels: () => ({ job: 'metric-streams' }),
  },
};

// ---------------------------------------------------------------------------------------------

/** How one Prometheus series is read off a period summary. */
type Component = 'sum' | 'count' | 'min' | 'max' | 'average';

const componentOf: Record<Statistic, Component> = {
  Sum: 'sum',
  SampleCount: 'count',
  Minimum: 'min',
  Maximum: 'max',
  Average: 'average',
};

function componentValue(s: PeriodSummary, c: Component): number {
  return c === 'average' ? s.sum / s.count : s[c];
}

/**
 * The series the profile stores for each metric: every statistic the catalog lists for it that the
 * profile can express (metric streams: _sum, _count, _min, _max; the others: one series per statistic).
 */
function seriesPlan(profileName: string): Array<{ name: string; metricId: string; component: Component }> {
  const profile = getProfile(profileName);
  const plan = new Map<string, { name: string; metricId: string; component: Component }>();
  const add = (name: string, metricId: string, component: Component) => {
    const seen = plan.get(name);
    if (seen && (seen.metricId !== metricId || seen.component !== component)) {
      throw new Error(`profile ${profileName}: series ${name} would hold both ${seen.metricId} ${seen.component} and ${metricId} ${component}`);
    }
    plan.set(name, { name, metricId, component });
  };
  for (const metricId of SYNTHETIC_METRICS) {
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

export function syntheticKinesis(profileName: string, options: SyntheticOptions): SyntheticKinesis {
  const step = options.stepSeconds ?? 60;
  const { start, end } = options;
  if (!Number.isInteger(step) || step <= 0) throw new Error(`stepSeconds must be a positive integer, got ${step}`);
  if (start % step !== 0 || (end - start) % step !== 0 || end <= start) {
    throw new Error(`start and end must be multiples of ${step} s with end > start (got ${start}, ${end})`);
  }
  const quirks = exporterQuirks[profileName];
  if (!quirks) throw new Error(`no exporter quirks for profile "${profileName}": add it to exporterQuirks in test/support/synthetic.ts`);
  const profile = getProfile(profileName);
  const { labels: names } = profile;

  const last = (end - start) / step;
  const stepAt = Math.floor(last / 2);
  const times = Array.from({ length: last + 1 }, (_, i) => start + i * step);

  const streams: SyntheticStream[] = STREAM_MODELS.map((m) => {
    const labelValue = quirks.streamLabelValue(m.name);
    const labels: Record<string, string> = { ...quirks.extraLabels(m), [names.stream]: labelValue };
    if (names.region) labels[names.region] = m.region;
    if (names.account) labels[names.account] = m.account;
    return { name: m.name, region: m.region, account: m.account, labelValue, labels };
  });
  const values = new Set(streams.map((s) => s.labelValue));
  if (values.size !== streams.length) throw new Error(`profile ${profileName}: two streams share the stream label value`);

  const models = new Map(STREAM_MODELS.map((m) => [m.name, m]));

  function summary(metricId: string, stream: string, t: number): PeriodSummary | undefined {
    const model = models.get(stream);
    if (!model) throw new Error(`unknown synthetic stream "${stream}"`);
    const derive = SUMMARIES[metricId];
    if (!derive) throw new Error(`metric "${metricId}" is not in the synthetic data (it has ${SYNTHETIC_METRICS.join(', ')})`);
    if (t < start || t > end || (t - start) % step !== 0) return undefined;
    const s = derive(model.activity((t - start) / step, stepAt));
    // CloudWatch publishes no data point for a period without calls.
    return s.count > 0 ? s : undefined;
  }

  // The text: one family per series name, each stream's samples contiguous and in time order.
  const lines: string[] = [];
  let seriesCount = 0;
  let sampleCount = 0;
  for (const { name, metricId, component } of seriesPlan(profileName)) {
    lines.push(`# TYPE ${name} gauge`);
    for (const stream of streams) {
      const labelText = Object.keys(stream.labels)
        .sort()
        .map((k) => `${k}="${escapeLabelValue(stream.labels[k]!)}"`)
        .join(',');
      let any = false;
      for (const t of times) {
        const s = summary(metricId, stream.name, t);
        if (!s) continue;
        lines.push(`${name}{${labelText}} ${componentValue(s, component)} ${t}`);
        sampleCount++;
        any = true;
      }
      if (any) seriesCount++;
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
    value(metricId, statistic, stream, t) {
      const s = summary(metricId, stream, t);
      return s && statisticValue(s, statistic);
    },
    latest(metricId, statistic, stream, t, sem = PROMETHEUS_2) {
      const inLookback = timesInRange(t, sem.lookbackSeconds, sem);
      for (let k = inLookback.length - 1; k >= 0; k--) {
        const v = truth.value(metricId, statistic, stream, inLookback[k]!);
        if (v !== undefined) return v;
      }
      return undefined;
    },
    timesInRange,
    meanOverRange(metricId, statistic, stream, t, rangeSeconds, sem = PROMETHEUS_2) {
      const vs = timesInRange(t, rangeSeconds, sem)
        .map((x) => truth.value(metricId, statistic, stream, x))
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
    metrics: SYNTHETIC_METRICS,
    streams,
    openmetrics: lines.join('\n') + '\n',
    seriesCount,
    sampleCount,
    truth,
  };
}
