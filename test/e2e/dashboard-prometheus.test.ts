import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Statistic } from '../../src/catalog/index.ts';
import { getProfile, prometheusProfileNames } from '../../src/profiles/index.ts';
import { serialize } from '../../src/serialize.ts';
import { synth } from '../../src/synth.ts';
import {
  ALL,
  interpolate,
  parseLabelValuesQuery,
  renderLegend,
  variableQueryText,
  type TemplateVariable,
  type VariableValue,
} from '../support/grafana-interpolate.ts';
import { describeWithPrometheus, startPrometheus, type PrometheusServer, type RangeSeries } from '../support/prometheus.ts';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  FIXED_WINDOW,
  syntheticKinesis,
  type SelectorSemantics,
  type SyntheticKinesis,
  type SyntheticStream,
} from '../support/synthetic.ts';

/*
 * The proof of issue 5: every panel and every query of the generated dashboard, for every profile, run on a
 * real Prometheus loaded with synthetic Kinesis data (test/support/synthetic.ts), template variables filled as
 * Grafana fills them (test/support/grafana-interpolate.ts), compared with the closed-form truth.
 *
 * Tolerance: |got - want| <= max(1e-9, 1e-6 × |want|). The data are integers and exact binary fractions
 * (plus 0.1), so the only error is float accumulation in avg_over_time / sum_over_time (~1e-13 relative);
 * the smallest real mistake the data is built to expose (one sample too many in a 180-sample mean of a
 * climbing series, a call-weighted vs plain mean) is off by more than 1e-3.
 */
const REL_TOL = 1e-6;
const ABS_TOL = 1e-9;
const close = (got: number, want: number) => Math.abs(got - want) <= Math.max(ABS_TOL, REL_TOL * Math.abs(want));

// The dashboard's time range: the last 3 h of the 4 h of data, ending 30 s after the last sample (as "now"
// would be, off the sample grid). $__range = 10800s. Range queries use a 30 s step, aligned to the step as
// Grafana aligns them (start and end floored to a multiple of the step), so points fall both on and off the
// 60 s sample grid.
const TO = FIXED_WINDOW.end + 30;
const RANGE = 3 * 3600;
const FROM = TO - RANGE;
const STEP = 30;
const RANGE_START = Math.floor(FROM / STEP) * STEP;
const RANGE_END = Math.floor(TO / STEP) * STEP;

// ---------------------------------------------------------------------------------------------
// The dashboard JSON, as written to disk (serialize), typed as far as the proof reads it.

interface TargetJson {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  hide?: boolean;
}
interface PanelJson {
  type: string;
  title: string;
  targets?: TargetJson[];
  panels?: PanelJson[];
  fieldConfig?: { defaults?: { unit?: string }; overrides?: Array<{ properties?: Array<{ id: string; value?: unknown }> }> };
  options?: { reduceOptions?: { calcs?: string[]; values?: boolean } };
}
interface VariableJson extends TemplateVariable {
  query?: unknown;
}
interface DashboardJson {
  panels?: PanelJson[];
  templating?: { list?: VariableJson[] };
}

function dashboardFor(profile: string): DashboardJson {
  return JSON.parse(serialize(synth({ profile }))) as DashboardJson;
}

