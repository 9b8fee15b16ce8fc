import { expect, it } from 'vitest';
import type { Level, Statistic } from '../../src/catalog/index.ts';
import { getProfile, prometheusProfileNames } from '../../src/profiles/index.ts';
import {
  applicableSelections,
  close,
  dashboardJson,
  dataPanels,
  expandQuery,
  expectedTimes,
  fmt,
  pointProblems,
  queryDashboardRange,
  RANGE,
  RANGE_END,
  RANGE_START,
  SEED_SERIES_TRUTHS,
  SEED_STAT_TRUTHS,
  selectedStreams,
  selectionsWith,
  STEP,
  TO,
  truthContext,
  unitProblems,
  variableValues,
  type DashboardJson,
  type PanelJson,
  type Selection,
  type StatTruth,
  type TargetJson,
  type TruthContext,
  type UnitKind,
} from '../support/e2e-dashboard.ts';
import { renderLegend } from '../support/grafana-interpolate.ts';
import { describeWithPrometheus, usePrometheus, type PrometheusServer, type RangeSeries } from '../support/prometheus.ts';
import {
  EXTENDED_STREAM_MODELS,
  exporterQuirksOf,
  FIXED_WINDOW,
  HOT_RECORDS,
  HOT_WRITES,
  SHARD_TWINS,
  STREAM_MODELS,
  syntheticKinesis,
  type Source,
  type SyntheticKinesis,
  type SyntheticPart,
  type SyntheticStream,
} from '../support/synthetic.ts';

/*
 * The proof of the rows beyond the seed: every panel of the dashboard with every opt-in row on (success rates, record outcomes,
 * enhanced fan-out, hottest shards) and the capacity row, for every Prometheus profile, run on a real Prometheus
 * loaded with the extended synthetic data (test/support/synthetic.ts: two more streams at exactly 80% of a limit,
 * fan-out consumers, and shard-level series under the stream-level names), variables filled as Grafana fills
 * them, compared with closed-form truths written from the row's semantics (not from the generator's code).
 *
 * Two capacity passes: shard counts from the config (one stream left out of the map on purpose), and the
 * `$shards` textbox (its default, 1, and a typed 4). The seed's panels are checked again here because the shards
 * row changes their queries (they must now leave the per-shard series out).
 *
 * The time range, tolerance and seed truths are the seed proof's (test/support/e2e-dashboard.ts): the last 3 h of
 * the 4 h of data, "now" 30 s after the last sample, 30 s steps.
 *
 * Tolerance: |got - want| <= max(1e-9, 1e-6 × |want|), as in dashboard-prometheus.test.ts. Values are integers or
 * ratios of integers; the only error is float division (~1e-16 relative). The smallest mistakes the data is built
 * to expose are far larger: a per-shard series counted into a stream (×2), a stream left out of the map drawn at
 * some count, a 1,000,000-byte instead of 1 MiB limit (4.9%), a shard one rank off the top n (a whole series).
 */

/** Seconds per CloudWatch period: the data's and the dashboard's (periodSeconds' default). */
const P = 60;
const MIB = 1024 * 1024;
/** Kinesis' per-shard limits, per second (AWS: 1 MiB/s and 1000 records/s written, 2 MiB/s read). */
const LIMIT = { writeBytes: MIB, writeRecords: 1000, readBytes: 2 * MIB } as const;
/** `rows.shards: true` draws the 10 hottest shards. */
const TOP = 10;
const RETENTION_HOURS = 48;
/** The stream the capacity map leaves out: no limit or utilisation series for it. */
const UNMAPPED = 'audit-log';
const ROWS = { successRates: true, recordOutcomes: true, fanOut: true, shards: true } as const;

// ---------------------------------------------------------------------------------------------
// What each panel should show.

/** The seed proof's context (the selected streams, selector semantics, call-weighted or not), and the rows'. */
interface Ctx extends TruthContext {
  /** n(s): the stream's shard count as the dashboard knows it (config map or $shards); undefined = not known. */
  shardCount(s: SyntheticStream): number | undefined;
  /** How many hottest shards the dashboard draws. */
  top: number;
  retentionHours: number;
}

/** One series a query should draw: a stream, or one consumer or shard of it. */
interface Group {
  stream: SyntheticStream;
  part?: SyntheticPart;
}
const sourceOf = (g: Group): Source => (g.part ? { stream: g.stream.name, part: g.part.name } : g.stream.name);
const groupName = (g: Group) => (g.part ? `${g.stream.name} ${g.part.name}` : g.stream.name);

interface SeriesQuery {
  /** The legend's first word ('' when the legend starts with the labels): tells a panel's queries apart. */
  legend: string;
  level: Level;
  /** The value the series shows at t; undefined = no point. */
  value(c: Ctx, g: Group, t: number): number | undefined;
  /** Only the ctx.top largest values at each step (topk). */
  top?: boolean;
}
interface SeriesTruth {
  kind: 'timeseries';
  unit: UnitKind;
  /** The red line's value, when the panel draws one. */
  threshold?: (c: Ctx) => number;
  queries: SeriesQuery[];
}

