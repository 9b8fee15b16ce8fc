import type { Statistic } from '../../src/catalog/index.ts';
import type { DashboardOptionsInput } from '../../src/config/schema.ts';
import { getProfile } from '../../src/profiles/index.ts';
import { serialize } from '../../src/output/serialize.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { ALL, interpolate, parseLabelValuesQuery, variableQueryText, type TemplateVariable, type VariableValue } from './grafana-interpolate.ts';
import type { PrometheusServer, RangeSeries } from './prometheus.ts';
import { ACCOUNT_B, FIXED_WINDOW, type SelectorSemantics, type SyntheticKinesis, type SyntheticStream } from './synthetic.ts';

/*
 * What the e2e proofs share (test/e2e/*-prometheus.test.ts, stream-filter.test.ts): the dashboard's time range,
 * the dashboard JSON as far as they read it, the tolerance, the seed panels' truths, selections and the
 * variable values they stand for, and the comparisons that turn a mismatch into a sentence.
 */

// ---------------------------------------------------------------------------------------------
// Tolerance: |got - want| <= max(1e-9, 1e-6 × |want|) (each proof says why it is enough for its data).

export const REL_TOL = 1e-6;
export const ABS_TOL = 1e-9;
export const close = (got: number, want: number) => Math.abs(got - want) <= Math.max(ABS_TOL, REL_TOL * Math.abs(want));

// ---------------------------------------------------------------------------------------------
// The dashboard's time range: the last 3 h of the 4 h of data, ending 30 s after the last sample (as "now"
// would be, off the sample grid). $__range = 10800s. Range queries use a 30 s step, aligned to the step as
// Grafana aligns them (start and end floored to a multiple of the step), so points fall both on and off the
// 60 s sample grid.

export const TO = FIXED_WINDOW.end + 30;
export const RANGE = 3 * 3600;
export const FROM = TO - RANGE;
export const STEP = 30;
export const RANGE_START = Math.floor(FROM / STEP) * STEP;
export const RANGE_END = Math.floor(TO / STEP) * STEP;

/** The step times of the dashboard's range query. */
export function expectedTimes(): number[] {
  const times: number[] = [];
  for (let t = RANGE_START; t <= RANGE_END; t += STEP) times.push(t);
  return times;
}

// ---------------------------------------------------------------------------------------------
// The dashboard JSON, as written to disk (serialize), typed as far as the proofs read it.

export interface TargetJson {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  hide?: boolean;
}
export interface PanelJson {
  type: string;
  title: string;
  description?: string;
  targets?: TargetJson[];
  panels?: PanelJson[];
  fieldConfig?: {
    defaults?: { unit?: string; thresholds?: { steps?: Array<{ value: number | null; color: string }> }; custom?: { thresholdsStyle?: { mode?: string } } };
    overrides?: Array<{ properties?: Array<{ id: string; value?: unknown }> }>;
  };
  options?: { reduceOptions?: { calcs?: string[]; values?: boolean } };
}
export interface VariableJson extends TemplateVariable {
  query?: unknown;
  current?: { value?: unknown };
}
export interface DashboardJson {
  panels?: PanelJson[];
  templating?: { list?: VariableJson[] };
}

export const dashboardJson = (options: DashboardOptionsInput) => JSON.parse(serialize(synth(options))) as DashboardJson;

/** Every panel that shows data: rows' own panels (collapsed rows) included, rows themselves not. */
export const dataPanels = (d: DashboardJson): PanelJson[] => (d.panels ?? []).flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));

// ---------------------------------------------------------------------------------------------
// Units.

export const UNITS = {
  bytes: ['bytes', 'decbytes'], // bytes, never bits (bits / bps / decbits)
  count: ['short', 'none'],
  ms: ['ms'],
  fraction: ['percentunit'], // a 0..1 fraction; "percent" would show 0.25 as 0.25%
  // IEC bytes per second and counts per second: the limits are 1 and 2 MiB/s and 1000 records/s.
  byteRate: ['binBps'],
  countRate: ['cps'],
} as const;
export type UnitKind = keyof typeof UNITS;

