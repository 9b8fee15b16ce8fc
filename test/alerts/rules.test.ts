import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  alertFile,
  alertPlan,
  grafanaRuleFile,
  grafanaRuleGroup,
  grafanaRuleUid,
  ITERATOR_AGE_CRITICAL_FRACTION,
  prometheusRuleFile,
  ruleExpr,
  SUSTAINED_WINDOW_SECONDS,
  WRITE_UTILISATION_ALERT_FRACTION,
} from '../../src/alerts/index.ts';
import { toYaml } from '../../src/output/yaml.ts';
import { iteratorAgeLimitMs, SHARD_LIMITS } from '../../src/capacity.ts';
import { DashboardOptions, type DashboardOptionsInput } from '../../src/config/schema.ts';
import { getProfile, getPromqlProfile, ProfileError, prometheusProfileNames, type QuerySpec } from '../../src/profiles/index.ts';
import { promDuration } from '../../src/profiles/prometheus.ts';
import { serialize } from '../../src/output/serialize.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { readYamlSubset, withoutVariables } from './helpers.ts';

const plan = (input: DashboardOptionsInput) => alertPlan(DashboardOptions.parse(input));
const rule = (input: DashboardOptionsInput, name: string) => {
  const p = plan(input);
  const r = p.rules.find((x) => x.name === name);
  if (!r) throw new Error(`no rule ${name}`);
  return { plan: p, rule: r };
};

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
  panels?: Panel[];
  fieldConfig?: { defaults?: { thresholds?: { steps: { value: number | null }[] } } };
}
function dashboardPanel(input: DashboardOptionsInput, title: string): Panel {
  const d = JSON.parse(serialize(synth(input))) as { panels: Panel[] };
  const all = d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const p = all.find((x) => x.title === title);
  if (!p) throw new Error(`no panel "${title}"`);
  return p;
}
const redLine = (p: Panel) => p.fieldConfig?.defaults?.thresholds?.steps.at(-1)?.value;

const withCapacity = (profile: string, retentionHours = 24): DashboardOptionsInput => ({
  profile,
  capacity: { shards: { orders: 4, 'Clicks-Stream': 2 }, retentionHours },
});

describe('the rule set', () => {
  it.each(prometheusProfileNames())('%s: five rules per stream, two more with shard counts', (profile) => {
    expect(plan({ profile }).rules.map((r) => [r.name, r.severity, r.for])).toEqual([
      ['KinesisIteratorAgeHigh', 'warning', '15m'],
      ['KinesisIteratorAgeCritical', 'critical', '10m'],
      ['KinesisWriteThrottled', 'warning', '10m'],
      ['KinesisReadThrottled', 'warning', '10m'],
      ['KinesisPutRecordsFailedRecords', 'warning', '10m'],
    ]);
    expect(plan(withCapacity(profile)).rules.map((r) => r.name).slice(5)).toEqual(['KinesisWriteBytesUtilisationHigh', 'KinesisWriteRecordsUtilisationHigh']);
  });

  it('says why there are no utilisation rules without shard counts', () => {
    expect(plan({}).notes).toEqual([expect.stringMatching(/no write-utilisation rules: they need the shard count of each stream \(capacity\.shards\)/)]);
    expect(plan(withCapacity('yace')).notes).toEqual([]);
    expect(plan({ capacity: { retentionHours: 48 } }).rules).toHaveLength(5);
  });

  it('refuses the cloudwatch profile: its rules would not be PromQL', () => {
    expect(() => plan({ profile: 'cloudwatch' })).toThrow(/profile cloudwatch: alert rules are PromQL.*use a Prometheus profile \(cloudwatch-exporter, yace, logzio-metric-streams\), or CloudWatch alarms/);
  });

  it('reads each metric with the statistic the dashboard uses', () => {
    const p = plan(withCapacity('cloudwatch-exporter'));
    const specs = Object.fromEntries(p.rules.map((r) => [r.name, `${r.spec.metric} ${r.spec.statistic} ${r.spec.window}${r.spec.rangeSeconds ? ` ${r.spec.rangeSeconds}s` : ''}`]));
    expect(specs).toEqual({
      KinesisIteratorAgeHigh: 'GetRecords.IteratorAgeMilliseconds Maximum series',
      KinesisIteratorAgeCritical: 'GetRecords.IteratorAgeMilliseconds Maximum series',
      KinesisWriteThrottled: `WriteProvisionedThroughputExceeded Average range ${SUSTAINED_WINDOW_SECONDS}s`,
      KinesisReadThrottled: `ReadProvisionedThroughputExceeded Average range ${SUSTAINED_WINDOW_SECONDS}s`,
      KinesisPutRecordsFailedRecords: `PutRecords.FailedRecords Sum range ${SUSTAINED_WINDOW_SECONDS}s`,
      KinesisWriteBytesUtilisationHigh: 'IncomingBytes Sum series',
      KinesisWriteRecordsUtilisationHigh: 'IncomingRecords Sum series',
    });
    // `for` is longer than the window: a one-period blip (true for one window at most) never fires.
    for (const r of p.rules.filter((x) => x.spec.rangeSeconds)) expect(parseInt(r.for, 10) * 60).toBeGreaterThan(r.spec.rangeSeconds!);
  });
});