const quotient = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);

const latest =
  (metric: string, statistic: Statistic) =>
  (c: Ctx, g: Group, t: number): number | undefined =>
    c.data.truth.latest(metric, statistic, sourceOf(g), t, c.sem);

/** One query per stream (or consumer, or shard) showing latest(metric, statistic). */
const plain = (level: Level, metric: string, statistic: Statistic, legend = ''): SeriesQuery => ({ legend, level, value: latest(metric, statistic) });

/** A Sum per period as a per-second rate. */
const perSecond = (metric: string) => (c: Ctx, g: Group, t: number) => quotient(latest(metric, 'Sum')(c, g, t), P);

/** The stream's limit: n(s) × the per-shard limit, wherever the stream has a sample of the metric in the lookback. */
const limitLine = (metric: string, perShard: number) => (c: Ctx, g: Group, t: number) => {
  const n = c.shardCount(g.stream);
  return n === undefined || latest(metric, 'Sum')(c, g, t) === undefined ? undefined : n * perShard;
};

/** The per-second rate as a fraction of n(s) × the per-shard limit. */
const utilisation = (metric: string, perShard: number) => (c: Ctx, g: Group, t: number) => {
  const n = c.shardCount(g.stream);
  return n === undefined ? undefined : quotient(perSecond(metric)(c, g, t), n * perShard);
};

/** A PutRecords outcome as a fraction of all records sent in PutRecords calls. */
const ofAllSent = (metric: string): SeriesQuery => ({
  legend: '',
  level: 'stream',
  value: (c, g, t) => quotient(latest(metric, 'Sum')(c, g, t), latest('PutRecords.TotalRecords', 'Sum')(c, g, t)),
});

const PANEL_TRUTHS: Record<string, StatTruth<Ctx> | SeriesTruth> = {
  // The seed (test/support/e2e-dashboard.ts); stream series only, whatever shares their names.
  ...SEED_STAT_TRUTHS,
  ...Object.fromEntries(
    Object.entries(SEED_SERIES_TRUTHS).map(([title, t]): [string, SeriesTruth] => [
      title,
      { kind: 'timeseries', unit: t.unit, queries: t.queries.map((q) => plain('stream', q.metric, q.statistic, q.legendWord)) },
    ]),
  ),

  // Success rates: each API's *.Success Average (metric streams: _sum ÷ _count of the same period).
  'PutRecord Success Rate': { kind: 'timeseries', unit: 'fraction', queries: [plain('stream', 'PutRecord.Success', 'Average')] },
  'PutRecords Success Rate': { kind: 'timeseries', unit: 'fraction', queries: [plain('stream', 'PutRecords.Success', 'Average')] },
  'GetRecords Success Rate': { kind: 'timeseries', unit: 'fraction', queries: [plain('stream', 'GetRecords.Success', 'Average')] },

  // Record outcomes: each outcome's Sum ÷ PutRecords.TotalRecords' Sum, per stream.
  'Successful Records': { kind: 'timeseries', unit: 'fraction', queries: [ofAllSent('PutRecords.SuccessfulRecords')] },
  'Throttled Records': { kind: 'timeseries', unit: 'fraction', queries: [ofAllSent('PutRecords.ThrottledRecords')] },
  'Failed Records': { kind: 'timeseries', unit: 'fraction', queries: [ofAllSent('PutRecords.FailedRecords')] },

  // Enhanced fan-out: one series per (stream, consumer).
  'Bytes Pushed to Consumers': { kind: 'timeseries', unit: 'bytes', queries: [plain('consumer', 'SubscribeToShardEvent.Bytes', 'Sum')] },
  'Records Pushed to Consumers': { kind: 'timeseries', unit: 'count', queries: [plain('consumer', 'SubscribeToShardEvent.Records', 'Sum')] },
  'Max Millis Behind Latest': { kind: 'timeseries', unit: 'ms', queries: [plain('consumer', 'SubscribeToShardEvent.MillisBehindLatest', 'Maximum')] },
  'SubscribeToShard Rate Exceeded': { kind: 'timeseries', unit: 'count', queries: [plain('consumer', 'SubscribeToShard.RateExceeded', 'Sum')] },

  // Shards: the hottest n per step, per (stream, shard); a red line at the per-shard write limit.
  'Hottest Shards: Incoming Bytes': {
    kind: 'timeseries',
    unit: 'byteRate',
    threshold: () => LIMIT.writeBytes,
    queries: [{ legend: '', level: 'shard', value: perSecond('Shard.IncomingBytes'), top: true }],
  },
  'Hottest Shards: Max Iterator Age': {
    kind: 'timeseries',
    unit: 'ms',
    queries: [{ ...plain('shard', 'Shard.IteratorAgeMilliseconds', 'Maximum'), top: true }],
  },

  // Capacity: stream series only; limits and utilisation only for streams whose shard count is known.
  'Write Throughput vs Limit': {
    kind: 'timeseries',
    unit: 'byteRate',
    queries: [
      { legend: '', level: 'stream', value: perSecond('IncomingBytes') },
      { legend: 'limit', level: 'stream', value: limitLine('IncomingBytes', LIMIT.writeBytes) },
    ],
  },
  'Write Records vs Limit': {
    kind: 'timeseries',
    unit: 'countRate',
    queries: [
      { legend: '', level: 'stream', value: perSecond('IncomingRecords') },
      { legend: 'limit', level: 'stream', value: limitLine('IncomingRecords', LIMIT.writeRecords) },
    ],
  },
  'Read Throughput vs Limit': {
    kind: 'timeseries',
    unit: 'byteRate',
    queries: [
      { legend: '', level: 'stream', value: perSecond('GetRecords.Bytes') },
      { legend: 'limit', level: 'stream', value: limitLine('GetRecords.Bytes', LIMIT.readBytes) },
    ],
  },
  'Write Utilisation': {
    kind: 'timeseries',
    unit: 'fraction',
    threshold: () => 1,
    queries: [
      { legend: 'bytes', level: 'stream', value: utilisation('IncomingBytes', LIMIT.writeBytes) },
      { legend: 'records', level: 'stream', value: utilisation('IncomingRecords', LIMIT.writeRecords) },
    ],
  },
  'Read Utilisation': {
    kind: 'timeseries',
    unit: 'fraction',
    threshold: () => 1,
    queries: [{ legend: '', level: 'stream', value: utilisation('GetRecords.Bytes', LIMIT.readBytes) }],
  },
  'Iterator Age vs Retention': {
    kind: 'timeseries',
    unit: 'ms',
    // Half the retention period, in ms: retentionHours × 1,800,000.
    threshold: (c) => c.retentionHours * 1_800_000,
    queries: [plain('stream', 'GetRecords.IteratorAgeMilliseconds', 'Maximum')],
  },
};

