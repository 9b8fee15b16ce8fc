import { dashboardUrlTemplate, ruleExpr, ruleLabels, streamTemplate, type AlertPlan, type AlertRule, type ValueKind } from './rules.ts';
import { toYaml, yamlComments } from '../output/yaml.ts';

/**
 * A Prometheus rule file (`promtool check rules`, `rule_files:`): one group per dashboard, named by its uid,
 * one alerting rule per AlertRule. The group sets no `interval`: it runs at the server's evaluation_interval
 * (CloudWatch data changes once a minute, so anything up to 1m is plenty).
 */

/** `$value` in a message, readable: iterator age in ms becomes a duration through a scalar query (templates have no arithmetic). */
const VALUE: Record<ValueKind, string> = {
  milliseconds: '{{ printf "%f / 1000" $value | query | first | value | humanizeDuration }}',
  fraction: '{{ $value | humanizePercentage }}',
  count: '{{ $value | humanize }}',
};

export interface PrometheusRulesOptions {
  /** Grafana's base URL: adds a `dashboard_url` annotation opening the dashboard on the alert's stream. */
  grafanaUrl?: string;
}

/** Fills a message's `{stream}` and `{value}` with Prometheus template text. */
export function prometheusMessage(plan: AlertPlan, rule: AlertRule, text: string): string {
  return text.replaceAll('{stream}', streamTemplate(plan.profile)).replaceAll('{value}', VALUE[rule.value]);
}

/** The annotations of a rule, in file order. */
export function prometheusAnnotations(plan: AlertPlan, rule: AlertRule, options: PrometheusRulesOptions = {}): Record<string, string> {
  return {
    summary: prometheusMessage(plan, rule, rule.summary),
    description: prometheusMessage(plan, rule, rule.description),
    dashboard_uid: plan.uid,
    ...(options.grafanaUrl ? { dashboard_url: dashboardUrlTemplate(options.grafanaUrl, plan.uid, plan.profile) } : {}),
  };
}

/** The rule file's text: the same bytes for the same plan and options. */
export function prometheusRuleFile(plan: AlertPlan, options: PrometheusRulesOptions = {}): string {
  const header = yamlComments([
    'Prometheus alerting rules for Amazon Kinesis Data Streams, written by kinesis-dashboards: regenerate them instead of editing them.',
    `Dashboard ${plan.uid}, profile ${plan.profile.id}: the same queries and thresholds as the dashboard (retention ${plan.retentionHours} h).`,
    ...plan.notes.map((n) => `Note: ${n}.`),
    'Load it with rule_files: in prometheus.yml; check it with `promtool check rules`.',
  ]);
  const group = {
    name: plan.uid,
    rules: plan.rules.map((rule) => ({
      alert: rule.name,
      expr: ruleExpr(plan, rule),
      for: rule.for,
      labels: ruleLabels(rule),
      annotations: prometheusAnnotations(plan, rule, options),
    })),
  };
  return header + toYaml({ groups: [group] });
}