describe('thresholds: the capacity module\'s numbers', () => {
  it.each([24, 48, 168])('iterator age: half the %i h retention (warning) and 90%% of it (critical)', (retentionHours) => {
    const p = plan({ capacity: { retentionHours } });
    expect(p.rules[0]!.threshold).toBe(iteratorAgeLimitMs(retentionHours));
    expect(p.rules[1]!.threshold).toBe(retentionHours * 3_600_000 * ITERATOR_AGE_CRITICAL_FRACTION);
    expect(ITERATOR_AGE_CRITICAL_FRACTION).toBe(0.9);
  });

  it('default to the 24 h retention without a capacity setting', () => {
    expect(plan({}).rules[0]!.threshold).toBe(iteratorAgeLimitMs(24));
    expect(plan({}).rules[0]!.threshold).toBe(43_200_000);
  });

  it('utilisation: 80% of shards × the per-shard write limits', () => {
    const p = plan(withCapacity('yace'));
    const [bytes, records] = p.rules.slice(5);
    expect(WRITE_UTILISATION_ALERT_FRACTION).toBe(0.8);
    expect([bytes!.threshold, bytes!.spec.utilisationOf, records!.threshold, records!.spec.utilisationOf]).toEqual([0.8, SHARD_LIMITS.writeBytes, 0.8, SHARD_LIMITS.writeRecords]);
  });

  it('throttling and failed records: above zero', () => {
    expect(plan({}).rules.slice(2).map((r) => r.threshold)).toEqual([0, 0, 0]);
  });
});

describe('the dashboard and the alerts cannot disagree', () => {
  for (const profile of prometheusProfileNames()) {
    it(`${profile}: a changed retention moves the dashboard's red line and the alert together`, () => {
      for (const retentionHours of [24, 72]) {
        const input = withCapacity(profile, retentionHours);
        const panel = dashboardPanel(input, 'Iterator Age vs Retention');
        const { plan: p, rule: r } = rule(input, 'KinesisIteratorAgeHigh');
        expect(redLine(panel)).toBe(iteratorAgeLimitMs(retentionHours));
        expect(r.threshold).toBe(redLine(panel));
        // The same query, less the dashboard's variables.
        expect(ruleExpr(p, r)).toBe(`(${withoutVariables(panel.targets![0]!.expr)}) > ${redLine(panel)}`);
      }
    });

    it(`${profile}: utilisation rules are the Write Utilisation panel's queries`, () => {
      const input = { ...withCapacity(profile), streams: ['orders', 'Clicks-Stream'], periodSeconds: 300 };
      const panel = dashboardPanel(input, 'Write Utilisation');
      const p = plan(input);
      const exprs = p.rules.filter((r) => r.spec.utilisationOf).map((r) => ruleExpr(p, r));
      // The dashboard filters streams through the variable's "All"; the rule carries the filter itself.
      const filter = profile === 'logzio-metric-streams' ? '(?:orders|clicks-stream)' : '(?:orders|Clicks-Stream)';
      const stream = getProfile(profile).labels.stream;
      expect(exprs).toEqual(
        panel.targets!.map((t) => `(${withoutVariables(t.expr).replace(/(aws_kinesis_\w+)\{/g, `$1{${stream}=~"${filter}", `)}) > 0.8`),
      );
      expect(exprs[0]).toContain(' / 300 / '); // periodSeconds reaches the rule as it reaches the panel
    });

    it(`${profile}: throttling reads the dashboard's throttling series over the window`, () => {
      for (const [title, name] of [
        ['Throttled PutRecords/PutRecord Requests', 'KinesisWriteThrottled'],
        ['Throttled GetRecords Requests', 'KinesisReadThrottled'],
      ] as const) {
        const panel = dashboardPanel({ profile }, title);
        const { plan: p, rule: r } = rule({ profile }, name);
        const selectors = withoutVariables(panel.targets![0]!.expr).match(/aws_kinesis_\w+\{[^}]*\}/g)!;
        const e = ruleExpr(p, r);
        for (const s of selectors) expect(e).toContain(`${s}[5m]`);
        expect(e).not.toContain('$');
      }
    });
  }

  it('leaves shard and consumer series out, as the dashboard does, whether or not the shards row is on', () => {
    for (const rows of [{ shards: true }, {}]) {
      const p = plan({ profile: 'yace', rows });
      for (const r of p.rules) {
        for (const s of ruleExpr(p, r).match(/aws_kinesis_\w+\{[^}]*\}/g)!) expect(s).toMatch(/\{dimension_ShardId="", dimension_ConsumerName=""\}/);
      }
    }
  });

  it('carries a regex stream filter into every rule, as written for PromQL strings', () => {
    const p = plan({ profile: 'cloudwatch-exporter', streams: '^audit\\..*$' });
    for (const r of p.rules) expect(ruleExpr(p, r)).toContain('stream_name=~"^audit\\\\..*$"');
  });
});

