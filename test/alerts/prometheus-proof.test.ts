import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { alertPlan, grafanaRuleGroup, prometheusAnnotations, ruleExpr, ruleLabels, type AlertPlan } from '../../src/alerts/index.ts';
import { DashboardOptions } from '../../src/config/schema.ts';
import { prometheusProfileNames } from '../../src/profiles/index.ts';
import { cli, tempDir } from '../support/cli.ts';
import { describeWithPrometheus } from '../support/prometheus.ts';
import { promtool, startRulesServer, type ApiAlert, type RulesServer } from '../support/promtool.ts';
import { BARE_MAXIMUM_REGION, proofOptions, ruleTruth, syntheticAlertData, type SyntheticAlertData } from '../support/synthetic-alerts.ts';

/*
 * The proof: on a real Prometheus with the synthetic data, the rule file `alerts` writes (unchanged, with
 * its real `for` durations) fires for exactly the streams built to break each rule, and for no other.
 *
 * Rules evaluate at wall-clock time, so the data ends now (the last full minute). Each `for` (10-15
 * minutes) is satisfied without waiting, through Prometheus's own restart logic: the data also holds
 * ALERTS_FOR_STATE, the series in which Prometheus keeps how long each alert has been pending, saying
 * "pending since the start of the data (2 h ago)" for EVERY rule and EVERY stream, healthy or not. On
 * start Prometheus evaluates once, restores that state for the alerts whose expression is true now, and
 * fires them on the next evaluation (--rules.alert.for-grace-period=1s, evaluation_interval 1s). The
 * restored state names every stream alike, so it cannot make a healthy stream fire: which alerts fire is
 * decided by the rule expressions on the data alone. (That `for` holds an alert back until it has passed
 * is the promtool unit tests' job: promtool.test.ts.)
 *
 * Then: the alerts API lists exactly the expected firing alerts (labels exact, nothing pending); the
 * rules API lists the file's rules as written (YAML read back by Prometheus: names, `for`, labels,
 * annotations byte for byte), all healthy; each rule's expression and each Grafana rule's query + threshold,
 * run through /api/v1/query, select exactly the same streams; and ALERTS says the same. Each rule's query shows
 * every watched stream's stream-level truth, although some streams' shards publish under the same names (and,
 * with metric streams, some streams' _max series carry no region or account); without the shard matchers
 * the rules would page for a stream that is fine.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const key = (labels: Record<string, string>) =>
  JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );

interface Run {
  profile: string;
  server: RulesServer;
  data: SyntheticAlertData;
  plan: AlertPlan;
  /** The labels of every alert that must fire. */
  expected: Record<string, string>[];
  cleanup: () => Promise<void>;
}

/** One profile's run: the rule file as a user makes it (`alerts --config`), checked, then served with the data. */
async function start(profile: string): Promise<Run> {
  const tmp = await tempDir();
  try {
    await writeFile(join(tmp.path, 'kd.json'), JSON.stringify(proofOptions(profile)));
    const r = await cli(['alerts', '--config', 'kd.json'], { cwd: tmp.path });
    if (r.code !== 0) throw new Error(`alerts failed: ${r.stderr}`);
    const file = join(tmp.path, 'out', 'alerts', 'kinesis-alert-proof.rules.yml');
    const rulesText = await readFile(file, 'utf8');
    const check = await promtool(['check', 'rules', file]);
    if (check.code !== 0) throw new Error(`promtool check rules failed: ${check.stdout}${check.stderr}`);

    const plan = alertPlan(DashboardOptions.parse(proofOptions(profile)));
    const labels = new Map(plan.rules.map((x) => [x.name, ruleLabels(x)]));
    const end = Math.floor(Date.now() / 60_000) * 60;
    const data = syntheticAlertData(profile, { end, forState: plan.rules.map((x) => ({ name: x.name, labels: ruleLabels(x) })) });
    const expected = data.streams.flatMap((s) => s.breaks.map((alertname) => ({ alertname, ...labels.get(alertname)!, ...s.alertLabels })));
    const server = await startRulesServer({ openmetrics: data.openmetrics, ruleFiles: { 'kinesis.rules.yml': rulesText } });
    return { profile, server, data, plan, expected, cleanup: tmp.cleanup };
  } catch (e) {
    await tmp.cleanup();
    throw e;
  }
}