/** Every panel that shows data: rows' own panels (collapsed rows) included, rows themselves not. */
function dataPanels(d: DashboardJson): PanelJson[] {
  return (d.panels ?? []).flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

// ---------------------------------------------------------------------------------------------
// What each panel should show, from the seed's semantics (not from the generator's code).

type UnitKind = 'bytes' | 'ms' | 'count' | 'fraction';
const allowedUnits: Record<UnitKind, string[]> = {
  bytes: ['bytes', 'decbytes'], // bytes, never bits (bits / bps / decbits)
  ms: ['ms'],
  count: ['short', 'none'],
  fraction: ['percentunit'], // a 0..1 fraction; "percent" would show 0.25 as 0.25%
};

interface TruthContext {
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

interface StatTruth {
  kind: 'stat';
  unit: UnitKind;
  /** The value at evaluation time t with a range window of rangeSeconds; undefined = no data. */
  value(c: TruthContext, t: number, rangeSeconds: number): number | undefined;
}
interface TimeseriesTruth {
  kind: 'timeseries';
  unit: UnitKind;
  /** One per query; with several, a word that must appear in the query's legend tells them apart. */
  queries: Array<{ metric: string; statistic: Statistic; legendWord?: string }>;
}

const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const defined = (xs: Array<number | undefined>) => xs.filter((x): x is number => x !== undefined);

/** Each stream's mean of a statistic over the window (call-weighted where the profile ships counts). */
function perStreamMeans(c: TruthContext, metric: string, statistic: Statistic, t: number, range: number): number[] {
  return defined(
    c.streams.map((s) =>
      c.callWeighted && statistic === 'Average'
        ? c.data.truth.weightedAverage(metric, [s.name], t, range, c.sem)
        : c.data.truth.meanOverRange(metric, statistic, s.name, t, range, c.sem),
    ),
  );
}

/** Mean across the selected streams: call-weighted over all of them where counts exist, else the mean of stream means. */
function acrossStreamsMean(c: TruthContext, metric: string, t: number, range: number): number | undefined {
  if (c.callWeighted) return c.data.truth.weightedAverage(metric, c.streams.map((s) => s.name), t, range, c.sem);
  const means = perStreamMeans(c, metric, 'Average', t, range);
  return means.length ? sumOf(means) / means.length : undefined;
}

const PANEL_TRUTHS: Record<string, StatTruth | TimeseriesTruth> = {
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

interface Selection {
  name: string;
  stream: string[] | 'All';
  region?: string[];
  account?: string[];
}
const SELECTIONS: Selection[] = [
  { name: 'All', stream: 'All' },
  { name: 'one stream (audit.log: a regex dot, next to the decoy audit-log)', stream: ['audit.log'] },
  { name: 'several streams (Clicks-Stream, audit.log: mixed case, a dot, two regions)', stream: ['Clicks-Stream', 'audit.log'] },
  { name: 'one region (us-east-1)', stream: 'All', region: ['us-east-1'] },
  { name: `one account (${ACCOUNT_B})`, stream: 'All', account: [ACCOUNT_B] },
];

function selectedStreams(data: SyntheticKinesis, sel: Selection): SyntheticStream[] {
  return data.streams.filter(
    (s) =>
      (sel.stream === 'All' || sel.stream.includes(s.name)) &&
      (!sel.region || sel.region.includes(s.region)) &&
      (!sel.account || sel.account.includes(s.account)),
  );
}

/** The variable values Grafana would hold for the selection (label values as the profile stores them). */
function variableValues(data: SyntheticKinesis, sel: Selection): Record<string, VariableValue> {
  const labelValue = (name: string) => {
    const s = data.streams.find((x) => x.name === name);
    if (!s) throw new Error(`no synthetic stream ${name}`);
    return s.labelValue;
  };
  return {
    stream: sel.stream === 'All' ? [ALL] : sel.stream.map(labelValue),
    region: sel.region ?? [ALL],
    account: sel.account ?? [ALL],
  };
}

// ---------------------------------------------------------------------------------------------
// Checking one panel: returns every mismatch as a sentence (panel, profile, selection, query, want, got).

interface PanelCheck {
  server: PrometheusServer;
  profile: string;
  data: SyntheticKinesis;
  variables: readonly VariableJson[];
  selection: Selection;
}

/** Grafana's stat reductions the dashboards may use, applied to one series' values. */
function reduce(calc: string, values: number[]): number | undefined {
  const notNull = values.filter((v) => !Number.isNaN(v));
  switch (calc) {
    case 'lastNotNull':
      return notNull.at(-1);
    case 'last':
      return values.at(-1);
    case 'firstNotNull':
      return notNull[0];
    case 'first':
      return values[0];
    case 'mean':
      return notNull.length ? sumOf(notNull) / notNull.length : undefined;
    case 'max':
      return notNull.length ? Math.max(...notNull) : undefined;
    case 'min':
      return notNull.length ? Math.min(...notNull) : undefined;
    case 'sum':
      return sumOf(notNull);
    default:
      throw new Error(`stat reduction "${calc}" is not known to this proof: add it to reduce()`);
  }
}

function unitProblems(panel: PanelJson, kind: UnitKind): string[] {
  const allowed = allowedUnits[kind];
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

const fmt = (v: number | undefined) => (v === undefined ? 'no data' : String(v));

async function checkPanel(panel: PanelJson, c: PanelCheck): Promise<string[]> {
  const truth = PANEL_TRUTHS[panel.title];
  if (!truth) return [`no truth for panel "${panel.title}": add it to PANEL_TRUTHS`];
  if (truth.kind !== panel.type) return [`panel type is ${panel.type}, the truth is for a ${truth.kind}`];
  const streamLabel = getProfile(c.profile).labels.stream;
  const ctx: TruthContext = {
    data: c.data,
    streams: selectedStreams(c.data, c.selection),
    sem: { leftOpen: c.server.leftOpenSelectors, lookbackSeconds: 300 },
    callWeighted: getProfile(c.profile).seriesNames('PutRecord.Latency', 'Average').length === 2,
  };
  const problems = unitProblems(panel, truth.unit);
  const targets = (panel.targets ?? []).filter((t) => !t.hide);
  const expand = (t: TargetJson) =>
    interpolate(t.expr, {
      variables: c.variables,
      values: variableValues(c.data, c.selection),
      range: { from: FROM, to: TO },
      intervalMs: STEP * 1000,
    });
  const where = (t: TargetJson, q: string) => `${c.profile}, "${c.selection.name}", ${t.refId}: ${q}`;

  if (truth.kind === 'stat') {
    const calcs = panel.options?.reduceOptions?.calcs ?? [];
    if (calcs.length !== 1) problems.push(`stat reduces with ${JSON.stringify(calcs)}: expected exactly one calculation`);
    if (panel.options?.reduceOptions?.values) problems.push('stat shows every value (reduceOptions.values), not a reduction');
    if (targets.length !== 1) problems.push(`stat has ${targets.length} queries, expected 1`);
    const calc = calcs[0] ?? 'lastNotNull';
    for (const t of targets) {
      const q = expand(t);
      // What Grafana runs for the panel: an instant query at the range end (if instant), reduced.
      if (t.instant) {
        const want = reduce(calc, defined([truth.value(ctx, TO, RANGE)]));
        const got = await c.server.query(q, TO);
        if (got.length !== 1) problems.push(`instant query returned ${got.length} series, a stat over the selection needs 1 — ${where(t, q)}`);
        const value = got[0] && reduce(calc, [got[0].value]);
        if (want === undefined ? value !== undefined : value === undefined || !close(value, want)) {
          problems.push(`instant ${calc}: want ${fmt(want)}, got ${fmt(value)} — ${where(t, q)}`);
        }
      }
      // The same expression over the range: every point is the stat as it stood at that time.
      const series = await c.server.queryRange(q, RANGE_START, RANGE_END, STEP);
      if (series.length !== 1) problems.push(`range query returned ${series.length} series, expected 1 — ${where(t, q)}`);
      const s = series[0];
      if (s) problems.push(...pointProblems(s, (time) => truth.value(ctx, time, RANGE), where(t, q)));
      if (t.range && s) {
        const want = reduce(calc, defined(expectedTimes().map((time) => truth.value(ctx, time, RANGE))));
        const got = reduce(calc, s.points.map(([, v]) => v));
        if (want === undefined || got === undefined || !close(got, want)) problems.push(`range ${calc}: want ${fmt(want)}, got ${fmt(got)} — ${where(t, q)}`);
      }
    }
    return problems;
  }

  // Time series: one series per selected stream, per query.
  if (targets.length !== truth.queries.length) problems.push(`${targets.length} queries, expected ${truth.queries.length}`);
  const legends = new Set<string>();
  for (const t of targets) {
    const q = expand(t);
    if (t.instant && !t.range) problems.push(`a time series panel runs an instant-only query — ${where(t, q)}`);
    const spec =
      truth.queries.length === 1
        ? truth.queries[0]
        : truth.queries.find((x) => x.legendWord && new RegExp(`(^|\\W)${x.legendWord}(\\W|$)`).test(t.legendFormat ?? ''));
    if (!spec) {
      problems.push(`legend ${JSON.stringify(t.legendFormat)} does not say which of ${truth.queries.map((x) => x.legendWord).join(' / ')} it shows — ${where(t, q)}`);
      continue;
    }
    const series = await c.server.queryRange(q, RANGE_START, RANGE_END, STEP);
    const seen = new Set<string>();
    for (const s of series) {
      const value = s.labels[streamLabel];
      const stream = ctx.streams.find((x) => x.labelValue === value);
      const legend = renderLegend(t.legendFormat, s.labels);
      if (!stream) {
        problems.push(`series for ${value === undefined ? `no ${streamLabel} label (${JSON.stringify(s.labels)})` : `stream "${value}"`}, which the selection does not include — ${where(t, q)}`);
        continue;
      }
      if (seen.has(stream.name)) problems.push(`two series for stream ${stream.name} — ${where(t, q)}`);
      seen.add(stream.name);
      if (!legend.includes(stream.labelValue)) problems.push(`legend "${legend}" does not name stream ${stream.labelValue} — ${where(t, q)}`);
      if (legends.has(legend)) problems.push(`two series share the legend "${legend}" — ${where(t, q)}`);
      legends.add(legend);
      problems.push(
        ...pointProblems(s, (time) => c.data.truth.latest(spec.metric, spec.statistic, stream.name, time, ctx.sem), `${stream.name} (${spec.metric} ${spec.statistic}), ${where(t, q)}`),
      );
    }
    for (const s of ctx.streams) if (!seen.has(s.name)) problems.push(`no data for stream ${s.name}, which has data — ${where(t, q)}`);
  }
  return problems;
}

/** The step times of the dashboard's range query. */
function expectedTimes(): number[] {
  const times: number[] = [];
  for (let t = RANGE_START; t <= RANGE_END; t += STEP) times.push(t);
  return times;
}

/** Compares a series point by point with the truth: same times with data, each value within tolerance (first few reported). */
function pointProblems(s: RangeSeries, want: (t: number) => number | undefined, where: string): string[] {
  const got = new Map(s.points.map(([t, v]) => [t, v]));
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

// ---------------------------------------------------------------------------------------------

for (const profileName of prometheusProfileNames()) {
  describeWithPrometheus(`generated dashboard on Prometheus — ${profileName} (values within 1e-6 relative)`, () => {
    const profile = getProfile(profileName);
    const data = syntheticKinesis(profileName, FIXED_WINDOW);
    const dash = dashboardFor(profileName);
    const variables = dash.templating?.list ?? [];
    const panels = dataPanels(dash);
    const hasVariable = (name: string) => variables.some((v) => v.name === name);
    const selections = SELECTIONS.filter((s) => (!s.region || hasVariable('region')) && (!s.account || hasVariable('account')));
    let server: PrometheusServer;

    beforeAll(async () => {
      server = await startPrometheus({ openmetrics: data.openmetrics });
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('has a truth for every panel, and every panel of the seed', () => {
      expect(panels.map((p) => p.title).filter((t) => !PANEL_TRUTHS[t])).toEqual([]);
      expect(Object.keys(PANEL_TRUTHS).filter((t) => !panels.some((p) => p.title === t))).toEqual([]);
    });

    it("offers a variable for each of the profile's labels: multi-value, All = .*", () => {
      const expected = ['stream', ...(profile.labels.region ? ['region'] : []), ...(profile.labels.account ? ['account'] : [])];
      const queryVariables = variables.filter((v) => v.type === 'query');
      expect(queryVariables.map((v) => v.name).sort()).toEqual(expected.sort());
      for (const v of queryVariables) {
        expect(v, v.name).toMatchObject({ multi: true, includeAll: true, allValue: '.*' });
      }
    });

    // Each variable's label_values(...) is run as Grafana runs it: the selector interpolated with the variables
    // before it, sent as /api/v1/label/<label>/values?match[]=... over the dashboard's range.
    const variableCases: Array<{ name: string; region?: string[]; account?: string[] }> = [
      { name: 'nothing selected (All)' },
      { name: 'region eu-west-1', region: ['eu-west-1'] },
      { name: `account ${ACCOUNT_B}`, account: [ACCOUNT_B] },
      { name: `region us-east-1 and account ${ACCOUNT_A}`, region: ['us-east-1'], account: [ACCOUNT_A] },
    ];
    for (const vc of variableCases) {
      if ((vc.region && !hasVariable('region')) || (vc.account && !hasVariable('account'))) continue;
      it(`variable queries list exactly the synthetic values — ${vc.name}`, async () => {
        const sel: Selection = { stream: 'All', ...vc };
        const values = variableValues(data, sel);
        // region lists every region; account the accounts in the selected regions; stream the streams in both.
        const expected: Record<string, string[]> = {
          region: [...new Set(data.streams.map((s) => s.region))],
          account: [...new Set(data.streams.filter((s) => !vc.region || vc.region.includes(s.region)).map((s) => s.account))],
          stream: selectedStreams(data, sel).map((s) => s.labelValue),
        };
        for (const v of variables.filter((x) => x.type === 'query')) {
          const { label, match } = parseLabelValuesQuery(interpolate(variableQueryText(v), { variables, values, range: { from: FROM, to: TO } }));
          const got = await server.labelValues(label, match, FROM, TO);
          expect(got.sort(), `${v.name}: ${variableQueryText(v)}`).toEqual((expected[v.name] ?? []).sort());
        }
      });
    }

    for (const panel of panels) {
      for (const selection of selections) {
        it(`${panel.title} — ${selection.name}`, async () => {
          const problems = await checkPanel(panel, { server, profile: profileName, data, variables, selection });
          expect(problems, `panel "${panel.title}"`).toEqual([]);
        });
      }
    }

    // The proof must be able to fail: dashboards with one known mistake each are rejected.
    const mutations: Array<{ name: string; title: string; mutate(p: PanelJson): void }> = [
      {
        name: 'averaging streams instead of adding them',
        title: 'Avg Incoming Bytes',
        mutate: (p) => {
          for (const t of p.targets ?? []) t.expr = t.expr.replace(/^sum\(/, 'avg(');
        },
      },
      {
        name: 'a 5 m window instead of the dashboard range',
        title: 'Avg Iterator Age',
        mutate: (p) => {
          for (const t of p.targets ?? []) t.expr = t.expr.replaceAll('$__range', '5m');
        },
      },
      {
        name: 'a fraction shown as a percent number',
        title: 'Throttled PutRecords/PutRecord Requests',
        mutate: (p) => {
          for (const t of p.targets ?? []) t.expr = `100 * (${t.expr})`;
        },
      },
      {
        name: 'bytes shown as bits',
        title: 'Incoming Bytes',
        mutate: (p) => {
          p.fieldConfig = { ...p.fieldConfig, defaults: { ...p.fieldConfig?.defaults, unit: 'bits' } };
        },
      },
      {
        name: 'PutRecord and PutRecords legends swapped',
        title: 'Average Put Latency',
        mutate: (p) => {
          const [a, b] = p.targets ?? [];
          if (a && b) [a.legendFormat, b.legendFormat] = [b.legendFormat, a.legendFormat];
        },
      },
      {
        name: 'the stream variable ignored',
        title: 'Outgoing Bytes',
        mutate: (p) => {
          for (const t of p.targets ?? []) t.expr = t.expr.replace('"$stream"', '".*"');
        },
      },
    ];
    for (const m of mutations) {
      it(`rejects a dashboard with a known mistake: ${m.name} (${m.title})`, async () => {
        const panel = structuredClone(panels.find((p) => p.title === m.title));
        expect(panel, m.title).toBeDefined();
        m.mutate(panel!);
        const selection = m.name === 'the stream variable ignored' ? SELECTIONS[1]! : SELECTIONS[0]!;
        const problems = await checkPanel(panel!, { server, profile: profileName, data, variables, selection });
        expect(problems.length).toBeGreaterThan(0);
      });
    }

    it('escaping matters in this data: an unescaped "audit.log" regex also matches the decoy', async () => {
      const [series] = profile.seriesNames('IncomingBytes', 'Sum');
      const label = profile.labels.stream;
      const unescaped = await server.query(`${series}{${label}=~"audit.log"}`, TO);
      const escaped = await server.query(`${series}{${label}=~"audit\\\\.log"}`, TO);
      expect(unescaped).toHaveLength(2);
      expect(escaped).toHaveLength(1);
    });
  });
}
