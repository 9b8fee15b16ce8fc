import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { alertPlan, grafanaRuleGroup, prometheusAnnotations, prometheusRuleFile, ruleLabels, type AlertPlan, type AlertRule } from '../../src/alerts/index.ts';
import { toYaml } from '../../src/output/yaml.ts';
import { SHARD_LIMITS } from '../../src/capacity.ts';
import { DashboardOptions, type DashboardOptionsInput } from '../../src/config/schema.ts';
import { prometheusProfileNames, type Profile } from '../../src/profiles/index.ts';
import { cli, tempDir } from '../support/cli.ts';
import { describeWithPrometheus } from '../support/prometheus.ts';
import { filesIn, promtool } from '../support/promtool.ts';
import { renderAnnotation } from './helpers.ts';

/*
 * promtool on what `alerts` writes: `check rules` on every generated file (and on the Grafana files' queries,
 * as a rule file), and `promtool test rules` unit tests in which every rule fires for the stream built to
 * break it, after its `for` and not a minute before, and never for a healthy stream, one at the threshold,
 * a one-period blip, a stream that recovers before `for`, or a stream without a shard count.
 */

const GRAFANA_URL = 'https://grafana.example.com';

/** Dashboards that exercise every option a rule reads. */
function configs(profile: string): (DashboardOptionsInput & { uid: string; title: string })[] {
  return [
    { profile, uid: 'plain', title: 'Plain' },
    {
      profile,
      uid: 'capacity',
      title: 'Capacity',
      streams: ['orders', 'audit.log', 'Clicks-Stream'],
      capacity: { shards: { orders: 4, 'audit.log': 1, 'Clicks-Stream': 2 }, retentionHours: 168 },
      alerts: { grafanaUrl: GRAFANA_URL },
    },
    { profile, uid: 'regex-shards', title: 'Regex', streams: '^(audit|orders)[.-].*$', rows: { shards: { top: 3 } }, periodSeconds: 300, capacity: { shards: { 'orders-eu': 3 } } },
  ];
}