const CAPACITY_TITLES = ['Write Throughput vs Limit', 'Write Records vs Limit', 'Read Throughput vs Limit', 'Write Utilisation', 'Read Utilisation', 'Iterator Age vs Retention'];
const SHARD_TITLES = ['Hottest Shards: Incoming Bytes', 'Hottest Shards: Max Iterator Age'];

// ---------------------------------------------------------------------------------------------
// Selections: what a user picks in the variables (AWS stream names; each profile's label values are used).

const SELECTIONS = selectionsWith(
  { name: 'one stream (audit.log, next to the decoy audit-log)', stream: ['audit.log'] },
  { name: `several streams (Clicks-Stream, ${HOT_RECORDS}: mixed case, two regions)`, stream: ['Clicks-Stream', HOT_RECORDS] },
);

// ---------------------------------------------------------------------------------------------
// Checking one panel: every mismatch as a sentence (panel, profile, selection, query, want, got).

interface Check {
  server: PrometheusServer;
  profile: string;
  data: SyntheticKinesis;
  dashboard: DashboardJson;
  selection: Selection;
  /** The config's shard counts (AWS names), or undefined when the dashboard reads `$shards`. */
  shardMap?: Readonly<Record<string, number>>;
  /** The `$shards` text the viewer typed; default: the variable's current value in the JSON. */
  shardsText?: string;
  top?: number;
  retentionHours?: number;
}

function thresholdProblems(panel: PanelJson, want: number | undefined): string[] {
  const d = panel.fieldConfig?.defaults;
  const lines = (d?.thresholds?.steps ?? []).filter((s) => s.value !== null).map((s) => s.value);
  const drawn = d?.custom?.thresholdsStyle?.mode === 'line' || d?.custom?.thresholdsStyle?.mode === 'line+area';
  if (want === undefined) return drawn && lines.length ? [`draws a threshold line at ${lines.join(', ')}, the panel has no limit`] : [];
  const problems: string[] = [];
  if (!drawn) problems.push(`threshold style is ${JSON.stringify(d?.custom?.thresholdsStyle?.mode)}: the limit is not drawn as a line`);
  if (lines.length !== 1 || lines[0] !== want) problems.push(`threshold steps ${JSON.stringify(lines)}, want the limit [${want}]`);
  return problems;
}

/** The `$shards` text: as typed, else the variable's current value; undefined when the dashboard has no such variable. */
function shardsTextOf(c: Check): string | undefined {
  const v = (c.dashboard.templating?.list ?? []).find((x) => x.name === 'shards');
  return v ? (c.shardsText ?? String(v.current?.value)) : undefined;
}

function contextFor(c: Check): Ctx {
  const shardsText = shardsTextOf(c);
  return {
    ...truthContext(c.server, c.profile, c.data, selectedStreams(c.data, c.selection)),
    shardCount: (s) => (c.shardMap ? c.shardMap[s.name] : shardsText === undefined ? undefined : Number(shardsText)),
    top: c.top ?? TOP,
    retentionHours: c.retentionHours ?? RETENTION_HOURS,
  };
}

