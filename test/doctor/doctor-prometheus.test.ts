import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { metric } from '../../src/catalog/index.ts';
import type { DoctorReport, ItemCheck } from '../../src/doctor/index.ts';
import { getProfile, ProfileError, prometheusProfileNames } from '../../src/profiles/index.ts';
import { cli, tempDir } from '../support/cli.ts';
import { dataPanels, type DashboardJson, type TargetJson } from '../support/e2e-dashboard.ts';
import { startGrafanaStandin, type GrafanaStandin } from '../support/grafana-standin.ts';
import { interpolate } from '../support/grafana-interpolate.ts';
import { describeWithPrometheus, startPrometheus, type PrometheusServer } from '../support/prometheus.ts';
import { FIXED_WINDOW, syntheticKinesis, type SyntheticKinesis } from '../support/synthetic.ts';

/*
 * The doctor on a real Prometheus loaded with the extended synthetic data of each profile (every row's metrics,
 * shard and consumer series, six streams in two regions and two accounts), evaluated 30 s after the last sample:
 * - complete data: the right profile, exactly the synthetic streams, regions, accounts, shard counts and consumers,
 *   and no problem for any panel or alert rule of a dashboard with every row and the capacity row;
 * - a metric removed, the stream label renamed on another, a stale exporter, a streams filter that matches nothing:
 *   exactly the panels and rules that read what was broken are reported, each with the reason that was broken;
 * - the same answers through the Grafana stand-in's data source proxy;
 * - --write-config writes a config that `generate --config` takes, and every panel of that dashboard has data.
 * Which panels read what is worked out from the generated dashboard's own queries (the series names the profile
 * gives each catalog metric), not from the doctor's code.
 */

const UNTIL = FIXED_WINDOW.end + 30;
const ROWS = { successRates: true, recordOutcomes: true, fanOut: true, shards: true } as const;
/** Metric removed: its every series is gone. */
const REMOVED = 'GetRecords.Latency';
/** Label renamed: the stream label of this metric's series (stream and shard level) is spelled otherwise. */
const RENAMED = 'IncomingRecords';

/** Every series name a profile stores for a catalog metric id, shard-level twins included. */
function seriesNamesOf(profileName: string, metricId: string): string[] {
  const profile = getProfile(profileName);
  const names = new Set<string>();
  for (const statistic of metric(metricId).statistics) {
    try {
      for (const n of profile.seriesNames(metricId, statistic)) names.add(n);
    } catch (e) {
      if (!(e instanceof ProfileError)) throw e;
    }
  }
  return [...names];
}

/** The data with every sample of some series names dropped, or their stream label renamed, or cut after a time. */
function mutate(text: string, edit: { drop?: string[]; rename?: { names: string[]; from: string; to: string } }): string {
  const drop = new Set(edit.drop ?? []);
  const rename = new Set(edit.rename?.names ?? []);
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const name = /^# TYPE (\S+) /.exec(line)?.[1] ?? /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{/.exec(line)?.[1];
    if (name && drop.has(name)) continue;
    if (name && rename.has(name) && edit.rename) out.push(line.replace(`${edit.rename.from}="`, `${edit.rename.to}="`));
    else out.push(line);
  }
  return out.join('\n');
}

