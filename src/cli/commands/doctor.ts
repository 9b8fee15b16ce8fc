import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.ts';
import { isObject } from '../../json.ts';
import { LOGZIO_REGIONS, type LogzioRegion } from '../../grafana/regions.ts';
import type { Context } from '../context.ts';
import type { DashboardFlags } from '../../config/load.ts';
import { credentialOptions, dashboardOptions } from '../options.ts';

export interface DoctorFlags extends DashboardFlags {
  prometheusUrl?: string;
  url?: string;
  datasourceUid?: string;
  logzioRegion?: string;
  tokenFile?: string;
  token?: string;
  orgId?: number;
  header?: string[];
  caCert?: string;
  insecureSkipTlsVerify?: boolean;
  timeout?: number;
  concurrency?: number;
  since?: string;
  until?: string;
  maxDelay?: string;
  maxSeries?: number;
  json?: boolean;
  writeConfig?: string;
  debug?: boolean;
}

const DESCRIBE = [
  'Checks the dashboard against your real metrics: which profile they match, which streams, regions and accounts report, whether shard and consumer series exist, and for every panel and alert rule of the dashboards the config describes whether its queries return data (and the first reason when not).',
  '',
  'It reads metrics only, with GET /api/v1/query and /api/v1/query_range, from one of:',
  '• --prometheus-url URL: a Prometheus-compatible API (Prometheus, Mimir, Thanos, VictoriaMetrics); credentials from PROMETHEUS_TOKEN (bearer), or PROMETHEUS_USER and PROMETHEUS_PASSWORD (basic), or --token-file;',
  "• Grafana's data source proxy: --url URL (or GRAFANA_URL) and --datasource-uid UID (or alerts.datasourceUid in the config); credentials as for publish: GRAFANA_TOKEN, or GRAFANA_USER and GRAFANA_PASSWORD, or --token-file;",
  "• --logzio-region R: Logz.io's Prometheus-compatible metrics API; token from LOGZIO_API_TOKEN.",
  '',
  'It never writes to Grafana or Prometheus. --write-config writes only the local file you name. --debug prints every query it sends.',
  'Exit 0: every panel and rule will show data; 1: something will not; 2: bad input.',
].join('\n');

export function builder(y: Argv) {
  const options = dashboardOptions(y.usage(`$0 doctor [options]\n\n${DESCRIBE}`))
    .option('prometheus-url', { type: 'string', describe: 'base URL of a Prometheus-compatible query API (the part before /api/v1)' })
    .option('url', { type: 'string', describe: 'Grafana URL (or GRAFANA_URL): read through its data source proxy' })
    .option('datasource-uid', { type: 'string', describe: "with Grafana: the Prometheus data source's uid (config: alerts.datasourceUid)" })
    .option('logzio-region', { type: 'string', choices: Object.keys(LOGZIO_REGIONS), describe: "read Logz.io's metrics API in this region (token from LOGZIO_API_TOKEN)" });
  return credentialOptions(options, '; e.g. X-Scope-OrgID for Mimir')
    .option('timeout', { type: 'number', describe: 'seconds each query may take, sent to the server too (default 30)' })
    .option('concurrency', { type: 'number', describe: 'queries in flight at once (default 4)' })
    .option('since', { type: 'string', describe: 'how far back to read: 30m, 1h (default), 6h, 1d' })
    .option('until', { type: 'string', describe: 'end of the window: an RFC 3339 time or unix seconds (default now)' })
    .option('max-delay', { type: 'string', describe: "data older than this at the end of the window is stale (default 15m: CloudWatch exporters' usual delay)" })
    .option('max-series', { type: 'number', describe: 'most streams, shards and consumers listed (default 500)' })
    .option('json', { type: 'boolean', describe: 'print the report as JSON' })
    .option('write-config', { type: 'string', describe: 'write (or update, keeping what you wrote) this config file with the detected profile, streams and shard counts' })
    .conflicts('prometheus-url', ['url', 'logzio-region'])
    .conflicts('url', 'logzio-region');
}

/** The longest window or delay a duration flag takes: a year of data is more than any metrics store keeps at this resolution. */
const MAX_DURATION_SECONDS = 366 * 86400;

/** "90s", "30m", "1h", "1d" → seconds. */
function parseDuration(text: string, flag: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  const n = m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'] : NaN;
  if (!(n > 0)) throw new UsageError(`${flag}: "${text}" is not a duration; write it like 30m, 1h or 1d`);
  if (n > MAX_DURATION_SECONDS) throw new UsageError(`${flag}: "${text}" is more than 366 days; give a shorter duration`);
  return n;
}