/** Every (stream, consumer) or (stream, shard) of the selected streams, or the streams themselves. */
function groupsOf(level: Level, streams: readonly SyntheticStream[]): Group[] {
  return streams.flatMap((stream) =>
    level === 'stream' ? [{ stream }] : (level === 'consumer' ? stream.consumers : stream.shards).map((part) => ({ stream, part })),
  );
}

/**
 * What a query should return: per group, its value at each step; with top, only where the group ranks in the
 * top n at that step (a tie across the n-th place would leave the answer to Prometheus: the data has none).
 */
function expectedSeries(q: SeriesQuery, c: Ctx, where: string): Map<Group, Map<number, number>> {
  const groups = groupsOf(q.level, c.streams);
  const out = new Map<Group, Map<number, number>>(groups.map((g) => [g, new Map()]));
  for (const t of expectedTimes()) {
    const values = groups.map((g) => ({ g, v: q.value(c, g, t) })).filter((x): x is { g: Group; v: number } => x.v !== undefined);
    let kept = values;
    if (q.top) {
      const ranked = [...values].sort((a, b) => b.v - a.v);
      kept = ranked.slice(0, c.top);
      const next = ranked[c.top];
      if (next && kept.at(-1)!.v === next.v) throw new Error(`synthetic data error: a tie at the top-${c.top} boundary at ${t} — ${where}`);
    }
    for (const { g, v } of kept) out.get(g)!.set(t, v);
  }
  for (const [g, points] of out) if (!points.size) out.delete(g);
  return out;
}

