import type { DashboardOptions } from '../config/schema.ts';
import { getProfile } from '../profiles/index.ts';
import { streamRegex } from '../profiles/spec.ts';
import { profileSettings } from '../config/profile-settings.ts';
import type { PromApi } from './api.ts';
import { checkDashboard, type DashboardCheck, type Status } from './checks.ts';
import { Diagnoser } from './diagnose.ts';
import { discover, type Discovery, type Finding, type StreamFound } from './discover.ts';

export type { PromApi } from './api.ts';
export type { DashboardCheck, ItemCheck, Status } from './checks.ts';
export type { Discovery, Finding, StreamFound } from './discover.ts';

/** What a doctor run reads: plain inputs, no CLI. */
export interface DoctorInput {
  api: PromApi;
  /** The dashboards the config (or the flags) describe. */
  dashboards: DashboardOptions[];
  /** The profile the user named (config or flag); otherwise the detected one is used. */
  configuredProfile?: string;
  /** End of the window, unix seconds. */
  until: number;
  sinceSeconds: number;
  maxDelaySeconds: number;
  maxSeries: number;
}

export interface StreamFilterCheck {
  uid: string;
  /** The filter as a regular expression over the stream label's values. */
  regex: string;
  matched: string[];
  finding: Finding;
}

export interface DoctorReport {
  window: { from: number; to: number };
  discovery: Discovery;
  /** Findings about streams, filters, enhanced monitoring and consumers, in report order. */
  findings: Finding[];
  filters: StreamFilterCheck[];
  dashboards: DashboardCheck[];
  counts: Record<Status, number>;
  /** Panels and rules that will show nothing (or not enough). */
  empty: number;
}

const where = (s: StreamFound) => [s.region, s.account].filter(Boolean).join(', ');
const name = (s: StreamFound) => (where(s) ? `${s.stream} (${where(s)})` : s.stream);

/** Reads the metrics and checks every panel and alert rule the dashboards will have. */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const { api, until, sinceSeconds, maxSeries } = input;
  const discovery = await discover({ api, until, sinceSeconds, maxSeries, ...(input.configuredProfile ? { configured: input.configuredProfile } : {}) });
  const findings: Finding[] = [discovery.profileFinding, ...discovery.quirks];

  const { streams } = discovery;
  const distinct = (xs: Array<string | undefined>) => [...new Set(xs.filter((x): x is string => x !== undefined))].sort();
  const regions = distinct(streams.map((s) => s.region));
  const accounts = distinct(streams.map((s) => s.account));
  findings.push(
    streams.length
      ? {
          status: 'ok',
          message:
            `${streams.length}${discovery.streamsTruncated ? '+' : ''} stream${streams.length === 1 ? '' : 's'}` +
            `${regions.length ? ` in ${regions.length} region${regions.length === 1 ? '' : 's'} (${regions.join(', ')})` : ''}` +
            `${accounts.length ? `, ${accounts.length} account${accounts.length === 1 ? '' : 's'} (${accounts.join(', ')})` : ''}: ${streams.map(name).join(', ')}`,
        }
      : { status: 'problem', message: 'no stream reports metrics in the window: the Stream variable will list nothing', fix: 'check the profile and the exporter' },
  );
  if (discovery.shards.length) {
    findings.push({
      status: 'ok',
      message: `enhanced (shard-level) monitoring on: shards seen per stream: ${discovery.shards.map((s) => `${name(s)} ${s.shards}`).join(', ')} (a suggestion for capacity.shards; after a reshard, closed shards count until they leave the window)`,
    });
  } else {
    findings.push({
      status: 'warning',
      message: 'no shard-level series: enhanced monitoring is off (or not exported); the shards row and shard-level capacity need it',
      fix: 'aws kinesis enable-enhanced-monitoring --shard-level-metrics ALL (costs extra CloudWatch metrics), and export the ShardId dimension',
    });
  }
  findings.push(
    discovery.consumers.length
      ? { status: 'ok', message: `enhanced fan-out consumers: ${discovery.consumers.map((c) => `${c.consumer} on ${name(c)}`).join(', ')}` }
      : { status: 'ok', message: 'no enhanced fan-out consumer series (the fan-out row would be empty)' },
  );

  // The detected profile stands in where the user named none.
  const dashboards = input.dashboards.map((d) => (input.configuredProfile ? d : { ...d, profile: discovery.profile }));

  const filters: StreamFilterCheck[] = [];
  for (const d of dashboards) {
    const settings = profileSettings(d);
    if (!settings.streams) continue;
    const lower = d.profile === 'logzio-metric-streams';
    const regex = streamRegex(settings.streams, lower)!;
    const re = new RegExp(`^(?:${regex})$`); // Prometheus anchors regex matchers
    const matched = distinct(streams.filter((s) => re.test(s.stream)).map((s) => s.stream));
    filters.push({
      uid: d.uid,
      regex,
      matched,
      finding: matched.length
        ? { status: 'ok', message: `dashboard ${d.uid}: the streams filter matches ${matched.length} of ${distinct(streams.map((s) => s.stream)).length} streams: ${matched.join(', ')}` }
        : {
            status: 'problem',
            message: `dashboard ${d.uid}: the streams filter (${regex}) matches none of the streams found`,
            fix: 'change "streams" to names (or a pattern) of the streams listed above',
          },
    });
  }
  findings.push(...filters.map((f) => f.finding));

  const checked: DashboardCheck[] = [];
  for (const d of dashboards) {
    const profile = getProfile(d.profile);
    const diagnoser = new Diagnoser({
      api,
      until,
      sinceSeconds,
      maxDelaySeconds: input.maxDelaySeconds,
      staleLookbackSeconds: Math.max(sinceSeconds * 2, 86400),
      labels: profile.labels,
      profile: d.profile,
      streamFilter: d.streams !== undefined,
    });
    checked.push(await checkDashboard(diagnoser, { until, sinceSeconds, stepSeconds: Math.max(d.periodSeconds, Math.ceil(sinceSeconds / 120)) }, d));
  }

  const counts: Record<Status, number> = { ok: 0, warning: 0, problem: 0 };
  for (const f of findings) counts[f.status]++;
  let empty = 0;
  for (const d of checked) {
    for (const item of [...d.panels, ...d.alerts]) {
      counts[item.status]++;
      if (item.status === 'problem') empty++;
    }
  }
  return { window: { from: until - sinceSeconds, to: until }, discovery, findings, filters, dashboards: checked, counts, empty };
}