function parseTime(text: string): number {
  const t = /^\d{1,12}(\.\d+)?$/.test(text.trim()) ? Number(text) : Date.parse(text) / 1000;
  if (!Number.isFinite(t) || t < 0) throw new UsageError(`--until: "${text}" is not a time; give an RFC 3339 time (2024-03-01T04:00:00Z) or unix seconds`);
  return Math.floor(t);
}

async function readJsonObject(ctx: Context, path: string, flag: string, missingOk: boolean): Promise<Record<string, unknown> | undefined> {
  const { MAX_BYTES, readJsonFile } = await import('../../read.ts');
  if (missingOk && !existsSync(resolve(ctx.cwd, path))) return undefined;
  const value = readJsonFile(ctx.cwd, path, `${flag} ${path}`, MAX_BYTES.config, 'pass a JSON config file, or a new file name');
  if (!isObject(value)) throw new UsageError(`${flag} ${path}: a config file is a JSON object`);
  return value;
}

/** What runs once the command line is parsed. */
export async function handler(ctx: Context, flags: DoctorFlags): Promise<void> {
  if (flags.token !== undefined) {
    throw new UsageError('--token would put the secret in shell history and process lists: set PROMETHEUS_TOKEN, GRAFANA_TOKEN or LOGZIO_API_TOKEN, or use --token-file');
  }
  const sinceSeconds = parseDuration(flags.since ?? '1h', '--since');
  const maxDelaySeconds = parseDuration(flags.maxDelay ?? '15m', '--max-delay');
  const until = flags.until !== undefined ? parseTime(flags.until) : Math.floor(Date.now() / 1000);
  const { checked, Concurrency, MaxSeries, TimeoutSeconds } = await import('../../config/limits.ts');
  const maxSeries = flags.maxSeries === undefined ? 500 : checked(flags.maxSeries, '--max-series', MaxSeries);
  const timeout = flags.timeout === undefined ? 30 : checked(flags.timeout, '--timeout', TimeoutSeconds);
  const concurrency = flags.concurrency === undefined ? 4 : checked(flags.concurrency, '--concurrency', Concurrency);

  const [{ loadPlan }, { resolveConnection, redact }, { closeConnection }, doctorMod, { httpPromApi }] = await Promise.all([
    import('../../config/load.ts'),
    import('../../grafana/connection.ts'),
    import('../../grafana/http.ts'),
    import('../../doctor/index.ts'),
    import('../../doctor/api.ts'),
  ]);
  const connectionEnv = { cwd: ctx.cwd, env: ctx.env, warn: (m: string) => ctx.stderr(`warning: ${m}\n`) };
  const { dashboards } = await loadPlan(ctx.cwd, flags);
  const raw = flags.config ? await readJsonObject(ctx, flags.config, '--config', false) : undefined;
  const named = flags.profile ?? (typeof raw?.profile === 'string' ? raw.profile : undefined);
  const entryProfiles = Array.isArray(raw?.dashboards) && raw.dashboards.some((d) => d && typeof d === 'object' && 'profile' in d);
  if (dashboards.some((d) => d.options.profile === 'cloudwatch')) {
    throw new UsageError("--profile cloudwatch: the doctor reads Prometheus-compatible metrics; the cloudwatch profile's panels query CloudWatch through Grafana: pick the profile of your exporter, or leave it out to detect it");
  }
  const existing = flags.writeConfig ? await readJsonObject(ctx, flags.writeConfig, '--write-config', true) : undefined;
  // Where the config goes is checked before any query: a run is not wasted on an unwritable place.
  if (flags.writeConfig) (await import('../../output/write.ts')).checkDestinations([{ path: resolve(ctx.cwd, flags.writeConfig), content: () => '', what: '--write-config' }]);

  // Where the metrics are read: a Prometheus API, Grafana's data source proxy, or Logz.io's metrics API.
  let source: string;
  let prefix = '';
  let conn;
  if (flags.prometheusUrl !== undefined) {
    if (/\/api\/v1\/?$/.test(flags.prometheusUrl.trim())) throw new UsageError('--prometheus-url: give the base without /api/v1 (the doctor adds it)');
    conn = await resolveConnection({ prometheusUrl: flags.prometheusUrl, ...connFlags(flags, timeout, concurrency) }, connectionEnv);
    source = conn.baseUrl;
  } else if (flags.logzioRegion) {
    // Logz.io's Grafana API serves dashboards, folders and search, not the data source proxy; its metrics API
    // answers PromQL (GET /v1/metrics/prometheus/api/v1/query and query_range, https://api-docs.logz.io/docs/logz/get-instant-query).
    const host = LOGZIO_REGIONS[flags.logzioRegion as LogzioRegion];
    conn = await resolveConnection({ logzioApiUrl: `https://${host}/v1/metrics/prometheus`, ...connFlags(flags, timeout, concurrency) }, connectionEnv);
    source = `Logz.io metrics (${conn.baseUrl})`;
  } else {
    if (!flags.url && !ctx.env.GRAFANA_URL) {
      throw new UsageError('where are the metrics? pass --prometheus-url URL, or GRAFANA_URL (or --url) with --datasource-uid UID, or --logzio-region R');
    }
    if (flags.datasourceUid !== undefined) checked(flags.datasourceUid, '--datasource-uid', (await import('../../config/schema.ts')).AlertOptions.shape.datasourceUid);
    const uid = flags.datasourceUid ?? dashboards.find((d) => d.options.alerts?.datasourceUid)?.options.alerts?.datasourceUid;
    if (!uid) throw new UsageError('--datasource-uid: name the Prometheus data source to read through Grafana (its uid, from Connections → Data sources), or set alerts.datasourceUid in the config');
    conn = await resolveConnection({ ...(flags.url ? { url: flags.url } : {}), ...(flags.orgId !== undefined ? { orgId: flags.orgId } : {}), ...connFlags(flags, timeout, concurrency) }, connectionEnv);
    // Grafana's data source proxy: /api/datasources/proxy/uid/<uid>/<path> goes to the data source's URL + <path> (pkg/api/api.go).
    prefix = `/api/datasources/proxy/uid/${encodeURIComponent(uid)}`;
    source = `Grafana data source ${uid} (${conn.baseUrl})`;
  }
  const secrets = conn.secrets;
  const out = (t: string) => ctx.stdout(redact(t, secrets));
  const err = (t: string) => ctx.stderr(redact(t, secrets));
  try {
    const api = httpPromApi(conn, { prefix, timeoutSeconds: timeout, ...(flags.debug ? { debug: (l: string) => err(`debug: ${l}\n`) } : {}) });
    const configuredProfile = named ?? (entryProfiles ? dashboards[0]!.options.profile : undefined);
    const report = await doctorMod.runDoctor({
      api,
      dashboards: dashboards.map((d) => d.options),
      ...(configuredProfile ? { configuredProfile } : {}),
      until,
      sinceSeconds,
      maxDelaySeconds,
      maxSeries,
    });
    const { reportJson, reportText } = await import('../../doctor/report.ts');
    out(flags.json ? reportJson(report, source) : reportText(report, source));
    if (flags.writeConfig) await writeConfig(ctx, flags.writeConfig, existing, report.discovery, flags.json ? err : out);
    ctx.exitCode = report.counts.problem ? 1 : 0;
  } catch (e) {
    if (e instanceof Error) e.message = redact(e.message, secrets);
    throw e;
  } finally {
    closeConnection(conn);
  }
}

