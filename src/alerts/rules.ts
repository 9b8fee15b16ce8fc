import { createHash } from 'node:crypto';
import { DEFAULT_RETENTION_HOURS, iteratorAgeLimitMs, SHARD_LIMIT_TEXT } from '../capacity.ts';
import type { DashboardOptions } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { getPromqlProfile, ProfileError, prometheusProfileNames, type Profile, type ProfileSettings, type PromqlProfile, type QuerySpec } from '../profiles/index.ts';
import { profileSettings } from '../config/profile-settings.ts';
import { FRACTION_UNIT, querySpec, signals, signalUnit, utilisation, type Signal, type SignalReading } from '../signals/index.ts';
import { panelLinker } from './panel-links.ts';

/*
 * The alert rules as data, from the same sources as the dashboard: the signals (src/signals/) the panels
 * draw, the capacity module's limits and settings, and the profile that writes the panels' PromQL (with
 * `variables: false`, so the selectors carry no Grafana variables). Nothing here spells PromQL: a rule is
 * a signal read as a QuerySpec and a threshold, and the formats (prometheus.ts, grafana.ts) compare the
 * profile's expression with the threshold. So the dashboard's red line and the alert cannot disagree.
 */

/** Iterator age at which records are about to expire unread: the critical alert (the warning is the dashboard's line, half the retention). */
export const ITERATOR_AGE_CRITICAL_FRACTION = 0.9;

/** Write utilisation (of shards × the per-shard write limits) that warns before writes are throttled at 100%. */
export const WRITE_UTILISATION_ALERT_FRACTION = 0.8;

/**
 * Throttling and failed records are "sustained" when they recur in every window of this many seconds for
 * SUSTAINED_FOR. CloudWatch publishes one 60 s period at a time, exporters deliver it late and sometimes skip
 * one: over a five-minute window a single quiet or missing period does not reset the alert. A one-off blip
 * keeps the expression true for one window at most, so `for` is longer than the window: a blip never fires,
 * even when evaluations fall exactly on sample times (Prometheus 2 ranges include their start).
 */
export const SUSTAINED_WINDOW_SECONDS = 300;
export const SUSTAINED_FOR = '10m';

/** Why the cloudwatch profile makes no rules (it queries Grafana's CloudWatch datasource, not Prometheus). */
export const NOT_PROMQL =
  `alert rules are PromQL, and this profile reads CloudWatch through Grafana's CloudWatch datasource: ` +
  `use a Prometheus profile (${prometheusProfileNames().join(', ')}), or CloudWatch alarms on these metrics`;

export type Severity = 'warning' | 'critical';

/** How a rule's value reads in its messages. */
export type ValueKind = 'milliseconds' | 'fraction' | 'count';

/** A value is worded in its signal's unit: a duration, a percentage, or a plain number. */
function valueKind(r: SignalReading): ValueKind {
  const unit = signalUnit(r);
  return unit === 'ms' ? 'milliseconds' : unit === FRACTION_UNIT ? 'fraction' : 'count';
}

export interface AlertRule {
  /** The alert's name: Prometheus `alert` (the alertname label); Grafana titles it "[group] name". */
  name: string;
  /** Short and stable: part of the Grafana rule uid. */
  key: string;
  severity: Severity;
  /** How long the condition must hold before the alert fires, as a Prometheus duration. */
  for: string;
  /** What is compared, per stream: the profile turns it into the query. */
  spec: QuerySpec;
  /** The alert fires for each stream whose value is above this, in the spec's unit. */
  threshold: number;
  value: ValueKind;
  /** One line each; `{stream}` and `{value}` are filled in by the format (Prometheus or Grafana templates). */
  summary: string;
  description: string;
  /** The dashboard panel that shows this rule's signal, if the dashboard has one (Grafana links the two). */
  panelId?: number;
}

export interface AlertPlan {
  /** The dashboard's uid: the rule group's name and the file's. */
  uid: string;
  profile: PromqlProfile;
  rules: AlertRule[];
  /** Things the user should know, e.g. which rules were left out and why (printed, and comments in the file). */
  notes: string[];
  retentionHours: number;
}

/**
 * The dashboard's profile settings (as src/dashboard/synth.ts derives them) with the variables off: the dashboard's
 * queries as plain PromQL. test/alerts/rules.test.ts checks every rule against the dashboard's own query.
 */
export function alertProfileSettings(options: DashboardOptions): ProfileSettings {
  // The dashboard's settings exactly, less Grafana's variables: the same queries, as plain PromQL.
  return { ...profileSettings(options), variables: false };
}

/** A signal as messages name it: "GetRecords.IteratorAgeMilliseconds, Maximum". */
const named = (s: Signal) => `${s.metric}, ${s.statistic}`;

/** A signal per stream, as the dashboard draws it. */
const perStream = (r: SignalReading): QuerySpec => querySpec(r, { window: 'series' });