async function checkPanel(panel: PanelJson, c: Check): Promise<string[]> {
  const truth = PANEL_TRUTHS[panel.title];
  if (!truth) return [`no truth for panel "${panel.title}": add it to PANEL_TRUTHS`];
  if (truth.kind !== panel.type) return [`panel type is ${panel.type}, the truth is for a ${truth.kind}`];
  const profile = getProfile(c.profile);
  const labels = profile.labels;
  const ctx = contextFor(c);
  const variables = c.dashboard.templating?.list ?? [];
  const shardsText = shardsTextOf(c);
  const values = variableValues(c.data, c.selection, shardsText);
  const problems = unitProblems(panel, truth.unit);
  const targets = (panel.targets ?? []).filter((t) => !t.hide);
  const expand = (t: TargetJson) => expandQuery(t.expr, variables, values);
  const where = (t: TargetJson, q: string) => `${c.profile}, "${c.selection.name}"${shardsText !== undefined ? `, $shards=${shardsText}` : ''}, ${t.refId}: ${q}`;

  if (truth.kind === 'stat') {
    const calcs = panel.options?.reduceOptions?.calcs ?? [];
    if (calcs.length !== 1 || calcs[0] !== 'lastNotNull') problems.push(`stat reduces with ${JSON.stringify(calcs)}: the query already reduced the range`);
    if (targets.length !== 1) problems.push(`stat has ${targets.length} queries, expected 1`);
    for (const t of targets) {
      const q = expand(t);
      if (t.instant) {
        const want = truth.value(ctx, TO, RANGE);
        const got = await c.server.query(q, TO);
        if (got.length !== 1) problems.push(`instant query returned ${got.length} series, a stat needs 1 — ${where(t, q)}`);
        const v = got[0]?.value;
        if (want === undefined ? v !== undefined : v === undefined || !close(v, want)) problems.push(`instant: want ${fmt(want)}, got ${fmt(v)} — ${where(t, q)}`);
      }
      const series = await queryDashboardRange(c.server, q);
      if (series.length !== 1) problems.push(`range query returned ${series.length} series, expected 1 — ${where(t, q)}`);
      problems.push(...pointProblems(series[0], (time) => truth.value(ctx, time, RANGE), where(t, q)));
    }
    return problems;
  }

  problems.push(...thresholdProblems(panel, truth.threshold?.(ctx)));
  if (targets.length !== truth.queries.length) problems.push(`${targets.length} queries, expected ${truth.queries.length}`);
  const legends = new Map<string, string>();
  let expected = 0;
  for (const t of targets) {
    const q = expand(t);
    if (!t.range) problems.push(`a time series panel runs a query without range — ${where(t, q)}`);
    const firstWord = (t.legendFormat ?? '').startsWith('{{') ? '' : (t.legendFormat ?? '').split(' ')[0]!;
    const spec = truth.queries.find((x) => x.legend === firstWord);
    if (!spec) {
      problems.push(`legend ${JSON.stringify(t.legendFormat)} does not say which of ${truth.queries.map((x) => JSON.stringify(x.legend)).join(' / ')} it shows — ${where(t, q)}`);
      continue;
    }
    const want = expectedSeries(spec, ctx, where(t, q));
    expected += want.size;
    const seen = new Set<Group>();
    for (const s of await queryDashboardRange(c.server, q)) {
      const streamValue = s.labels[labels.stream];
      const stream = c.data.streams.find((x) => x.labelValue === streamValue);
      const describe = JSON.stringify(s.labels);
      if (!stream) {
        problems.push(`a series for no known stream: ${describe} — ${where(t, q)}`);
        continue;
      }
      if (!ctx.streams.includes(stream)) {
        problems.push(`a series for stream ${stream.name}, which the selection does not include: ${describe} — ${where(t, q)}`);
        continue;
      }
      if (labels.region && s.labels[labels.region] !== stream.region) problems.push(`region label ${s.labels[labels.region]} on ${stream.name} — ${where(t, q)}`);
      if (labels.account && s.labels[labels.account] !== stream.account) problems.push(`account label ${s.labels[labels.account]} on ${stream.name} — ${where(t, q)}`);
      let part: SyntheticPart | undefined;
      if (spec.level === 'stream') {
        for (const l of [labels.shard, labels.consumer]) if (s.labels[l] !== undefined) problems.push(`a stream series with ${l}="${s.labels[l]}": ${describe} — ${where(t, q)}`);
      } else {
        const partLabel = spec.level === 'consumer' ? labels.consumer : labels.shard;
        const partValue = s.labels[partLabel];
        part = (spec.level === 'consumer' ? stream.consumers : stream.shards).find((x) => x.labelValue === partValue);
        if (!part) {
          problems.push(`a series of ${stream.name} with ${partLabel}=${JSON.stringify(partValue)}, which is no ${spec.level} of it: ${describe} — ${where(t, q)}`);
          continue;
        }
      }
      const group: Group = [...want.keys()].find((g) => g.stream === stream && g.part === part) ?? { stream, ...(part ? { part } : {}) };
      if ([...seen].some((g) => g.stream === group.stream && g.part === group.part)) {
        problems.push(`two series for ${groupName(group)} — ${where(t, q)}`);
        continue;
      }
      seen.add(group);
      const points = want.get(group);
      if (!points) {
        problems.push(`a series for ${groupName(group)}, which should draw none: ${describe} — ${where(t, q)}`);
        continue;
      }
      const legend = renderLegend(t.legendFormat, s.labels);
      if (!legend.includes(stream.labelValue) || (group.part && !legend.includes(group.part.labelValue))) {
        problems.push(`legend "${legend}" does not name ${groupName(group)} — ${where(t, q)}`);
      }
      const other = legends.get(legend);
      if (other) problems.push(`two series share the legend "${legend}" (${other} and ${t.refId}) — ${where(t, q)}`);
      legends.set(legend, t.refId);
      problems.push(...pointProblems(s, (time) => points.get(time), `${groupName(group)}, ${where(t, q)}`));
    }
    for (const g of want.keys()) if (!seen.has(g)) problems.push(`no series for ${groupName(g)}, which has data — ${where(t, q)}`);
  }
  // A check that expects nothing proves nothing: the data must give every panel something to draw, unless it
  // holds nothing of the panel's level at all (shard panels without enhanced monitoring: then no series is right).
  const nothingOfItsLevel = truth.queries.every((q) => q.level !== 'stream' && groupsOf(q.level, c.data.streams).length === 0);
  if (!expected && !nothingOfItsLevel) problems.push(`the synthetic data gives this panel nothing to draw for "${c.selection.name}": the check would prove nothing`);
  return problems;
}

// ---------------------------------------------------------------------------------------------

/** One data set the rows are checked on: enhanced monitoring on or off; metric streams' _max with or without region and account. */
interface Variant {
  name: string;
  enhanced: boolean;
  bareMaximum: boolean;
  /** The data set the proof's other checks (capacity, hottest shards, mutations) also run on. */
  primary: boolean;
  /** Check only the panels that read a Maximum (the only series the variant changes). */
  maximumOnly?: boolean;
}

/**
 * Enhanced monitoring on and off, for every profile; for an exporter that may publish its maximum without region
 * and account (Logz.io's metric streams: the current Lambda does), both shapes of those series.
 */
function variantsOf(profileName: string): Variant[] {
  const bare = exporterQuirksOf(profileName).bareMaximum === true;
  const max = bare ? ', _max without region and account' : '';
  return [
    { name: `enhanced monitoring on${max}`, enhanced: true, bareMaximum: bare, primary: true },
    { name: `enhanced monitoring off${max}`, enhanced: false, bareMaximum: bare, primary: false },
    ...(bare ? [{ name: 'enhanced monitoring on, _max with region and account', enhanced: true, bareMaximum: false, primary: false, maximumOnly: true }] : []),
  ];
}

/** Every stream's open shards, as the config's capacity.shards would list them (whether or not they publish series). */
const OPEN_SHARDS: Readonly<Record<string, number>> = Object.fromEntries([...STREAM_MODELS, ...EXTENDED_STREAM_MODELS].map((m) => [m.name, m.shards?.length ?? 0]));