function connFlags(flags: DoctorFlags, timeout: number, concurrency: number) {
  return {
    ...(flags.tokenFile ? { tokenFile: flags.tokenFile } : {}),
    ...(flags.header ? { header: flags.header } : {}),
    ...(flags.caCert ? { caCert: flags.caCert } : {}),
    ...(flags.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
    timeout,
    concurrency,
  };
}

async function writeConfig(
  ctx: Context,
  path: string,
  existing: Record<string, unknown> | undefined,
  discovery: import('../../doctor/discover.ts').Discovery,
  print: (t: string) => void,
): Promise<void> {
  const [{ updateConfig }, { ConfigFile }, { DashboardOptions }, { formatIssues }, { writeFiles }] = await Promise.all([
    import('../../doctor/write-config.ts'),
    import('../../config/file.ts'),
    import('../../config/schema.ts'),
    import('../../errors.ts'),
    import('../../output/write.ts'),
  ]);
  const { config, changes } = updateConfig(existing, discovery);
  // What is written must be a config `generate --config` takes: checked before anything is written.
  const parsed = ConfigFile.safeParse(config);
  const issues = parsed.success ? [] : parsed.error.issues;
  if (parsed.success && !Array.isArray(config.dashboards)) {
    const { targets: _t, dashboards: _d, out: _o, stdout: _s, format: _f, provisioning: _p, ...dashboard } = config;
    const one = DashboardOptions.safeParse(dashboard);
    if (!one.success) issues.push(...one.error.issues);
  }
  if (issues.length) throw new UsageError(`--write-config ${path}: not written: the updated config would be invalid\n${formatIssues(issues, 'config')}`);
  writeFiles([{ path: resolve(ctx.cwd, path), content: () => `${JSON.stringify(config, null, 2)}\n`, what: '--write-config' }]);
  print(`\nwrote ${path}${changes.length ? `: ${changes.join('; ')}` : ' (nothing to change)'}\n`);
}