describe('profile additions for plain PromQL', () => {
  const age: QuerySpec = { metric: 'GetRecords.IteratorAgeMilliseconds', statistic: 'Maximum', groupBy: 'stream', across: 'max', window: 'series' };

  it('variables: false drops the variable matchers, keeping the dimension matchers', () => {
    const p = getPromqlProfile('yace', { periodSeconds: 60, variables: false });
    expect(p.expr(age)).toBe('max by (dimension_StreamName, region, account_id) (aws_kinesis_get_records_iterator_age_milliseconds_maximum{dimension_ShardId="", dimension_ConsumerName=""})');
    expect(getPromqlProfile('yace').expr(age)).toContain('{dimension_StreamName=~"$stream", region=~"$region", account_id=~"$account", dimension_ShardId="", dimension_ConsumerName=""}');
  });

  it('rangeSeconds sets the window of a range read; the dashboard keeps $__range', () => {
    const spec: QuerySpec = { ...age, statistic: 'Average', window: 'range', rangeSeconds: 300 };
    expect(getPromqlProfile('cloudwatch-exporter').expr(spec)).toBe(
      'avg by (stream_name) (avg_over_time(aws_kinesis_get_records_iterator_age_milliseconds_average{stream_name=~"$stream", shard_id="", consumer_name=""}[5m]))',
    );
    expect(getPromqlProfile('cloudwatch-exporter').expr({ ...spec, rangeSeconds: undefined })).toContain('[$__range]');
    expect(() => getPromqlProfile('yace').expr({ ...age, rangeSeconds: 300 })).toThrow(ProfileError);
    expect(() => getPromqlProfile('yace').expr({ ...spec, rangeSeconds: 0 })).toThrow(/whole number of seconds above 0/);
    expect([promDuration(300), promDuration(3600), promDuration(90)]).toEqual(['5m', '1h', '90s']);
  });

  it('capacity outside a dashboard needs shard counts: there is no $shards variable', () => {
    const util: QuerySpec = { metric: 'IncomingBytes', statistic: 'Sum', groupBy: 'stream', across: 'avg', window: 'series', perSecond: true, utilisationOf: SHARD_LIMITS.writeBytes };
    expect(() => getPromqlProfile('yace', { periodSeconds: 60, variables: false }).expr(util)).toThrow(/needs the shard count of each stream \(capacity\.shards\)/);
    expect(getPromqlProfile('yace').expr(util)).toContain('($shards * 1048576)');
  });

  it('the cloudwatch profile has no PromQL expression', () => {
    expect(() => getPromqlProfile('cloudwatch')).toThrow(/not a profile whose queries are PromQL/);
  });
});