export function unitProblems(panel: PanelJson, kind: UnitKind): string[] {
  const allowed: readonly string[] = UNITS[kind];
  const problems: string[] = [];
  const unit = panel.fieldConfig?.defaults?.unit;
  if (!unit || !allowed.includes(unit)) problems.push(`unit is ${JSON.stringify(unit)}, the values are ${kind} (want one of ${allowed.join(', ')})`);
  for (const o of panel.fieldConfig?.overrides ?? []) {
    for (const p of o.properties ?? []) {
      if (p.id === 'unit' && !allowed.includes(String(p.value))) problems.push(`an override sets unit ${JSON.stringify(p.value)}, the values are ${kind}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// What the seed's panels should show, from the seed's semantics (not from the generator's code).

export interface TruthContext {
  data: SyntheticKinesis;
  /** The streams the selection covers (AWS names). */
  streams: readonly SyntheticStream[];
  sem: SelectorSemantics;
  /**
   * True when the profile ships Average as sum and count (metric streams): the true Average over several
   * periods or streams is then CloudWatch's own, every call weighted equally (Σ sum / Σ count). Profiles that
   * ship only per-period Averages show the plain mean of those.
   */
  callWeighted: boolean;
}

/** The truths' context for a selection of streams, with the server's selector semantics and the profile's Average. */
export function truthContext(server: PrometheusServer, profile: string, data: SyntheticKinesis, streams: readonly SyntheticStream[]): TruthContext {
  return {
    data,
    streams,
    sem: { leftOpen: server.leftOpenSelectors, lookbackSeconds: 300 },
    callWeighted: getProfile(profile).seriesNames('PutRecord.Latency', 'Average').length === 2,
  };
}

export interface StatTruth<C extends TruthContext = TruthContext> {
  kind: 'stat';
  unit: UnitKind;
  /** The value at evaluation time t with a range window of rangeSeconds; undefined = no data. */
  value(c: C, t: number, rangeSeconds: number): number | undefined;
}

/** A seed time series: one query per entry; with several, a word that must appear in the query's legend tells them apart. */
export interface SeedSeriesTruth {
  kind: 'timeseries';
  unit: UnitKind;
  queries: Array<{ metric: string; statistic: Statistic; legendWord?: string }>;
}

export const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
export const defined = (xs: Array<number | undefined>) => xs.filter((x): x is number => x !== undefined);
export const fmt = (v: number | undefined) => (v === undefined ? 'no data' : String(v));

/** Each selected stream's mean of a statistic over the window (call-weighted where the profile ships counts). */
export function perStreamMeans(c: TruthContext, metric: string, statistic: Statistic, t: number, range: number): number[] {
  return defined(
    c.streams.map((s) =>
      c.callWeighted && statistic === 'Average'
        ? c.data.truth.weightedAverage(metric, [s.name], t, range, c.sem)
        : c.data.truth.meanOverRange(metric, statistic, s.name, t, range, c.sem),
    ),
  );
}

/** Mean across the selected streams: call-weighted over all of them where counts exist, else the mean of stream means. */
export function acrossStreamsMean(c: TruthContext, metric: string, t: number, range: number): number | undefined {
  if (c.callWeighted) return c.data.truth.weightedAverage(metric, c.streams.map((s) => s.name), t, range, c.sem);
  const means = perStreamMeans(c, metric, 'Average', t, range);
  return means.length ? sumOf(means) / means.length : undefined;
}

/** The seed's stat panels: each a reduction over the dashboard range. */
export const SEED_STAT_TRUTHS: Readonly<Record<string, StatTruth>> = {
  // SUM across the selected streams of each stream's mean per-period IncomingBytes Sum.
  'Avg Incoming Bytes': {
    kind: 'stat',
    unit: 'bytes',
    value: (c, t, r) => {
      const means = perStreamMeans(c, 'IncomingBytes', 'Sum', t, r);
      return means.length ? sumOf(means) : undefined;
    },
  },
  'Avg Put Latency': { kind: 'stat', unit: 'ms', value: (c, t, r) => acrossStreamsMean(c, 'PutRecord.Latency', t, r) },
  'Avg Get Latency': { kind: 'stat', unit: 'ms', value: (c, t, r) => acrossStreamsMean(c, 'GetRecords.Latency', t, r) },
  // MAX across the selected streams of each stream's mean iterator age.
  'Avg Iterator Age': {
    kind: 'stat',
    unit: 'ms',
    value: (c, t, r) => {
      const means = perStreamMeans(c, 'GetRecords.IteratorAgeMilliseconds', 'Average', t, r);
      return means.length ? Math.max(...means) : undefined;
    },
  },
};

/** The seed's time series panels: each stream's latest value of a metric's statistic. */
export const SEED_SERIES_TRUTHS: Readonly<Record<string, SeedSeriesTruth>> = {
  'Incoming Records': { kind: 'timeseries', unit: 'count', queries: [{ metric: 'IncomingRecords', statistic: 'Sum' }] },
  'Incoming Bytes': { kind: 'timeseries', unit: 'bytes', queries: [{ metric: 'IncomingBytes', statistic: 'Sum' }] },
  'Throttled PutRecords/PutRecord Requests': {
    kind: 'timeseries',
    unit: 'fraction',
    queries: [{ metric: 'WriteProvisionedThroughputExceeded', statistic: 'Average' }],
  },
  'Outgoing Records': { kind: 'timeseries', unit: 'count', queries: [{ metric: 'GetRecords.Records', statistic: 'Sum' }] },
  'Outgoing Bytes': { kind: 'timeseries', unit: 'bytes', queries: [{ metric: 'GetRecords.Bytes', statistic: 'Sum' }] },
  'Throttled GetRecords Requests': {
    kind: 'timeseries',
    unit: 'fraction',
    queries: [{ metric: 'ReadProvisionedThroughputExceeded', statistic: 'Average' }],
  },
  'Average Get Latency': { kind: 'timeseries', unit: 'ms', queries: [{ metric: 'GetRecords.Latency', statistic: 'Average' }] },
  'Average Put Latency': {
    kind: 'timeseries',
    unit: 'ms',
    queries: [
      { metric: 'PutRecord.Latency', statistic: 'Average', legendWord: 'PutRecord' },
      { metric: 'PutRecords.Latency', statistic: 'Average', legendWord: 'PutRecords' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------
// Selections: what a user picks in the variables. Stream names are AWS's; they become each profile's label values.

export interface Selection {
  name: string;
  stream: string[] | 'All';
  region?: string[];
  account?: string[];
}

/**
 * The selections a proof checks, in this order (the tests pick some by index): All, the proof's own one-stream
 * and several-streams picks, one region (us-east-1), one account (ACCOUNT_B).
 */
export function selectionsWith(oneStream: Selection, severalStreams: Selection): Selection[] {
  return [
    { name: 'All', stream: 'All' },
    oneStream,
    severalStreams,
    { name: 'one region (us-east-1)', stream: 'All', region: ['us-east-1'] },
    { name: `one account (${ACCOUNT_B})`, stream: 'All', account: [ACCOUNT_B] },
  ];
}

export function selectedStreams(data: SyntheticKinesis, sel: Selection): SyntheticStream[] {
  return data.streams.filter(
    (s) =>
      (sel.stream === 'All' || sel.stream.includes(s.name)) &&
      (!sel.region || sel.region.includes(s.region)) &&
      (!sel.account || sel.account.includes(s.account)),
  );
}

/** The selections a dashboard can express: those picking a region or an account need its variable. */
export function applicableSelections(selections: readonly Selection[], variables: readonly VariableJson[]): Selection[] {
  const hasVariable = (name: string) => variables.some((v) => v.name === name);
  return selections.filter((s) => (!s.region || hasVariable('region')) && (!s.account || hasVariable('account')));
}

/** The variable values Grafana would hold for the selection (label values as the profile stores them), and `$shards` as typed. */
export function variableValues(data: SyntheticKinesis, sel: Selection, shards?: string): Record<string, VariableValue> {
  const labelValue = (name: string) => {
    const s = data.streams.find((x) => x.name === name);
    if (!s) throw new Error(`no synthetic stream ${name}`);
    return s.labelValue;
  };
  return {
    stream: sel.stream === 'All' ? [ALL] : sel.stream.map(labelValue),
    region: sel.region ?? [ALL],
    account: sel.account ?? [ALL],
    ...(shards !== undefined ? { shards } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Running the dashboard's queries as Grafana runs them.

/** A panel query as Grafana sends it: variables filled, over the dashboard range at the range step. */
export function expandQuery(expr: string, variables: readonly TemplateVariable[], values: Readonly<Record<string, VariableValue>>): string {
  return interpolate(expr, { variables, values, range: { from: FROM, to: TO }, intervalMs: STEP * 1000 });
}

/** The range query Grafana runs for a time series (or a stat's range): RANGE_START to RANGE_END, every STEP. */
export function queryDashboardRange(server: PrometheusServer, q: string): Promise<RangeSeries[]> {
  return server.queryRange(q, RANGE_START, RANGE_END, STEP);
}

/**
 * The options a query variable lists: its label_values(...) run as Grafana runs it, the selector interpolated
 * with the variables before it, sent as /api/v1/label/<label>/values?match[]=... over the dashboard's range.
 */
export async function variableOptions(
  server: PrometheusServer,
  variable: VariableJson,
  variables: readonly TemplateVariable[],
  values: Readonly<Record<string, VariableValue>>,
): Promise<string[]> {
  const { label, match } = parseLabelValuesQuery(interpolate(variableQueryText(variable), { variables, values, range: { from: FROM, to: TO } }));
  return server.labelValues(label, match, FROM, TO);
}

/** Compares a series point by point with the truth: same times with data, each value within tolerance (first few reported). */
export function pointProblems(s: RangeSeries | undefined, want: (t: number) => number | undefined, where: string): string[] {
  const got = new Map((s?.points ?? []).map(([t, v]) => [t, v]));
  const problems: string[] = [];
  for (const t of new Set([...expectedTimes(), ...got.keys()])) {
    const w = want(t);
    const g = got.get(t);
    if (w === undefined ? g !== undefined : g === undefined || !close(g, w)) {
      problems.push(`at ${new Date(t * 1000).toISOString()}: want ${fmt(w)}, got ${fmt(g)} — ${where}`);
    }
  }
  return problems.length > 3 ? [...problems.slice(0, 3), `… and ${problems.length - 3} more points — ${where}`] : problems;
}
