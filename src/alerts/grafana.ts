import * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import * as expr from '@grafana/grafana-foundation-sdk/expr';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { grafanaLiteral } from '../output/provisioning.ts';
import { canonical } from '../output/serialize.ts';
import { dashboardUrlTemplate, digest, ruleLabels, streamTemplate, type AlertPlan, type AlertRule, type ValueKind } from './rules.ts';
import { toYaml, yamlComments, type YamlValue } from '../output/yaml.ts';

/**
 * Grafana-managed alert rules in Grafana's file-provisioning format (provisioning/alerting/*.yaml): one rule
 * group per dashboard in one folder. Each rule is built with the SDK's alerting builders: query A is the
 * profile's PromQL for the spec (instant, on the given Prometheus datasource), B is a threshold expression
 * on A (the condition); iterator-age rules add C = A / 1000 so messages can show a duration.
 *
 * Grafana expands environment variables ($VAR) in most string fields of these files: those go through
 * `grafanaLiteral` ("$$"). Annotations and query models are read raw (no expansion since Grafana 9.1), so
 * their `{{ $labels.… }}` templates and PromQL stay as written.
 */

export { DEFAULT_ALERT_FOLDER } from './formats.ts';
/** CloudWatch data changes once a minute: evaluating more often finds nothing new. */
export const GRAFANA_EVALUATION_INTERVAL = '1m';
/** How far back query A reads: enough for the 5-minute windows and the 5-minute lookback. */
const QUERY_RANGE_SECONDS = 600;
/** Server-side expressions' datasource. */
const EXPRESSIONS = '__expr__';

export interface GrafanaRulesOptions {
  /** The Prometheus datasource the rules query (required: provisioning needs a concrete uid). */
  datasourceUid: string;
  /** The folder's title (created by Grafana if missing). */
  folder: string;
  grafanaUrl?: string;
}

const VALUE: Record<ValueKind, string> = {
  milliseconds: '{{ humanizeDuration $values.C.Value }}',
  fraction: '{{ humanizePercentage $values.A.Value }}',
  count: '{{ humanize $values.A.Value }}',
};

/** A Grafana rule uid: stable, unique per dashboard and rule, at most 40 characters (Grafana's limit). */
export function grafanaRuleUid(dashboardUid: string, rule: AlertRule): string {
  const uid = `kd-${rule.key}-${digest(dashboardUid, 10)}`;
  if (uid.length > 40) throw new Error(`rule uid ${uid} is over 40 characters: shorten the key of ${rule.name}`);
  return uid;
}

/**
 * The rule's title. Grafana before 12 requires titles unique within a folder, and several dashboards may share
 * one: the group (dashboard uid) goes first, as Grafana's own Prometheus-rule import does.
 */
export function grafanaRuleTitle(dashboardUid: string, rule: AlertRule): string {
  return `[${dashboardUid}] ${rule.name}`;
}

function message(plan: AlertPlan, rule: AlertRule, text: string): string {
  return text.replaceAll('{stream}', streamTemplate(plan.profile)).replaceAll('{value}', VALUE[rule.value]);
}

/** One rule, as the SDK builds it. */
export function grafanaRule(plan: AlertPlan, rule: AlertRule, options: GrafanaRulesOptions): alerting.Rule {
  const query = new alerting.QueryBuilder('A')
    .datasourceUid(options.datasourceUid)
    .relativeTimeRange({ from: QUERY_RANGE_SECONDS, to: 0 })
    .model(
      new prometheus.DataqueryBuilder()
        .datasource({ type: 'prometheus', uid: options.datasourceUid })
        .refId('A')
        .editorMode(prometheus.QueryEditorMode.Code)
        .expr(plan.profile.expr(rule.spec))
        .instant(),
    );
  const threshold = new alerting.QueryBuilder('B').datasourceUid(EXPRESSIONS).model(
    new expr.TypeThresholdBuilder()
      .datasource({ type: EXPRESSIONS, uid: EXPRESSIONS })
      .refId('B')
      .expression('A')
      .conditions([{ evaluator: { type: 'gt', params: [rule.threshold] } }]),
  );
  const queries = [query, threshold];
  if (rule.value === 'milliseconds') {
    queries.push(
      new alerting.QueryBuilder('C').datasourceUid(EXPRESSIONS).model(new expr.TypeMathBuilder().datasource({ type: EXPRESSIONS, uid: EXPRESSIONS }).refId('C').expression('$A / 1000')),
    );
  }
  return new alerting.RuleBuilder(grafanaRuleTitle(plan.uid, rule))
    .uid(grafanaRuleUid(plan.uid, rule))
    .condition('B')
    .queries(queries)
    // No series (no stream has data) is not a problem of these streams; a failing query is an error, not an alert.
    .noDataState('OK')
    .execErrState('Error')
    .forDuration(rule.for)
    .labels(ruleLabels(rule))
    .annotations({
      summary: message(plan, rule, rule.summary),
      description: message(plan, rule, rule.description),
      dashboard_uid: plan.uid,
      ...(options.grafanaUrl ? { dashboard_url: dashboardUrlTemplate(options.grafanaUrl, plan.uid, plan.profile) } : {}),
    })
    .isPaused(false)
    .build();
}

/** The provisioning file's rule group for one dashboard, as data (the fields Grafana reads, in its export's order). */
export function grafanaRuleGroup(plan: AlertPlan, options: GrafanaRulesOptions) {
  const lit = grafanaLiteral;
  return {
    orgId: 1,
    name: lit(plan.uid),
    folder: lit(options.folder),
    interval: GRAFANA_EVALUATION_INTERVAL,
    rules: plan.rules.map((r) => {
      const rule = grafanaRule(plan, r, options);
      return {
        uid: lit(rule.uid!),
        title: lit(rule.title),
        condition: rule.condition,
        data: rule.data.map((q) => ({
          refId: q.refId!,
          ...(q.relativeTimeRange ? { relativeTimeRange: { from: q.relativeTimeRange.from!, to: q.relativeTimeRange.to! } } : {}),
          datasourceUid: lit(q.datasourceUid!),
          // Read raw by Grafana: no "$$". Keys sorted, as in the dashboard JSON.
          model: canonical(q.model) as YamlValue,
        })),
        // Links the rule to its panel: Grafana opens it from the alert and shows the alert's state on it.
        ...(r.panelId !== undefined ? { dashboardUid: lit(plan.uid), panelId: r.panelId } : {}),
        noDataState: rule.noDataState,
        execErrState: rule.execErrState,
        for: rule.for,
        labels: Object.fromEntries(Object.entries(rule.labels ?? {}).map(([k, v]) => [k, lit(v)])),
        annotations: rule.annotations ?? {},
        isPaused: rule.isPaused ?? false,
      };
    }),
  };
}

/** The provisioning file's text: the same bytes for the same plan and options. */
export function grafanaRuleFile(plan: AlertPlan, options: GrafanaRulesOptions): string {
  const header = yamlComments([
    'Grafana-managed alert rules for Amazon Kinesis Data Streams, written by kinesis-dashboards: regenerate them instead of editing them.',
    `Dashboard ${plan.uid}, profile ${plan.profile.id}: the same queries and thresholds as the dashboard (retention ${plan.retentionHours} h).`,
    ...plan.notes.map((n) => `Note: ${n}.`),
    "Put this file in Grafana's provisioning/alerting/ directory; the rules query the Prometheus datasource named by its uid.",
  ]);
  return header + toYaml({ apiVersion: 1, groups: [grafanaRuleGroup(plan, options)] });
}