/** A signal per stream, reduced over the sustained window. */
const sustained = (s: Signal): QuerySpec => querySpec(s, { window: 'range', rangeSeconds: SUSTAINED_WINDOW_SECONDS });

/** A fraction for messages: 0.9 → "90%". */
const percent = (f: number) => `${Math.round(f * 1000) / 10}%`;

/** Hours for messages: "24 h", "21.6 h". */
const hours = (ms: number) => `${Number((ms / 3_600_000).toFixed(2))} h`;

/** The rules for one dashboard's options; UsageError when its profile cannot make them. */
export function alertPlan(options: DashboardOptions): AlertPlan {
  if (!prometheusProfileNames().includes(options.profile)) {
    throw new UsageError(`dashboard ${options.uid}: profile ${options.profile}: ${NOT_PROMQL}`);
  }
  const profile = getPromqlProfile(options.profile, alertProfileSettings(options));
  const retentionHours = options.capacity?.retentionHours ?? DEFAULT_RETENTION_HOURS;
  // The red line of the dashboard's Iterator Age vs Retention panel.
  const ageLine = iteratorAgeLimitMs(retentionHours);
  // A whole number of milliseconds, as the metric is.
  const criticalMs = Math.round(retentionHours * 3_600_000 * ITERATOR_AGE_CRITICAL_FRACTION);
  const retention = `the ${retentionHours} h retention (capacity.retentionHours)`;
  const period = `${options.periodSeconds} s`;
  const windowText = `${SUSTAINED_WINDOW_SECONDS / 60} minutes`;
  const sustainedText = `in every ${SUSTAINED_WINDOW_SECONDS / 60}-minute window for ${SUSTAINED_FOR.replace(/m$/, '')} minutes`;

  const rules: AlertRule[] = [
    {
      name: 'KinesisIteratorAgeHigh',
      key: 'iterator-age-warn',
      severity: 'warning',
      // Iterator age is accumulated lag: it does not jump to hours by noise, but a consumer starting at
      // TRIM_HORIZON reports the oldest record's age until it catches up. 15 minutes lets that pass and
      // still leaves most of the other half of the retention to act.
      for: '15m',
      spec: perStream(signals.iteratorAgeMax),
      threshold: ageLine,
      value: valueKind(signals.iteratorAgeMax),
      summary: 'Kinesis stream {stream}: consumers are {value} behind, past half the retention',
      description:
        `The oldest record GetRecords returned on {stream} is {value} old (${named(signals.iteratorAgeMax)}), ` +
        `above ${hours(ageLine)}: half of ${retention}${options.capacity ? ", the red line of the dashboard's Iterator Age vs Retention panel" : ''}. ` +
        `Records older than ${retentionHours} h expire unread: ` +
        'speed up or scale out the consumers, or extend the retention.',
    },
    {
      name: 'KinesisIteratorAgeCritical',
      key: 'iterator-age-crit',
      severity: 'critical',
      // At 90% at least 10% of the retention (2.4 h for 24 h) is left: 10 minutes of confirmation costs little of it.
      for: '10m',
      spec: perStream(signals.iteratorAgeMax),
      threshold: criticalMs,
      value: valueKind(signals.iteratorAgeMax),
      summary: 'Kinesis stream {stream}: consumers are {value} behind, records are about to expire unread',
      description:
        `The oldest record GetRecords returned on {stream} is {value} old (${named(signals.iteratorAgeMax)}), ` +
        `above ${hours(criticalMs)}: ${percent(ITERATOR_AGE_CRITICAL_FRACTION)} of ${retention}. Records older than ${retentionHours} h expire before they are read.`,
    },
    {
      name: 'KinesisWriteThrottled',
      key: 'write-throttled',
      severity: 'warning',
      for: SUSTAINED_FOR,
      spec: sustained(signals.writeThrottled),
      threshold: 0,
      value: valueKind(signals.writeThrottled),
      summary: 'Kinesis stream {stream}: {value} of writes throttled',
      description:
        `{value} of the records written to {stream} with PutRecord and PutRecords over the last ${windowText} were rejected because the stream was over ` +
        `its write throughput (${named(signals.writeThrottled)}), throttled ${sustainedText}. ` +
        `Add shards (${SHARD_LIMIT_TEXT.writeBytes}, ${SHARD_LIMIT_TEXT.writeRecords}) or spread the partition keys.`,
    },
    {
      name: 'KinesisReadThrottled',
      key: 'read-throttled',
      severity: 'warning',
      for: SUSTAINED_FOR,
      spec: sustained(signals.readThrottled),
      threshold: 0,
      value: valueKind(signals.readThrottled),
      summary: 'Kinesis stream {stream}: {value} of GetRecords calls throttled',
      description:
        `{value} of the GetRecords calls on {stream} over the last ${windowText} were throttled because the stream was over its read throughput ` +
        `(${named(signals.readThrottled)}), throttled ${sustainedText}. Shared-throughput consumers split ${SHARD_LIMIT_TEXT.readBytes} ` +
        'and 5 calls per second per shard: fewer consumers, longer polling intervals, enhanced fan-out or more shards.',
    },
    {
      name: 'KinesisPutRecordsFailedRecords',
      key: 'failed-records',
      severity: 'warning',
      for: SUSTAINED_FOR,
      spec: sustained(signals.putRecordsFailed),
      threshold: 0,
      value: valueKind(signals.putRecordsFailed),
      summary: 'Kinesis stream {stream}: PutRecords records failing',
      description:
        `PutRecords calls on {stream} had records rejected by internal Kinesis failures: {value} per ${period} period on average over the last ${windowText} ` +
        `(${named(signals.putRecordsFailed)}), failing ${sustainedText}. Producers must retry the failed records of each response, or that data is lost.`,
    },
  ];

  const notes: string[] = [];
  if (options.capacity?.shards) {
    for (const [limit, name, key, what] of [
      ['writeBytes', 'KinesisWriteBytesUtilisationHigh', 'write-bytes-util', 'Bytes'],
      ['writeRecords', 'KinesisWriteRecordsUtilisationHigh', 'write-records-util', 'Records'],
    ] as const) {
      rules.push({
        name,
        key,
        severity: 'warning',
        // Capacity planning, not an outage: 10 minutes of every period above the line, so bursts do not page.
        for: '10m',
        spec: perStream(utilisation[limit]),
        threshold: WRITE_UTILISATION_ALERT_FRACTION,
        value: valueKind(utilisation[limit]),
        summary: `Kinesis stream {stream}: writes at {value} of its ${what.toLowerCase()} limit`,
        description:
          `${what} written per second to {stream} are {value} of its write limit: shards × ${SHARD_LIMIT_TEXT[limit]}, with the shard count from capacity.shards ` +
          `(streams without one have no such rule). Above ${percent(WRITE_UTILISATION_ALERT_FRACTION)} for 10 minutes; past 100% writes are throttled. Add shards, and update capacity.shards.`,
      });
    }
  } else {
    notes.push('no write-utilisation rules: they need the shard count of each stream (capacity.shards); the dashboard\'s shards variable does not exist outside Grafana');
  }

  // Every expression is made now: a spec the profile cannot express fails before anything is written.
  for (const r of rules) {
    try {
      profile.expr(r.spec);
    } catch (e) {
      if (e instanceof ProfileError) throw new UsageError(`dashboard ${options.uid}: ${r.name}: ${e.message}`);
      throw e;
    }
  }
  const panelOf = panelLinker(options);
  for (const r of rules) {
    const id = panelOf(r.spec);
    if (id !== undefined) r.panelId = id;
  }
  return { uid: options.uid, profile, rules, notes, retentionHours };
}

