import { describe, expect, it } from 'vitest';
import { metric, type Statistic } from '../../src/catalog/index.ts';
import { getProfile, ProfileError, prometheusProfileNames, type Profile } from '../../src/profiles/index.ts';
import {
  applicableSelections,
  close,
  dashboardJson,
  dataPanels,
  defined,
  expandQuery,
  expectedTimes,
  fmt,
  pointProblems,
  queryDashboardRange,
  RANGE,
  SEED_SERIES_TRUTHS,
  SEED_STAT_TRUTHS,
  selectedStreams,
  selectionsWith,
  sumOf,
  TO,
  truthContext,
  unitProblems,
  variableOptions,
  variableValues,
  type PanelJson,
  type SeedSeriesTruth,
  type Selection,
  type StatTruth,
  type TargetJson,
  type VariableJson,
} from '../support/e2e-dashboard.ts';
import { renderLegend, variableQueryText } from '../support/grafana-interpolate.ts';
import { describeWithPrometheus, usePrometheus, type PrometheusServer } from '../support/prometheus.ts';
import { dashboardJsonV2 } from '../support/v2-reader.ts';
import { ACCOUNT_A, ACCOUNT_B, FIXED_WINDOW, SHARD_TWINS, syntheticKinesis, type SyntheticKinesis } from '../support/synthetic.ts';

/*
 * The proof of the seed dashboard: every panel and every query of the generated dashboard, for every profile, run
 * on a real Prometheus loaded with synthetic Kinesis data (test/support/synthetic.ts), template variables filled as
 * Grafana fills them (test/support/grafana-interpolate.ts), compared with the closed-form truth (the seed's
 * truths, time range and comparisons: test/support/e2e-dashboard.ts, shared with rows-prometheus.test.ts).
 *
 * Twice per profile: with enhanced monitoring off, and on. With it on, every stream's two shards (a hot one and
 * a cool one) publish IncomingBytes, IncomingRecords and the throughput-exceeded metrics under the stream-level
 * names, as every exporter stores them; the truth stays the stream-level one, and a dashboard whose stream
 * panels take the shard series in is rejected.
 *
 * Tolerance: |got - want| <= max(1e-9, 1e-6 × |want|). The data are integers and exact binary fractions
 * (plus 0.1), so the only error is float accumulation in avg_over_time / sum_over_time (~1e-13 relative);
 * the smallest real mistake the data is built to expose (one sample too many in a 180-sample mean of a
 * climbing series, a call-weighted vs plain mean) is off by more than 1e-3.
 */

// Every panel of the seed, from the seed's semantics (not from the generator's code).
const PANEL_TRUTHS: Record<string, StatTruth | SeedSeriesTruth> = { ...SEED_STAT_TRUTHS, ...SEED_SERIES_TRUTHS };

// ---------------------------------------------------------------------------------------------
// Selections: what a user picks in the variables. Stream names are AWS's; they become each profile's label values.

const SELECTIONS = selectionsWith(
  { name: 'one stream (audit.log: a regex dot, next to the decoy audit-log)', stream: ['audit.log'] },
  { name: 'several streams (Clicks-Stream, audit.log: mixed case, a dot, two regions)', stream: ['Clicks-Stream', 'audit.log'] },
);

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