describeWithPrometheus('alert rules on a real Prometheus', () => {
  const runs = new Map<string, Run>();
  // The three servers start and evaluate side by side.
  beforeAll(async () => {
    const started = await Promise.allSettled(prometheusProfileNames().map(start));
    for (const s of started) if (s.status === 'fulfilled') runs.set(s.value.profile, s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }, 90_000);
  afterAll(async () => {
    await Promise.all([...runs.values()].map(async (r) => {
      await r.server.stop();
      await r.cleanup();
    }));
  });

  for (const profile of prometheusProfileNames()) {
    const run = () => runs.get(profile)!;

    it(`${profile}: fires exactly for the streams built to break each rule, and for no other`, async () => {
      const { server, data, plan, expected } = run();
      const want = expected.map(key).sort();
      let alerts: ApiAlert[] = [];
      // Two evaluations (1 s apart) and the restore between them; allow for a slow machine.
      const deadline = Date.now() + 30_000;
      for (;;) {
        alerts = await server.alerts();
        const firing = alerts.filter((a) => a.state === 'firing').map((a) => key(a.labels)).sort();
        if (JSON.stringify(firing) === JSON.stringify(want) || Date.now() > deadline) break;
        await sleep(200);
      }
      // One more evaluation: nothing else turns up, nothing is pending.
      await sleep(1500);
      alerts = await server.alerts();
      expect(alerts.map((a) => `${a.state} ${key(a.labels)}`).sort()).toEqual(want.map((k) => `firing ${k}`));
      expect(expected.length).toBe(8);
      expect(new Set(expected.map((e) => e.alertname))).toEqual(new Set(plan.rules.map((r) => r.name))); // every rule is broken by some stream

      // Messages rendered for the right stream, and nothing left unrendered.
      const stream = plan.profile.labels.stream;
      for (const a of alerts) {
        const s = data.streams.find((x) => x.labelValue === a.labels[stream])!;
        expect(a.annotations.summary).toContain(`Kinesis stream ${s.labelValue}`);
        expect(a.annotations.dashboard_url).toBe(
          `https://grafana.example.com/d/kinesis-alert-proof?${Object.entries({ stream: stream, region: plan.profile.labels.region, account: plan.profile.labels.account })
            .filter(([, l]) => l)
            .map(([v, l]) => `var-${v}=${encodeURIComponent(s.alertLabels[l!]!)}`)
            .join('&')}`,
        );
        for (const text of Object.values(a.annotations)) expect(text).not.toMatch(/\{\{|<no value>|error/i);
      }
      const age = alerts.find((a) => a.labels.alertname === 'KinesisIteratorAgeCritical')!;
      expect(age.annotations.summary).toContain('consumers are 1d 21h 36m 0s behind'); // 95% of the 48 h retention
    }, 45_000);

    it(`${profile}: lists the rules as the file writes them, all healthy`, async () => {
      const { server, plan } = run();
      const groups = await server.rules();
      expect(groups.map((g) => g.name)).toEqual(['kinesis-alert-proof']);
      const rules = groups[0]!.rules;
      expect(rules.map((r) => [r.name, r.type, r.duration, r.labels, r.health, r.lastError ?? ''])).toEqual(
        plan.rules.map((r) => [r.name, 'alerting', parseInt(r.for, 10) * 60, ruleLabels(r), 'ok', '']),
      );
      // The YAML as Prometheus read it: every annotation template byte for byte.
      expect(rules.map((r) => r.annotations)).toEqual(plan.rules.map((r) => prometheusAnnotations(plan, r, { grafanaUrl: 'https://grafana.example.com' })));
    });

    it(`${profile}: each expression, and each Grafana query with its threshold, selects exactly those streams`, async () => {
      const { server, plan, expected } = run();
      const stream = plan.profile.labels.stream;
      const grafana = grafanaRuleGroup(plan, { datasourceUid: 'prom', folder: 'Kinesis' });
      for (const [i, rule] of plan.rules.entries()) {
        const want = expected.filter((e) => e.alertname === rule.name).map((e) => e[stream]).sort();
        const viaRule = (await server.query(ruleExpr(plan, rule))).map((s) => s.labels[stream]).sort();
        expect(viaRule, rule.name).toEqual(want);
        const [a, b] = grafana.rules[i]!.data as { model: { expr?: string; conditions?: { evaluator: { params: number[] } }[] } }[];
        const threshold = b!.model.conditions![0]!.evaluator.params[0]!;
        const viaGrafana = (await server.query(a!.model.expr!)).filter((s) => s.value > threshold).map((s) => s.labels[stream]).sort();
        expect(viaGrafana, `${rule.name} (Grafana)`).toEqual(want);
      }
      const alertsSeries = await server.query('ALERTS{alertstate="firing"}');
      expect(alertsSeries.map(({ labels: { __name__: _n, alertstate: _s, ...rest } }) => key(rest)).sort()).toEqual(expected.map(key).sort());
    });

    it(`${profile}: each rule's query shows every watched stream's stream-level truth`, async () => {
      const { server, plan, data } = run();
      const { stream, region, account } = plan.profile.labels;
      const watched = data.streams.filter((s) => s.name !== 'ignored-lagging');
      // The data is as real exporters publish it: shard series under the stream-level names, bare _max series.
      expect(watched.filter((s) => s.enhancedShards > 0).map((s) => s.name)).toEqual(['orders', 'write-throttled', 'Hot-Writes', 'near-miss', 'recovered']);
      for (const rule of plan.rules) {
        const got = await server.query(plan.profile.expr(rule.spec));
        const want = watched.map((s) => ({ s, v: ruleTruth(s, rule.spec) })).filter((x): x is { s: (typeof watched)[number]; v: number } => x.v !== undefined);
        expect(got.map((g) => g.labels[stream]).sort(), rule.name).toEqual(want.map((w) => w.s.labelValue).sort());
        for (const { s, v } of want) {
          const g = got.find((x) => x.labels[stream] === s.labelValue)!;
          // The series carries the stream's own region and account (bare _max series included).
          if (region) expect([g.labels[region], g.labels[account!]], `${rule.name} ${s.name}`).toEqual([s.alertLabels[region], s.alertLabels[account!]]);
          expect(Math.abs(g.value - v), `${rule.name} ${s.name}: want ${v}, got ${g.value}`).toBeLessThanOrEqual(Math.max(1e-9, 1e-9 * Math.abs(v)));
        }
      }
      if (region && data.streams.some((s) => s.labels[region] === BARE_MAXIMUM_REGION)) {
        const bare = await server.query(`count(${plan.profile.seriesNames('GetRecords.IteratorAgeMilliseconds', 'Maximum')[0]}{${region}=""})`);
        expect(bare[0]?.value ?? 0, 'bare _max series in the data').toBe(profile === 'logzio-metric-streams' ? data.streams.filter((s) => s.labels[region] === BARE_MAXIMUM_REGION).length : 0);
      }
    });

    it(`${profile}: without the shard matchers, the utilisation rules would page for near-miss (its shard publishes its writes again)`, async () => {
      const { server, plan, expected } = run();
      const { stream, shard } = plan.profile.labels;
      const nearMiss = run().data.streams.find((s) => s.name === 'near-miss')!.labelValue;
      const wrong: string[] = [];
      for (const rule of plan.rules) {
        const expr = ruleExpr(plan, rule);
        const mutated = expr.replaceAll(`, ${shard}=""`, '');
        expect(mutated, rule.name).not.toBe(expr);
        const got = (await server.query(mutated)).map((s) => s.labels[stream]).sort();
        const want = expected.filter((e) => e.alertname === rule.name).map((e) => e[stream]).sort();
        if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${rule.name}: ${got.filter((x) => !want.includes(x!)).join(', ')}`);
      }
      expect(wrong).toEqual([`KinesisWriteBytesUtilisationHigh: ${nearMiss}`, `KinesisWriteRecordsUtilisationHigh: ${nearMiss}`]);
    });
  }
});