for (const profileName of prometheusProfileNames()) {
  for (const variant of variantsOf(profileName)) {
    describeWithPrometheus(`every row and the capacity lines on Prometheus — ${profileName}, ${variant.name} (values within 1e-6 relative)`, () => {
      const profile = getProfile(profileName);
      const data = syntheticKinesis(profileName, { ...FIXED_WINDOW, extended: true, enhanced: variant.enhanced, bareMaximum: variant.bareMaximum });
      const stream = (name: string) => data.streams.find((s) => s.name === name)!;
      // Registers a test only on the primary data set.
      const primaryIt: (name: string, fn: () => Promise<void> | void) => void = (name, fn) => {
        if (variant.primary) it(name, fn);
      };
      // Shard counts from the config: every stream's open shards, but one.
      const shardMap = Object.fromEntries(Object.entries(OPEN_SHARDS).filter(([name]) => name !== UNMAPPED));
      const mapped = dashboardJson({ profile: profileName, rows: ROWS, capacity: { shards: shardMap, retentionHours: RETENTION_HOURS } });
      // The same without the shards row.
      const noShardsRow = dashboardJson({ profile: profileName, rows: { ...ROWS, shards: false }, capacity: { shards: shardMap, retentionHours: RETENTION_HOURS } });
      const byVariable = dashboardJson({ profile: profileName, rows: ROWS, capacity: {} });
      const top3 = dashboardJson({ profile: profileName, rows: { shards: { top: 3 } } });
      const panels = dataPanels(mapped);
      const panel = (d: DashboardJson, title: string) => {
        const p = dataPanels(d).find((x) => x.title === title);
        if (!p) throw new Error(`no panel "${title}"`);
        return p;
      };
      const selections = applicableSelections(SELECTIONS, mapped.templating?.list ?? []);
      const server = usePrometheus(() => data.openmetrics);

      it('has a truth for every panel with every row on, and a panel for every truth', () => {
        expect(panels.map((p) => p.title).filter((t) => !PANEL_TRUTHS[t])).toEqual([]);
        expect(Object.keys(PANEL_TRUTHS).filter((t) => !panels.some((p) => p.title === t))).toEqual([]);
      });

      it('without the shards row, draws every other panel alike: stream queries do not depend on which rows are on', () => {
        const shape = (p: PanelJson) => JSON.stringify([p.title, p.type, p.description, p.targets, p.fieldConfig]);
        expect(dataPanels(noShardsRow).map(shape)).toEqual(panels.filter((p) => !SHARD_TITLES.includes(p.title)).map(shape));
      });

      primaryIt('holds the data the proof relies on: shard series under the stream-level names, consumer series, 80% streams', async () => {
        // Everything promtool was given is in the server.
        const [all] = await server().query('count({__name__=~"aws_kinesis_.+"})', FIXED_WINDOW.end);
        expect(all?.value).toBe(data.seriesCount);
        // One name, stream and shard series: orders' own IncomingBytes series plus one per shard.
        const orders = stream('orders');
        for (const [metric, statistic] of SHARD_TWINS) {
          for (const name of profile.seriesNames(metric, statistic)) {
            const got = await server().query(`${name}{${profile.labels.stream}="${orders.labelValue}"}`, FIXED_WINDOW.end);
            expect(got.map((s) => s.labels[profile.labels.shard] ?? '').sort(), name).toEqual(['', ...orders.shards.map((x) => x.labelValue)].sort());
          }
        }
        const [consumerSeries] = profile.seriesNames('SubscribeToShardEvent.Bytes', 'Sum');
        const consumers = await server().query(`${consumerSeries}{${profile.labels.stream}="${orders.labelValue}"}`, FIXED_WINDOW.end);
        expect(consumers.map((s) => s.labels[profile.labels.consumer]).sort()).toEqual(orders.consumers.map((x) => x.labelValue).sort());
        expect(shardMap).toMatchObject({ [HOT_WRITES]: 4, [HOT_RECORDS]: 2 });
        expect(shardMap[UNMAPPED]).toBeUndefined();
      });

      primaryIt('a stream at 80% of its write limit reads 80% (bytes: hot-writes, 4 shards; records: hot-records, 2 shards; reads: hot-writes)', async () => {
        const cases = [
          { title: 'Write Utilisation', legend: 'bytes', stream: HOT_WRITES },
          { title: 'Write Utilisation', legend: 'records', stream: HOT_RECORDS },
          { title: 'Read Utilisation', legend: '', stream: HOT_WRITES },
        ];
        const variables = mapped.templating?.list ?? [];
        for (const k of cases) {
          const target = panel(mapped, k.title).targets!.find((t) => (k.legend ? t.legendFormat?.startsWith(`${k.legend} `) : t.legendFormat?.startsWith('{{')))!;
          const q = expandQuery(target.expr, variables, variableValues(data, { name: k.stream, stream: [k.stream] }, undefined));
          const series = await queryDashboardRange(server(), q);
          expect(series, q).toHaveLength(1);
          expect(series[0]!.points).toHaveLength(expectedTimes().length);
          for (const [, v] of series[0]!.points) expect(v, `${k.title} ${k.legend} ${k.stream}: ${q}`).toBeCloseTo(0.8, 12);
        }
      });

      primaryIt('draws what the data was built to show (All): limits for mapped streams only; the 10 hottest shards change at the step', async () => {
        const variables = mapped.templating?.list ?? [];
        const values = variableValues(data, SELECTIONS[0]!, undefined);
        const run = (title: string, legend: string) => {
          const target = panel(mapped, title).targets!.find((t) => (legend ? t.legendFormat?.startsWith(`${legend} `) : t.legendFormat?.startsWith('{{')))!;
          return queryDashboardRange(server(), expandQuery(target.expr, variables, values));
        };
        const streamsOf = (series: RangeSeries[]) => series.map((s) => s.labels[profile.labels.stream]).sort();
        const label = (name: string) => stream(name).labelValue;
        const everyStream = data.streams.map((s) => s.labelValue).sort();
        const mappedStreams = everyStream.filter((v) => v !== label(UNMAPPED));
        expect(streamsOf(await run('Write Throughput vs Limit', ''))).toEqual(everyStream);
        for (const [title, legend] of [['Write Throughput vs Limit', 'limit'], ['Write Records vs Limit', 'limit'], ['Read Throughput vs Limit', 'limit'], ['Write Utilisation', 'bytes'], ['Write Utilisation', 'records'], ['Read Utilisation', '']] as const) {
          expect(streamsOf(await run(title, legend)), `${title} ${legend}`).toEqual(mappedStreams);
        }

        // 13 shards, 10 drawn at a time: one shard leaves and one enters when Clicks-Stream's traffic doubles (02:00).
        const stepAt = FIXED_WINDOW.start + 120 * 60;
        const shardKey = (s: RangeSeries) => `${s.labels[profile.labels.stream]}/${s.labels[profile.labels.shard]}`;
        const key = (name: string, k: number) => `${label(name)}/${stream(name).shards[k]!.labelValue}`;
        const span = (s: RangeSeries) => [s.points[0]![0], s.points.at(-1)![0]];
        for (const [title, leaves, enters] of [
          ['Hottest Shards: Incoming Bytes', key('orders', 1), key('Clicks-Stream', 1)],
          ['Hottest Shards: Max Iterator Age', key(HOT_RECORDS, 1), key('Clicks-Stream', 0)],
        ] as const) {
          const series = await run(title, '');
          expect(series, title).toHaveLength(11);
          for (const s of series) {
            const [first, last] = span(s);
            if (shardKey(s) === leaves) expect([first, last], `${title}: ${leaves} leaves`).toEqual([RANGE_START, stepAt - STEP]);
            else if (shardKey(s) === enters) expect([first, last], `${title}: ${enters} enters`).toEqual([stepAt, RANGE_END]);
            else expect([first, last], `${title}: ${shardKey(s)}`).toEqual([RANGE_START, RANGE_END]);
          }
          expect(series.map(shardKey)).toEqual(expect.arrayContaining([leaves, enters]));
          // Every step draws exactly 10.
          const perStep = new Map<number, number>();
          for (const s of series) for (const [t] of s.points) perStep.set(t, (perStep.get(t) ?? 0) + 1);
          expect(new Set(perStep.values()), title).toEqual(new Set([TOP]));
        }
      });

      // Every panel, with the shards row on and off, for every selection.
      const readsMaximum = (p: PanelJson) => (p.targets ?? []).some((t) => /_max(imum)?\{/.test(t.expr));
      for (const [rows, dash] of [['shards row on', mapped], ['shards row off', noShardsRow]] as const) {
        for (const p of dataPanels(dash).filter((x) => !variant.maximumOnly || readsMaximum(x))) {
          for (const selection of selections) {
            it(`${p.title} — ${selection.name}, ${rows}`, async () => {
              const problems = await checkPanel(p, { server: server(), profile: profileName, data, dashboard: dash, selection, shardMap });
              expect(problems, `panel "${p.title}"`).toEqual([]);
            });
          }
        }
      }
      if (variant.maximumOnly) {
        it('has panels that read a Maximum to check', () => {
          expect(panels.filter(readsMaximum).map((p) => p.title)).toEqual(['Max Millis Behind Latest', 'Hottest Shards: Max Iterator Age', 'Iterator Age vs Retention']);
        });
      }

      // Without a map: the `$shards` textbox (one count for every selected stream), at its default and as typed.
      primaryIt('without a map, offers $shards as a textbox defaulting to 1, and changes only the capacity panels', () => {
        const v = (byVariable.templating?.list ?? []).find((x) => x.name === 'shards');
        expect(v).toMatchObject({ type: 'textbox', current: { value: '1' } });
        const others = (d: DashboardJson) => dataPanels(d).filter((x) => !CAPACITY_TITLES.includes(x.title));
        expect(others(byVariable)).toEqual(others(mapped));
      });
      for (const shardsText of [undefined, '4']) {
        for (const selection of [SELECTIONS[0]!, SELECTIONS[2]!]) {
          for (const title of CAPACITY_TITLES) {
            primaryIt(`${title}, $shards ${shardsText ?? 'at its default'} — ${selection.name}`, async () => {
              const problems = await checkPanel(panel(byVariable, title), {
                server: server(),
                profile: profileName,
                data,
                dashboard: byVariable,
                selection,
                retentionHours: 24,
                ...(shardsText ? { shardsText } : {}),
              });
              expect(problems, `panel "${title}"`).toEqual([]);
            });
          }
        }
      }

      primaryIt('with $shards typed as 4, hot-writes reads 80% of its write limit; at the default 1, 320%', async () => {
        const target = panel(byVariable, 'Write Utilisation').targets!.find((t) => t.legendFormat?.startsWith('bytes '))!;
        for (const [shards, want] of [['4', 0.8], ['1', 3.2]] as const) {
          const q = expandQuery(target.expr, byVariable.templating?.list ?? [], variableValues(data, { name: HOT_WRITES, stream: [HOT_WRITES] }, shards));
          const [series, ...more] = await queryDashboardRange(server(), q);
          expect(more, q).toEqual([]);
          for (const [, v] of series!.points) expect(v, q).toBeCloseTo(want, 12);
        }
      });

      // `rows.shards: { top: n }` draws n shards.
      for (const title of SHARD_TITLES) {
        for (const selection of [SELECTIONS[0]!, SELECTIONS[2]!]) {
          primaryIt(`${title}, top 3 — ${selection.name}`, async () => {
            const problems = await checkPanel(panel(top3, title), { server: server(), profile: profileName, data, dashboard: top3, selection, top: 3 });
            expect(problems, `panel "${title}"`).toEqual([]);
          });
        }
      }

      // The proof must be able to fail: dashboards with one known mistake each are rejected.
      const shard = profile.labels.shard;
      const mutations: Array<{ name: string; title: string; mutate(p: PanelJson): void }> = [
        {
          name: 'a stream panel that counts the per-shard series too',
          title: 'Incoming Bytes',
          mutate: (p) => p.targets!.forEach((t) => (t.expr = t.expr.replaceAll(`, ${shard}=""`, ''))),
        },
        {
          name: 'a shard panel that takes the stream series as a shard',
          title: 'Hottest Shards: Incoming Bytes',
          mutate: (p) => p.targets!.forEach((t) => (t.expr = t.expr.replaceAll(`, ${shard}!=""`, ''))),
        },
        {
          name: 'one shard too many',
          title: 'Hottest Shards: Max Iterator Age',
          mutate: (p) => p.targets!.forEach((t) => (t.expr = t.expr.replace(`topk(${TOP},`, `topk(${TOP + 1},`))),
        },
        {
          name: 'fan-out consumers of different streams merged',
          title: 'Bytes Pushed to Consumers',
          mutate: (p) => p.targets!.forEach((t) => (t.expr = t.expr.replace(`by (${profile.labels.stream}, `, 'by ('))),
        },
        {
          name: 'a write limit of 1,000,000 bytes per shard instead of 1 MiB',
          title: 'Write Utilisation',
          mutate: (p) => p.targets!.forEach((t) => (t.expr = t.expr.replace('* 1048576)', '* 1000000)'))),
        },
        {
          name: 'a wrong shard count for hot-writes',
          title: 'Write Throughput vs Limit',
          mutate: (p) => p.targets!.forEach((t) => (t.expr = t.expr.replace('vector(4)', 'vector(5)'))),
        },
        {
          name: 'bytes per period drawn as bytes per second',
          title: 'Read Throughput vs Limit',
          mutate: (p) => p.targets!.forEach((t) => (t.expr = t.expr.replace(/ \/ 60$/, ''))),
        },
        {
          name: 'failed records shown as successful',
          title: 'Successful Records',
          mutate: (p) => (p.targets = structuredClone(panel(mapped, 'Failed Records').targets)),
        },
        {
          name: 'the retention line at the default 24 h in a 48 h dashboard',
          title: 'Iterator Age vs Retention',
          mutate: (p) => p.fieldConfig!.defaults!.thresholds!.steps!.forEach((s) => s.value !== null && (s.value = 24 * 1_800_000)),
        },
      ];
      for (const m of mutations) {
        primaryIt(`rejects a dashboard with a known mistake: ${m.name} (${m.title})`, async () => {
          const p = structuredClone(panel(mapped, m.title));
          const before = JSON.stringify(p);
          m.mutate(p);
          expect(JSON.stringify(p), 'the mutation changed nothing').not.toBe(before);
          const problems = await checkPanel(p, { server: server(), profile: profileName, data, dashboard: mapped, selection: SELECTIONS[0]!, shardMap });
          expect(problems.length).toBeGreaterThan(0);
        });
      }
    });
  }
}
