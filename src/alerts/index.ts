import type { AlertOptions, DashboardOptions } from '../config/schema.ts';
import type { AlertFormat } from './formats.ts';
import { DEFAULT_ALERT_FOLDER, grafanaRuleFile } from './grafana.ts';
import { prometheusRuleFile } from './prometheus.ts';
import { alertPlan, type AlertPlan } from './rules.ts';

export * from './rules.ts';
export { DEFAULT_ALERT_FOLDER, grafanaRuleFile, grafanaRuleGroup, grafanaRuleTitle, grafanaRuleUid, GRAFANA_EVALUATION_INTERVAL } from './grafana.ts';
export { prometheusAnnotations, prometheusMessage, prometheusRuleFile } from './prometheus.ts';

export { ALERT_FORMATS, type AlertFormat } from './formats.ts';

export interface AlertFile {
  uid: string;
  /** File name: <uid>.rules.yml (Prometheus) or <uid>.grafana-alerts.yaml (Grafana provisioning). */
  name: string;
  content: string;
  plan: AlertPlan;
}

export function alertFileName(uid: string, format: AlertFormat): string {
  return format === 'prometheus' ? `${uid}.rules.yml` : `${uid}.grafana-alerts.yaml`;
}

/** The rule file for one dashboard: pure, the same bytes for the same input. */
export function alertFile(options: DashboardOptions, format: AlertFormat, settings: AlertOptions = {}): AlertFile {
  const plan = alertPlan(options);
  const grafanaUrl = settings.grafanaUrl !== undefined ? { grafanaUrl: settings.grafanaUrl } : {};
  let content: string;
  if (format === 'prometheus') content = prometheusRuleFile(plan, grafanaUrl);
  else {
    if (!settings.datasourceUid) throw new Error('Grafana-managed rules need the datasource uid');
    content = grafanaRuleFile(plan, { datasourceUid: settings.datasourceUid, folder: settings.folder ?? DEFAULT_ALERT_FOLDER, ...grafanaUrl });
  }
  return { uid: options.uid, name: alertFileName(options.uid, format), content, plan };
}