async function doctorJson(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; report: DoctorReport; stderr: string }> {
  const r = await cli(['doctor', '--json', '--until', String(UNTIL), ...args], opts);
  if (!r.stdout) throw new Error(`doctor printed nothing (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as DoctorReport, stderr: r.stderr };
}

const items = (r: DoctorReport): ItemCheck[] => r.dashboards.flatMap((d) => [...d.panels, ...d.alerts]);
const problems = (r: DoctorReport) => items(r).filter((i) => i.status !== 'ok');
const describeItem = (i: ItemCheck) => `${i.kind} ${i.title}: ${i.reason?.kind ?? 'ok'}`;

/** Panels (by title) and rules whose queries read any of these series names, from the generated dashboard. */
function readers(dashboard: DashboardJson, rules: ItemCheck[], names: string[], also: (t: TargetJson) => boolean = () => true): string[] {
  const reads = (expr: string) => names.some((n) => new RegExp(`\\b${n}\\b`).test(expr));
  const panels = dataPanels(dashboard)
    .filter((p) => (p.targets ?? []).some((t) => reads(t.expr) && also(t)))
    .map((p) => `panel ${p.title}`);
  const alerts = rules.filter((r) => r.queries.some((q) => reads(q.expr))).map((r) => `alert ${r.title}`);
  return [...panels, ...alerts].sort();
}

for (const profileName of prometheusProfileNames()) {
  describeWithPrometheus(`doctor on a real Prometheus — ${profileName}`, () => {
    const profile = getProfile(profileName);
    const data = syntheticKinesis(profileName, { ...FIXED_WINDOW, extended: true });
    const shardMap = Object.fromEntries(data.streams.map((s) => [s.name, s.shards.length]));
    let complete: PrometheusServer;
    let broken: PrometheusServer;
    let grafana: GrafanaStandin;
    let dir: { path: string; cleanup: () => Promise<void> };
    const config = (extra: Record<string, unknown> = {}) => ({ profile: profileName, rows: ROWS, capacity: { shards: shardMap }, ...extra });

    beforeAll(async () => {
      const removed = seriesNamesOf(profileName, REMOVED);
      const renamed = [...new Set([...seriesNamesOf(profileName, RENAMED), ...seriesNamesOf(profileName, `Shard.${RENAMED}`)])];
      [complete, broken] = await Promise.all([
        startPrometheus({ openmetrics: data.openmetrics }),
        startPrometheus({ openmetrics: mutate(data.openmetrics, { drop: removed, rename: { names: renamed, from: profile.labels.stream, to: 'stream' } }) }),
      ]);
      grafana = await startGrafanaStandin({ datasources: { prom: { url: complete.url }, broken: { url: broken.url } } });
      dir = await tempDir();
    }, 120_000);
    afterAll(async () => {
      await Promise.all([complete?.stop(), broken?.stop(), grafana?.close(), dir?.cleanup()]);
    });

    async function withConfig(name: string, value: Record<string, unknown>): Promise<string> {
      const path = join(dir.path, name);
      await writeFile(path, JSON.stringify(value));
      return path;
    }

    it('complete data: the right profile, exactly the synthetic streams, shards and consumers, and no problem', async () => {
      const { code, report } = await doctorJson(['--prometheus-url', complete.url, '--config', await withConfig('complete.json', config())]);
      expect(report.discovery.detected).toBe(profileName);
      for (const other of prometheusProfileNames()) if (other !== profileName) expect(report.discovery.profileCounts[other]).toBe(0);
      const { region, account } = profile.labels;
      const want = (s: (typeof data.streams)[number]) => ({ stream: s.labelValue, ...(region ? { region: s.region } : {}), ...(account ? { account: s.account } : {}) });
      const sortKey = (s: { stream: string; region?: string; account?: string }) => `${s.stream}|${s.region ?? ''}|${s.account ?? ''}`;
      const byKey = <T extends { stream: string }>(xs: T[]) => [...xs].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
      expect(byKey(report.discovery.streams)).toEqual(byKey(data.streams.map(want)));
      expect(byKey(report.discovery.shards)).toEqual(byKey(data.streams.map((s) => ({ ...want(s), shards: s.shards.length }))));
      expect(report.discovery.consumers.map((c) => `${c.stream}/${c.consumer}`).sort()).toEqual(
        data.streams.flatMap((s) => s.consumers.map((c) => `${s.labelValue}/${c.labelValue}`)).sort(),
      );
      expect(problems(report).map(describeItem)).toEqual([]);
      expect(report.findings.filter((f) => f.status === 'problem')).toEqual([]);
      expect(items(report).length).toBeGreaterThan(30);
      expect(code).toBe(0);
    });

    it('a profile named in the config that the metrics do not match: a problem naming the one they match', async () => {
      const other = prometheusProfileNames().find((n) => n !== profileName)!;
      const { code, report } = await doctorJson(['--prometheus-url', complete.url, '--profile', other]);
      expect(code).toBe(1);
      expect(report.discovery.detected).toBe(profileName);
      expect(report.discovery.profileFinding.status).toBe('problem');
      expect(report.discovery.profileFinding.fix).toBe(`set "profile": "${profileName}" in the config (or --profile ${profileName})`);
      expect(report.dashboards[0]!.profile).toBe(other);
    });

    it('a metric removed and a label renamed: exactly the panels and rules that read them, each with its reason', async () => {
      const { code, report } = await doctorJson(['--prometheus-url', broken.url, '--config', await withConfig('broken.json', config())]);
      expect(code).toBe(1);
      const d = report.dashboards[0]!;
      const dashboard = JSON.parse((await cli(['generate', '--stdout', '--config', await withConfig('g.json', config())])).stdout) as DashboardJson;
      const absent = readers(dashboard, d.alerts, seriesNamesOf(profileName, REMOVED));
      // A renamed stream label empties what tells streams apart by it: legends that show it, and rules (one alert per stream).
      const streamLabel = `{{${profile.labels.stream}}}`;
      const renamedNames = [...seriesNamesOf(profileName, RENAMED)];
      const unnamed = readers(dashboard, d.alerts, renamedNames, (t) => (t.legendFormat ?? '').includes(streamLabel));
      expect(absent.length).toBeGreaterThan(0);
      expect(unnamed.length).toBeGreaterThan(0);
      const got = Object.fromEntries(problems(report).map((i) => [`${i.kind} ${i.title}`, i.reason?.kind]));
      const want = Object.fromEntries([...absent.map((k) => [k, 'metric-absent']), ...unnamed.map((k) => [k, 'label-absent'])]);
      expect(got).toEqual(want);
      for (const i of problems(report)) {
        if (i.reason?.kind === 'metric-absent') expect(i.reason.message).toContain(seriesNamesOf(profileName, REMOVED)[0]!.replace(/_(sum|count|average|maximum|minimum|sample_count|min|max)$/, ''));
        if (i.reason?.kind === 'label-absent') expect(i.reason.message).toContain(`no series with ${profile.labels.stream} (it has stream: another spelling)`);
      }
      if (profileName === 'cloudwatch-exporter') {
        // The seed's panels, named: the two Get Latency panels, and Incoming Records.
        expect(Object.keys(got).filter((k) => k.startsWith('panel')).sort()).toEqual(
          expect.arrayContaining(['panel Avg Get Latency', 'panel Average Get Latency', 'panel Incoming Records']),
        );
      }
    });

    it('a stale exporter: every panel and rule, with "stale" and the age of the newest sample', async () => {
      const cfg = await withConfig('stale.json', config());
      for (const late of [40 * 60, 3 * 3600]) {
        const r = await cli(['doctor', '--json', '--until', String(UNTIL + late), '--prometheus-url', complete.url, '--config', cfg]);
        const report = JSON.parse(r.stdout) as DoctorReport;
        expect(r.code).toBe(1);
        const all = items(report);
        expect(all.filter((i) => i.reason?.kind !== 'stale').map(describeItem)).toEqual([]);
        expect(all[0]!.reason!.message).toMatch(late > 3600 ? /is 3h0?m? old/ : /is 40m old/);
      }
    });

    it('a streams filter that matches nothing: every panel and rule, "no-match" naming the filter', async () => {
      const { code, report } = await doctorJson(['--prometheus-url', complete.url, '--config', await withConfig('filter.json', config({ streams: ['no-such-stream'] }))]);
      expect(code).toBe(1);
      expect(report.filters[0]!.matched).toEqual([]);
      expect(report.filters[0]!.finding.status).toBe('problem');
      const all = items(report);
      expect(all.filter((i) => i.reason?.kind !== 'no-match').map(describeItem)).toEqual([]);
      expect(all.every((i) => i.reason!.message.includes("the config's streams filter"))).toBe(true);
    });

    it('a fleet: every dashboard of the config checked on its own; a filter that misses empties only its dashboard', async () => {
      const first = data.streams[0]!.name;
      const fleet = { profile: profileName, dashboards: [{ uid: 'kd-one', title: 'One', streams: [first] }, { uid: 'kd-none', title: 'None', streams: ['no-such-stream'] }] };
      const { code, report } = await doctorJson(['--prometheus-url', complete.url, '--config', await withConfig('fleet.json', fleet)]);
      expect(code).toBe(1);
      expect(report.dashboards.map((d) => d.uid)).toEqual(['kd-one', 'kd-none']);
      const [one, none] = report.dashboards;
      expect([...one!.panels, ...one!.alerts].filter((i) => i.status !== 'ok').map(describeItem)).toEqual([]);
      expect(none!.panels.length + none!.alerts.length).toBeGreaterThan(10);
      expect([...none!.panels, ...none!.alerts].filter((i) => i.reason?.kind !== 'no-match').map(describeItem)).toEqual([]);
      expect(report.filters.map((f) => [f.uid, f.matched])).toEqual([
        ['kd-one', [data.streams[0]!.labelValue]],
        ['kd-none', []],
      ]);
    });

    it('through the Grafana stand-in\'s data source proxy: the same answers', async () => {
      const env = { GRAFANA_URL: grafana.url, GRAFANA_TOKEN: 'test-token' };
      for (const [uid, server, name] of [
        ['prom', complete, 'complete'],
        ['broken', broken, 'broken'],
      ] as const) {
        // The data source from the flag, or from the config's alerts.datasourceUid.
        const viaConfig = name === 'complete';
        const cfg = await withConfig(`proxy-${name}.json`, config(viaConfig ? { alerts: { datasourceUid: uid } } : {}));
        const direct = await doctorJson(['--prometheus-url', server.url, '--config', cfg]);
        const proxied = await doctorJson([...(viaConfig ? [] : ['--datasource-uid', uid]), '--config', cfg], { env });
        expect(proxied.code).toBe(direct.code);
        const { source: _a, ...a } = direct.report as DoctorReport & { source: string };
        const { source: _b, ...b } = proxied.report as DoctorReport & { source: string };
        expect(b).toEqual(a);
      }
      expect(grafana.requests.some((r) => r.path.startsWith('/api/datasources/proxy/uid/prom/api/v1/query'))).toBe(true);
      expect(grafana.requests.every((r) => r.method === 'GET')).toBe(true);
      expect(grafana.state.writes).toBe(0);
    });

    it('--write-config: generate --config takes it, and every panel of that dashboard has data', async () => {
      const out = join(dir.path, 'written.json');
      const r = await cli(['doctor', '--until', String(UNTIL), '--prometheus-url', complete.url, '--write-config', out]);
      expect(r.stderr).toBe('');
      const written = JSON.parse(await readFile(out, 'utf8')) as { profile: string; streams: string[]; capacity: { shards: Record<string, number> } };
      expect(written.profile).toBe(profileName);
      expect([...written.streams].sort()).toEqual([...new Set(data.streams.map((s) => s.labelValue))].sort());
      expect(written.capacity.shards).toEqual(Object.fromEntries(data.streams.map((s) => [s.labelValue, s.shards.length])));
      const g = await cli(['generate', '--stdout', '--config', out]);
      expect(g.code).toBe(0);
      const dashboard = JSON.parse(g.stdout) as DashboardJson;
      const variables = dashboard.templating?.list ?? [];
      const values = { stream: '$__all', region: '$__all', account: '$__all' };
      const empty: string[] = [];
      const panels = dataPanels(dashboard);
      expect(panels.length).toBeGreaterThan(10);
      for (const p of panels) {
        for (const t of p.targets ?? []) {
          const q = interpolate(t.expr, { variables, values, range: { from: UNTIL - 3600, to: UNTIL }, intervalMs: 60_000 });
          const n = t.instant ? (await complete.query(q, UNTIL)).length : (await complete.queryRange(q, UNTIL - 3600, UNTIL, 60)).filter((s) => s.points.length).length;
          if (!n) empty.push(`${p.title} ${t.refId}`);
        }
      }
      expect(empty).toEqual([]);
      // Run again on the written file: what the user wrote is kept, nothing changes.
      const before = await readFile(out, 'utf8');
      const again = await cli(['doctor', '--until', String(UNTIL), '--prometheus-url', complete.url, '--config', out, '--write-config', out]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('(nothing to change)');
      expect(await readFile(out, 'utf8')).toBe(before);
    });
  });
}

describeWithPrometheus('doctor on a real Prometheus — profiles that do not match, exporter quirks', () => {
  const seed = (profile: string) => syntheticKinesis(profile, { ...FIXED_WINDOW });
  const yace = getProfile('yace');
  const logzio = getProfile('logzio-metric-streams');
  const withoutEof = (text: string) => text.replace(/# EOF\n?$/, '');
  let snake: PrometheusServer;
  let mixed: PrometheusServer;

  beforeAll(async () => {
    // YACE run with -labels-snake-case: dimension_stream_name instead of dimension_StreamName.
    const yaceData = seed('yace');
    const snakeText = yaceData.openmetrics.replaceAll(`${yace.labels.stream}="`, 'dimension_stream_name="');
    // Two exporters at once (cloudwatch_exporter and metric streams), the metric streams' _max series without region or account.
    const lz = seed('logzio-metric-streams').openmetrics.split('\n').map((line) =>
      /^[a-z_]+_max\{/.test(line) ? line.replace(new RegExp(`,?(${logzio.labels.region}|${logzio.labels.account})="[^"]*"`, 'g'), '').replace('{,', '{') : line,
    );
    [snake, mixed] = await Promise.all([
      startPrometheus({ openmetrics: snakeText }),
      startPrometheus({ openmetrics: withoutEof(seed('cloudwatch-exporter').openmetrics) + lz.join('\n') }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([snake?.stop(), mixed?.stop()]);
  });

  it('YACE labels in snake case: no profile matches, the quirk says why, and the panels say which label is spelled otherwise', async () => {
    const { code, report } = await doctorJson(['--prometheus-url', snake.url]);
    expect(code).toBe(1);
    expect(report.discovery.detected).toBeUndefined();
    expect(Object.values(report.discovery.profileCounts)).toEqual([0, 0, 0]);
    expect(report.discovery.profileFinding.status).toBe('problem');
    const quirk = report.discovery.quirks.find((q) => q.message.includes('snake case'));
    expect(quirk?.status).toBe('problem');
    expect(quirk?.fix).toContain('-labels-snake-case');
    // Every panel that names streams is told which spelling it found.
    const named = problems(report).filter((i) => i.reason?.kind === 'label-absent');
    expect(named.length).toBeGreaterThan(5);
    for (const i of named) expect(i.reason!.message).toContain('it has dimension_stream_name: another spelling');
  });

  it('two exporters: several profiles match, said as such; Logz.io _max series without region and account: a warning', async () => {
    const several = await doctorJson(['--prometheus-url', mixed.url]);
    expect(several.report.discovery.detected).toBeUndefined();
    expect(several.report.discovery.profileFinding.status).toBe('warning');
    expect(several.report.discovery.profileFinding.message).toContain('several profiles');
    expect(several.report.discovery.profileCounts['cloudwatch-exporter']).toBeGreaterThan(0);
    expect(several.report.discovery.profileCounts['logzio-metric-streams']).toBeGreaterThan(0);

    const lz = await doctorJson(['--prometheus-url', mixed.url, '--profile', 'logzio-metric-streams']);
    const quirk = lz.report.discovery.quirks.find((q) => q.message.includes('_max'));
    expect(quirk?.status).toBe('warning');
    expect(quirk?.message).toMatch(/^\d+ _max series/);
    // The queries on a Maximum take region and account from the _count series: the iterator-age rules read data.
    expect(items(lz.report).filter((i) => /IteratorAge/.test(i.title)).map(describeItem)).toEqual(['alert KinesisIteratorAgeHigh: ok', 'alert KinesisIteratorAgeCritical: ok']);
    const cw = await doctorJson(['--prometheus-url', mixed.url, '--profile', 'cloudwatch-exporter']);
    expect(cw.report.discovery.quirks).toEqual([]);
  });
});