for (const profile of prometheusProfileNames()) {
  describeWithPrometheus(`promtool on the generated rules — ${profile}`, () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    beforeAll(async () => ({ path: dir, cleanup } = await tempDir()));
    afterAll(() => cleanup());

    it('`promtool check rules` passes on every file `alerts` writes', async () => {
      await writeFile(join(dir, 'kd.json'), JSON.stringify({ dashboards: configs(profile) }));
      const r = await cli(['alerts', '--config', 'kd.json', '--out', 'rules'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const files = (await readdir(join(dir, 'rules'))).sort();
      expect(files).toEqual(['capacity.rules.yml', 'plain.rules.yml', 'regex-shards.rules.yml']);
      const check = await promtool(['check', 'rules', ...files], join(dir, 'rules'));
      expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0);
      expect(check.stdout.match(/SUCCESS: (\d+) rules found/g)).toEqual(['SUCCESS: 7 rules found', 'SUCCESS: 5 rules found', 'SUCCESS: 7 rules found']);
    });

    it('the Grafana files\' queries are valid PromQL with the same thresholds (checked as a rule file)', async () => {
      const groups = configs(profile).map((c) => {
        const plan = alertPlan(DashboardOptions.parse(c));
        const g = grafanaRuleGroup(plan, { datasourceUid: 'prom', folder: 'Kinesis' });
        return {
          name: c.uid,
          rules: g.rules.map((rule) => {
            const [a, b] = rule.data as { model: { expr?: string; conditions?: { evaluator: { params: number[] } }[] } }[];
            return { alert: rule.title.replace(/\W+/g, '_'), expr: `(${a!.model.expr}) > ${b!.model.conditions![0]!.evaluator.params[0]}`, for: rule.for };
          }),
        };
      });
      const files = filesIn({ 'grafana-queries.yml': toYaml({ groups }) });
      try {
        const check = await promtool(['check', 'rules', 'grafana-queries.yml'], files.dir);
        expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0);
      } finally {
        files.cleanup();
      }
    });

    it('`promtool test rules`: each rule fires for the stream built to break it, after its `for`, and for no other', async () => {
      const plan = alertPlan(DashboardOptions.parse({ profile, uid: 'unit', capacity: { shards: { hot: 2, calm: 2 } }, alerts: { grafanaUrl: GRAFANA_URL } }));
      const rules = prometheusRuleFile(plan, { grafanaUrl: GRAFANA_URL });
      const tests = unitTests(plan);
      expect(tests.tests.map((t) => t.alert_rule_test[0]!.alertname)).toEqual(plan.rules.map((r) => r.name)); // every rule covered
      const files = filesIn({ 'kinesis.rules.yml': rules, 'kinesis.test.yml': toYaml(tests as never) });
      try {
        const r = await promtool(['test', 'rules', 'kinesis.test.yml'], files.dir);
        expect(r.code, `${r.stdout}\n${r.stderr}\n${await readFile(join(files.dir, 'kinesis.test.yml'), 'utf8')}`).toBe(0);
        expect(r.stdout).toMatch(/SUCCESS/);
      } finally {
        files.cleanup();
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The unit tests promtool runs, generated per profile: series names from the profile, values per minute.

const MINUTES = 30;

interface Stream {
  name: string;
  /** The rule's statistic per minute (0 … MINUTES), as CloudWatch reports it; null: no sample. */
  values: (i: number) => number | null;
}

interface Case {
  /** The streams of the test; the first breaks the rule. */
  streams: Stream[];
  /** How Prometheus renders the broken stream's value in messages. */
  valueText: string;
}

const retentionMs = 24 * 3_600_000;
const per = (fraction: number, shards: number, limit: number, periodSeconds = 60) => fraction * shards * limit * periodSeconds;
const constant = (v: number) => () => v;
const only = (minute: number, v: number, otherwise = 0) => (i: number) => (i === minute ? v : otherwise);

/** The streams of each rule's test: the broken one first; the others must never fire. */
function caseFor(rule: AlertRule): Case {
  switch (rule.name) {
    case 'KinesisIteratorAgeHigh':
      return {
        streams: [
          { name: 'lagging', values: constant(0.6 * retentionMs) },
          { name: 'at-threshold', values: constant(rule.threshold) }, // "above", not "at"
          { name: 'caught-up', values: (i) => (i < 10 ? 0.95 * retentionMs : 1000) }, // recovers before `for`
          { name: 'healthy', values: constant(800) },
        ],
        valueText: '14h 24m 0s',
      };
    case 'KinesisIteratorAgeCritical':
      return {
        streams: [
          { name: 'expiring', values: constant(0.95 * retentionMs) },
          { name: 'lagging', values: constant(0.6 * retentionMs) },
          { name: 'healthy', values: constant(800) },
        ],
        valueText: '22h 48m 0s',
      };
    case 'KinesisWriteThrottled':
    case 'KinesisReadThrottled':
      return {
        streams: [
          { name: 'throttled', values: constant(0.1) },
          { name: 'blip', values: only(5, 0.5) }, // one throttled period: never fires
          { name: 'healthy', values: constant(0) },
        ],
        valueText: '10%',
      };
    case 'KinesisPutRecordsFailedRecords':
      return {
        streams: [
          { name: 'failing', values: constant(4) },
          { name: 'blip', values: only(5, 9) },
          { name: 'healthy', values: constant(0) },
        ],
        valueText: '4',
      };
    case 'KinesisWriteBytesUtilisationHigh':
    case 'KinesisWriteRecordsUtilisationHigh': {
      const limit = rule.name === 'KinesisWriteBytesUtilisationHigh' ? SHARD_LIMITS.writeBytes : SHARD_LIMITS.writeRecords;
      return {
        streams: [
          { name: 'hot', values: constant(per(0.85, 2, limit)) },
          { name: 'calm', values: constant(per(0.5, 2, limit)) },
          { name: 'no-shard-count', values: constant(per(3, 1, limit)) }, // not in capacity.shards: no rule judges it
        ],
        valueText: '85%',
      };
    }
    default:
      throw new Error(`no unit test for ${rule.name}: add a case`);
  }
}

/** Labels of a test stream as the profile stores them (the exporter adds job, which the rules aggregate away). */
function streamLabels(profile: Profile, name: string) {
  const { stream, region, account } = profile.labels;
  const alert: Record<string, string> = { [stream]: name, ...(region ? { [region]: 'us-east-1' } : {}), ...(account ? { [account]: '111122223333' } : {}) };
  return { alert, series: { ...alert, job: 'cloudwatch' } };
}

const seriesText = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;

/** promtool's value list: one value per minute, `_` for none. */
const valueList = (f: (i: number) => number | null) => Array.from({ length: MINUTES + 1 }, (_, i) => f(i) ?? '_').join(' ');

function unitTests(plan: AlertPlan) {
  const { profile } = plan;
  const minutes = (d: string) => parseInt(d, 10);
  return {
    rule_files: ['kinesis.rules.yml'],
    evaluation_interval: '1m',
    tests: plan.rules.map((rule) => {
      const c = caseFor(rule);
      const names = profile.seriesNames(rule.spec.metric, rule.spec.statistic);
      const input_series = c.streams.flatMap((s) => {
        const { series } = streamLabels(profile, s.name);
        // One series holds the statistic; an Average read as sum / count (metric streams) gets both.
        if (names.length === 1) return [{ series: seriesText(names[0]!, series), values: valueList(s.values) }];
        return [
          { series: seriesText(names[0]!, series), values: valueList((i) => (s.values(i) === null ? null : s.values(i)! * 1000)) },
          { series: seriesText(names[1]!, series), values: valueList((i) => (s.values(i) === null ? null : 1000)) },
        ];
      });
      const broken = streamLabels(profile, c.streams[0]!.name).alert;
      const firing = [
        {
          exp_labels: { ...ruleLabels(rule), ...broken },
          exp_annotations: Object.fromEntries(Object.entries(prometheusAnnotations(plan, rule, { grafanaUrl: GRAFANA_URL })).map(([k, v]) => [k, renderAnnotation(v, broken, c.valueText)])),
        },
      ];
      const forMinutes = minutes(rule.for);
      return {
        interval: '1m',
        input_series,
        alert_rule_test: [
          // Pending, not yet firing, a minute before `for` has passed (every stream breaks from minute 0).
          { eval_time: `${forMinutes - 1}m`, alertname: rule.name, exp_alerts: [] },
          { eval_time: `${forMinutes}m`, alertname: rule.name, exp_alerts: firing },
          { eval_time: `${MINUTES}m`, alertname: rule.name, exp_alerts: firing },
        ],
      };
    }),
  };
}