describe('Prometheus rule file', () => {
  it('is the same bytes on every run', () => {
    const o = DashboardOptions.parse({ ...withCapacity('yace'), alerts: { grafanaUrl: 'https://g.example.com/' } });
    expect(alertFile(o, 'prometheus').content).toBe(alertFile(o, 'prometheus').content);
  });

  it('reads back as one group named by the uid, every rule with its labels and annotations', () => {
    const p = plan({ ...withCapacity('yace'), uid: 'kin-prod' });
    const text = prometheusRuleFile(p, { grafanaUrl: 'https://grafana.example.com' });
    const doc = readYamlSubset(text) as { groups: { name: string; rules: Record<string, unknown>[] }[] };
    expect(doc.groups).toHaveLength(1);
    expect(doc.groups[0]!.name).toBe('kin-prod');
    expect(doc.groups[0]!.rules.map((r) => r.alert)).toEqual(p.rules.map((r) => r.name));
    const first = doc.groups[0]!.rules[0]!;
    expect(first).toMatchObject({ expr: ruleExpr(p, p.rules[0]!), for: '15m', labels: { severity: 'warning' } });
    expect(first.annotations).toEqual({
      summary: 'Kinesis stream {{ $labels.dimension_StreamName }} ({{ $labels.region }}): consumers are {{ printf "%f / 1000" $value | query | first | value | humanizeDuration }} behind, past half the retention',
      description: expect.stringContaining("above 12 h: half of the 24 h retention (capacity.retentionHours), the red line of the dashboard's Iterator Age vs Retention panel."),
      dashboard_uid: 'kin-prod',
      dashboard_url:
        'https://grafana.example.com/d/kin-prod?var-stream={{ $labels.dimension_StreamName | urlquery }}&var-region={{ $labels.region | urlquery }}&var-account={{ $labels.account_id | urlquery }}',
    });
    expect(text).toMatch(/^# Prometheus alerting rules for Amazon Kinesis Data Streams/);
  });

  it('has no dashboard_url without a Grafana address, and notes what it left out', () => {
    const text = prometheusRuleFile(plan({}));
    expect(text).not.toContain('dashboard_url');
    expect(text).toContain('# Note: no write-utilisation rules');
    expect(text).toContain("dashboard_uid: 'aws-kinesis'");
    expect(text).not.toContain('red line'); // no capacity row on this dashboard to point at
  });
});

describe('Grafana provisioning file', () => {
  const options = { datasourceUid: 'prom-main', folder: 'Kinesis' };

  it('queries the profile\'s PromQL on the datasource and thresholds it with the rule\'s number', () => {
    const p = plan(withCapacity('logzio-metric-streams', 48));
    const group = grafanaRuleGroup(p, options);
    expect(group).toMatchObject({ orgId: 1, name: 'aws-kinesis', folder: 'Kinesis', interval: '1m' });
    group.rules.forEach((g, i) => {
      const r = p.rules[i]!;
      const [a, b, c] = g.data as { refId: string; datasourceUid: string; model: Record<string, unknown> }[];
      expect(a).toMatchObject({ refId: 'A', datasourceUid: 'prom-main', model: { expr: p.profile.expr(r.spec), instant: true, range: false, refId: 'A' } });
      expect(b).toMatchObject({ refId: 'B', datasourceUid: '__expr__', model: { type: 'threshold', expression: 'A', conditions: [{ evaluator: { type: 'gt', params: [r.threshold] } }] } });
      expect(g).toMatchObject({ condition: 'B', for: r.for, labels: { severity: r.severity }, noDataState: 'OK', execErrState: 'Error', isPaused: false, title: `[aws-kinesis] ${r.name}` });
      if (r.value === 'milliseconds') expect(c).toMatchObject({ refId: 'C', model: { type: 'math', expression: '$A / 1000' } });
      else expect(c).toBeUndefined();
    });
    expect(group.rules[0]!.annotations.summary).toContain('{{ humanizeDuration $values.C.Value }}');
    expect(group.rules[2]!.annotations.summary).toContain('{{ humanizePercentage $values.A.Value }}');
  });

  it('gives each rule a stable uid of at most 40 characters, unique per dashboard', () => {
    const uids = (uid: string) => plan({ ...withCapacity('yace'), uid }).rules.map((r) => grafanaRuleUid(uid, r));
    const a = uids('x'.repeat(40));
    expect(a.every((u) => /^[a-zA-Z0-9_-]{1,40}$/.test(u))).toBe(true);
    expect(new Set(a).size).toBe(a.length);
    expect(uids('x'.repeat(40))).toEqual(a);
    expect(uids('other').some((u) => a.includes(u))).toBe(false);
  });

  it('escapes $ where Grafana expands environment variables, and only there', () => {
    const p = plan({ profile: 'cloudwatch-exporter', streams: '^orders$' });
    const text = grafanaRuleFile(p, { datasourceUid: 'prom', folder: 'Costs $ team' });
    expect(text).toContain("folder: 'Costs $$ team'");
    // Query models and annotations are read raw: their $ stay single.
    expect(text).toContain('stream_name=~"^orders$"');
    expect(text).toContain("expression: '$A / 1000'");
    expect(text).toContain('{{ $labels.stream_name }}');
    expect(text).not.toContain('$$labels');
  });

  // Grafana links a rule to a panel only through the rule's dashboardUid and panelId (provisioning's
  // AlertRuleV1, pkg/services/provisioning/alerting/rules_types.go), both or neither.
  it.each([
    ['the seed', {}, { KinesisIteratorAgeHigh: 'Avg Iterator Age', KinesisWriteThrottled: 'Throttled PutRecords/PutRecord Requests', KinesisReadThrottled: 'Throttled GetRecords Requests', KinesisPutRecordsFailedRecords: undefined }],
    [
      'every row and capacity',
      { rows: { recordOutcomes: true, shards: true, fanOut: true, successRates: true }, capacity: { shards: { orders: 2 } } },
      { KinesisIteratorAgeHigh: 'Iterator Age vs Retention', KinesisIteratorAgeCritical: 'Iterator Age vs Retention', KinesisPutRecordsFailedRecords: 'Failed Records', KinesisWriteBytesUtilisationHigh: 'Write Utilisation', KinesisWriteRecordsUtilisationHigh: 'Write Utilisation' },
    ],
  ] as const)('links each rule to the panel that shows its signal (%s)', (_name, input, want) => {
    const p = plan({ profile: 'yace', ...input });
    const group = grafanaRuleGroup(p, options);
    const panels = (JSON.parse(serialize(synth({ profile: 'yace', ...input }))) as { panels: (Panel & { id: number })[] }).panels;
    for (const [name, title] of Object.entries(want)) {
      const g = group.rules[p.rules.findIndex((r) => r.name === name)]! as { dashboardUid?: string; panelId?: number };
      if (title === undefined) {
        expect(g, name).not.toHaveProperty('dashboardUid');
        expect(g, name).not.toHaveProperty('panelId');
      } else {
        expect(g.dashboardUid, name).toBe('aws-kinesis');
        expect(panels.find((x) => x.id === g.panelId)?.title, name).toBe(title);
      }
    }
    for (const g of group.rules as { dashboardUid?: string; panelId?: number }[]) expect(g.dashboardUid === undefined).toBe(g.panelId === undefined);
  });

  // Grafana names a Grafana-managed alert by its title (alertname = title), unique per folder: the README's
  // Alertmanager matchers use a label both formats carry instead, and this holds them to it.
  it("carries the label the README's Alertmanager matchers use, in both formats alike", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const matchers = [...readme.matchAll(/(\w+)="(Kinesis\w+)"/g)].map((m) => [m[1]!, m[2]!] as const);
    expect(matchers.length).toBeGreaterThanOrEqual(2);
    const p = plan(withCapacity('yace'));
    const prom = readYamlSubset(prometheusRuleFile(p)) as { groups: { rules: { alert: string; labels: Record<string, string> }[] }[] };
    const graf = grafanaRuleGroup(p, options);
    for (const [label, value] of matchers) {
      expect(prom.groups[0]!.rules.filter((r) => r.labels[label] === value).map((r) => r.alert)).toEqual([value]);
      expect(graf.rules.filter((r) => r.labels[label] === value).map((r) => r.title)).toEqual([`[aws-kinesis] ${value}`]);
    }
  });

  it('reads back to the group it was written from', () => {
    const p = plan(withCapacity('yace'));
    const doc = readYamlSubset(grafanaRuleFile(p, { ...options, grafanaUrl: 'https://g.example.com' }));
    expect(doc).toEqual(JSON.parse(JSON.stringify({ apiVersion: 1, groups: [grafanaRuleGroup(p, { ...options, grafanaUrl: 'https://g.example.com' })] })));
  });
});

describe('the YAML writer', () => {
  it('writes block maps and sequences, quoting every string', () => {
    expect(toYaml({ a: 1, b: 'x', c: [{ d: true, e: ["it's", 2] }, 'f'], g: {}, h: [], i: undefined, j: () => 1 } as never)).toBe(
      ["a: 1", "b: 'x'", 'c:', '  - d: true', '    e:', "      - 'it''s'", '      - 2', "  - 'f'", 'g: {}', 'h: []', ''].join('\n'),
    );
  });

  it('refuses what a one-line scalar cannot hold', () => {
    expect(() => toYaml({ a: 'two\nlines' })).toThrow(/one-line YAML string/);
    expect(() => toYaml({ a: Number.NaN })).toThrow(/YAML number/);
  });

  it('quotes keys that are not plain words', () => {
    expect(toYaml({ 'a b': 1 })).toBe("'a b': 1\n");
  });
});