/**
 * The label naming the rule, the same in both formats. Alertmanager matchers need one: Prometheus sets
 * `alertname` to the rule's name, but Grafana sets it to the rule's title ("[uid] name", unique per folder as
 * Grafana requires), so `alertname="KinesisIteratorAgeCritical"` would match no Grafana-managed alert.
 */
export const RULE_LABEL = 'kinesis_alert';

/** A rule's labels, in both formats (the profile's stream, region and account labels come from the query). */
export function ruleLabels(rule: AlertRule): Record<string, string> {
  return { [RULE_LABEL]: rule.name, severity: rule.severity };
}

/** The stream in messages: its label, and its region where the profile has one. */
export function streamTemplate(profile: Profile): string {
  const { stream, region } = profile.labels;
  return region ? `{{ $labels.${stream} }} ({{ $labels.${region} }})` : `{{ $labels.${stream} }}`;
}

/**
 * The dashboard in Grafana, filtered to the alert's stream (and region, account): `<url>/d/<uid>?var-stream=…`.
 * Label values go through `urlquery`, a Go template function both Prometheus and Grafana have.
 */
export function dashboardUrlTemplate(grafanaUrl: string, uid: string, profile: Profile): string {
  const { stream, region, account } = profile.labels;
  const vars = [
    ['stream', stream],
    ...(region ? [['region', region]] : []),
    ...(account ? [['account', account]] : []),
  ];
  return `${grafanaUrl}/d/${uid}?${vars.map(([v, l]) => `var-${v}={{ $labels.${l} | urlquery }}`).join('&')}`;
}

/** A short stable digest, for identifiers derived from a uid. */
export function digest(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** The rule's expression: the profile's query for the spec, compared with the threshold. */
export function ruleExpr(plan: AlertPlan, rule: AlertRule): string {
  return `(${plan.profile.expr(rule.spec)}) > ${rule.threshold}`;
}
