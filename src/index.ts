// The package's library entry (package.json "exports"): what a program of your own imports to build the
// Kinesis dashboard, its rows, panels or alert rules. The names here are the public API: docs/api.md
// lists them, and test/api.test.ts fails when the two differ. The CLI is built on the same modules.
import type { AlertFile, AlertFormat, AlertPlan } from './alerts/index.ts';
import { alertFile, alertPlan } from './alerts/index.ts';
import { parseOptions } from './dashboard/compose.ts';
import { DashboardOptions, type DashboardOptionsInput } from './config/schema.ts';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { UsageError } from './errors.ts';
import { synthOptions } from './dashboard/synth.ts';

export { UsageError };

// The catalog: every AWS/Kinesis metric with its unit, statistics, level and description.
export { catalog, metric } from './catalog/index.ts';
export type { Dimension, Level, MetricEntry, Statistic, Unit } from './catalog/index.ts';

// Profiles: how each metrics source (exporter, or Grafana's CloudWatch datasource) names series and writes queries.
export { DEFAULT_PROFILE, getProfile, ProfileError, profileNames } from './profiles/index.ts';
export type { Profile, ProfileSettings, QuerySpec } from './profiles/index.ts';

// Signals and row sets: named signals (a catalog metric, its statistic, how streams combine), and panels
// described as signals, grouped in rows.
export { signals } from './signals/index.ts';
export type { Signal, SignalName } from './signals/index.ts';
export { rowSets } from '../panels/sets.ts';
export type { PanelSpec, RowSpec, SignalSpec } from '../panels/spec.ts';

// The Kinesis rows and panels for a dashboard of your own.
export { addKinesisRows, kinesisPanel, kinesisRows, kinesisRowsJson, KinesisRowsOptions, kinesisVariables } from './dashboard/compose.ts';
export type { KinesisPanelBuilder, KinesisRows } from './dashboard/compose.ts';

// The whole dashboard, its text, and checking a dashboard.
export { DashboardOptions } from './config/schema.ts';
export type { DashboardOptionsInput } from './config/schema.ts';
export { serialize } from './output/serialize.ts';
export { validateDashboard as validate } from './validate/dashboard.ts';
export type { Problem } from './validate/dashboard.ts';

// Alert rules.
export { ALERT_FORMATS } from './alerts/index.ts';
export type { AlertFile, AlertFormat, AlertPlan, AlertRule, Severity } from './alerts/index.ts';

/** The whole dashboard for these options (the config file's, with the same defaults): pure, the same output for the same options. */
export function synth(options: DashboardOptionsInput = {}): dashboard.Dashboard {
  return synthOptions(parseOptions(DashboardOptions, options));
}

/** The alert rules for a dashboard's options (Prometheus profiles only): each a query spec and a threshold. */
export function alertRules(options: DashboardOptionsInput = {}): AlertPlan {
  return alertPlan(parseOptions(DashboardOptions, options));
}

/**
 * The rule file for a dashboard's options, as `alerts` writes it: Prometheus rules, or Grafana's provisioning
 * format (which needs `alerts.datasourceUid`). Its settings are the options' `alerts`, as in the config file.
 */
export function alertRuleFile(options: DashboardOptionsInput, format: AlertFormat = 'prometheus'): AlertFile {
  const parsed = parseOptions(DashboardOptions, options);
  if (format === 'grafana' && !parsed.alerts?.datasourceUid) {
    throw new UsageError('options.alerts.datasourceUid: Grafana-managed rules name the uid of the Prometheus datasource they query; set it');
  }
  return alertFile(parsed, format, { ...parsed.alerts });
}