async function checkPanel(panel: PanelJson, c: PanelCheck): Promise<string[]> {
  const truth = PANEL_TRUTHS[panel.title];
  if (!truth) return [`no truth for panel "${panel.title}": add it to PANEL_TRUTHS`];
  if (truth.kind !== panel.type) return [`panel type is ${panel.type}, the truth is for a ${truth.kind}`];
  const streamLabel = getProfile(c.profile).labels.stream;
  const ctx = truthContext(c.server, c.profile, c.data, selectedStreams(c.data, c.selection));
  const problems = unitProblems(panel, truth.unit);
  const targets = (panel.targets ?? []).filter((t) => !t.hide);
  const expand = (t: TargetJson) => expandQuery(t.expr, c.variables, variableValues(c.data, c.selection));
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
      const series = await queryDashboardRange(c.server, q);
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
    const series = await queryDashboardRange(c.server, q);
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

// ---------------------------------------------------------------------------------------------

// Both forms the tool writes: the classic JSON and the dashboard.grafana.app/v2beta1 resource, read back
// as Grafana shows it (test/support/v2-reader.ts). The same truths hold for both.
const FORMS = { classic: dashboardJson, v2beta1: dashboardJsonV2 };
const ENHANCED = [false, true] as const;

for (const profileName of prometheusProfileNames()) {
  for (const enhanced of ENHANCED) {
    describeWithPrometheus(`generated dashboard on Prometheus — ${profileName}, enhanced monitoring ${enhanced ? 'on' : 'off'} (values within 1e-6 relative)`, () => {
      const profile = getProfile(profileName);
      // With enhanced monitoring, two shards per stream publish under the stream-level names.
      const data = syntheticKinesis(profileName, { ...FIXED_WINDOW, enhanced, shardsPerStream: 2 });
      // One server for both forms.
      const server = usePrometheus(() => data.openmetrics);
      for (const [form, make] of Object.entries(FORMS)) {
        describe(form, () => {
          const dash = make({ profile: profileName });
          const variables = dash.templating?.list ?? [];
          const panels = dataPanels(dash);
          const hasVariable = (name: string) => variables.some((v) => v.name === name);
          const selections = applicableSelections(SELECTIONS, variables);

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

          // Each variable's label_values(...) is run as Grafana runs it (variableOptions).
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
                const got = await variableOptions(server(), v, variables, values);
                expect(got.sort(), `${v.name}: ${variableQueryText(v)}`).toEqual((expected[v.name] ?? []).sort());
              }
            });
          }

          for (const panel of panels) {
            for (const selection of selections) {
              it(`${panel.title} — ${selection.name}`, async () => {
                const problems = await checkPanel(panel, { server: server(), profile: profileName, data, variables, selection });
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
          for (const m of enhanced ? [] : mutations) {
            it(`rejects a dashboard with a known mistake: ${m.name} (${m.title})`, async () => {
              const panel = structuredClone(panels.find((p) => p.title === m.title));
              expect(panel, m.title).toBeDefined();
              m.mutate(panel!);
              const selection = m.name === 'the stream variable ignored' ? SELECTIONS[1]! : SELECTIONS[0]!;
              const problems = await checkPanel(panel!, { server: server(), profile: profileName, data, variables, selection });
              expect(problems.length).toBeGreaterThan(0);
            });
          }

          it('escaping matters in this data: an unescaped "audit.log" regex also matches the decoy', async () => {
            const [series] = profile.seriesNames('IncomingBytes', 'Sum');
            const label = profile.labels.stream;
            const stream = `${profile.labels.shard}=""`;
            const unescaped = await server().query(`${series}{${label}=~"audit.log", ${stream}}`, TO);
            const escaped = await server().query(`${series}{${label}=~"audit\\\\.log", ${stream}}`, TO);
            expect(unescaped).toHaveLength(2);
            expect(escaped).toHaveLength(1);
          });

          if (enhanced) {
            // The series that stream and shard share: every series name of the twin metrics, any statistic.
            const shared = new Set(SHARD_TWINS.map(([m]) => m).flatMap((metric) => [...new Set(metricStatistics(metric).flatMap((st) => seriesNamesOr(profile, metric, st)))]));
            const readsShared = (p: PanelJson) => (p.targets ?? []).some((t) => (t.expr.match(/aws_kinesis_\w+/g) ?? []).some((n) => shared.has(n)));

            it('holds shard series under the stream-level names: the stream series and one per shard', async () => {
              for (const [metric, statistic] of SHARD_TWINS) {
                for (const name of profile.seriesNames(metric, statistic)) {
                  for (const s of data.streams) {
                    const got = await server().query(`${name}{${profile.labels.stream}="${s.labelValue}"}`, FIXED_WINDOW.end);
                    expect(got.map((x) => x.labels[profile.labels.shard] ?? '').sort(), `${name} ${s.name}`).toEqual(['', ...s.shards.map((x) => x.labelValue)].sort());
                  }
                }
              }
              expect(data.streams.map((s) => s.shards.length)).toEqual([2, 2, 2, 2]);
            });

            // The proof must fail without the shard matchers: the panels that read a shared name are rejected, the
            // others are unchanged (they read series no shard publishes).
            it('rejects the dashboard with its shard matchers removed: exactly the panels that read series shared with shards', async () => {
              const matcher = `, ${profile.labels.shard}=""`;
              const rejected: string[] = [];
              for (const panel of panels) {
                const p = structuredClone(panel);
                for (const t of p.targets ?? []) t.expr = t.expr.replaceAll(matcher, '');
                if (JSON.stringify(p) === JSON.stringify(panel)) throw new Error(`panel "${panel.title}" has no ${matcher} matcher`);
                const problems = (await Promise.all(SELECTIONS.slice(0, 3).map((selection) => checkPanel(p, { server: server(), profile: profileName, data, variables, selection })))).flat();
                if (problems.length) rejected.push(panel.title);
              }
              const readers = panels.filter(readsShared).map((p) => p.title);
              const throttling = ['Throttled PutRecords/PutRecord Requests', 'Throttled GetRecords Requests'];
              expect(readers).toEqual(['Avg Incoming Bytes', 'Incoming Records', 'Incoming Bytes', ...throttling]);
              // Metric streams ship an Average as _sum and _count: the shards' sums and counts add up to the stream's,
              // so taking them in doubles both and leaves the fraction as it is. Elsewhere the shards' own fractions
              // (throttling falls on the first shard) are averaged in and move it.
              const unmoved = profile.seriesNames('WriteProvisionedThroughputExceeded', 'Average').length === 2 ? throttling : [];
              expect(rejected).toEqual(readers.filter((t) => !unmoved.includes(t)));
            });
          }
        });
      }
    });
  }
}

/** The statistics the catalog lists for a metric. */
function metricStatistics(metricId: string): Statistic[] {
  return metric(metricId).statistics;
}

/** The series a profile stores for (metric, statistic); none when it cannot express it. */
function seriesNamesOr(profile: Profile, metricId: string, statistic: Statistic): string[] {
  try {
    return profile.seriesNames(metricId, statistic);
  } catch (e) {
    if (e instanceof ProfileError) return [];
    throw e;
  }
}
