import type { Argv } from 'yargs';
import type { DashboardFlags } from '../config/load.ts';
import type { ConnectionFlags } from '../grafana/connection.ts';
import { LOGZIO_REGIONS } from '../grafana/regions.ts';
import { DASHBOARD_APIS, type DashboardApiChoice } from '../grafana/store.ts';

// The option groups several commands share, in one place; each command adds its own (src/cli/commands/).

/** Which dashboard: every command that makes one. */
export function dashboardOptions<T>(y: Argv<T>) {
  return y
    .option('profile', { type: 'string', describe: 'where the metrics come from: cloudwatch-exporter (default), yace, logzio-metric-streams (Prometheus), or cloudwatch (Grafana\'s CloudWatch datasource)' })
    .option('config', { type: 'string', describe: 'JSON config file; flags win over it' })
    .option('uid', { type: 'string', describe: 'dashboard uid (default aws-kinesis)' })
    .option('title', { type: 'string', describe: 'dashboard title (default "Amazon Kinesis")' });
}

/** How to reach Grafana or Logz.io: publish, diff and preview --live. */
export type ConnectionOptionFlags = ConnectionFlags & { api?: DashboardApiChoice; token?: string };

/** How any server is reached and trusted: publish, diff, preview --live and doctor (their own flags name the server). */
export function credentialOptions<T>(y: Argv<T>, headerNote = '') {
  return y
    .option('token-file', { type: 'string', describe: 'read the token from this file instead of the environment' })
    .option('token', { type: 'string', hidden: true })
    .option('org-id', { type: 'number', describe: 'Grafana organisation (or GRAFANA_ORG_ID)' })
    .option('header', { type: 'string', array: true, describe: `extra HTTP header "Name: value" (repeatable${headerNote})` })
    .option('ca-cert', { type: 'string', describe: 'PEM file of the CA that signed the server\'s certificate' })
    .option('insecure-skip-tls-verify', { type: 'boolean', describe: 'do not check the server\'s certificate (only when asked)' });
}

export function connectionOptions<T>(y: Argv<T>) {
  return credentialOptions(
    y
      .option('url', { type: 'string', describe: 'Grafana URL (or GRAFANA_URL); credentials from GRAFANA_TOKEN, or GRAFANA_USER + GRAFANA_PASSWORD' })
      .option('logzio-region', { type: 'string', choices: Object.keys(LOGZIO_REGIONS), describe: 'publish to Logz.io in this region (token from LOGZIO_API_TOKEN)' })
      .option('logzio-api-url', { type: 'string', describe: 'Logz.io API base URL, e.g. https://api-eu.logz.io/v1/grafana (proxies, new regions)' }),
  )
    .option('timeout', { type: 'number', describe: 'seconds to wait for each request (default 30)' })
    .option('concurrency', { type: 'number', describe: 'requests in flight at once (default 8; Logz.io 10, at most 100)' })
    .option('api', { choices: DASHBOARD_APIS, describe: 'dashboard API: the Kubernetes-style one when offered (auto, the default), or force one' })
    .option('namespace', { type: 'string', describe: 'namespace of the Kubernetes-style API (default: found from the server, e.g. stacks-12345 on Grafana Cloud, else the org\'s)' });
}

/** What `publish` and `diff` share: which dashboard, where it goes, and how to reach Grafana. */
export interface RemoteFlags extends DashboardFlags, ConnectionOptionFlags {
  target?: string;
  file?: string;
  folderUid?: string;
  folderTitle?: string;
  json?: boolean;
  schema?: 'v1' | 'v2';
  prune?: boolean;
}

export function remoteOptions<T>(y: Argv<T>) {
  return connectionOptions(dashboardOptions(y))
    .option('target', { type: 'string', describe: 'a target of the config file: its connection, folder, and the dashboards that go there' })
    .option('file', { type: 'string', describe: 'publish this dashboard JSON instead of generating one' })
    .option('folder-uid', { type: 'string', describe: 'put the dashboard in this existing folder' })
    .option('folder-title', { type: 'string', describe: 'find or create this folder path, e.g. "Team/Kinesis"' })
    .option('json', { type: 'boolean', describe: 'print a machine-readable result' })
    .option('prune', { type: 'boolean', describe: 'also delete the dashboards this config\'s owner published earlier and no longer lists (needs "owner" in the config)' })
    .option('schema', { choices: ['v1', 'v2'] as const, describe: 'v1 (default): classic dashboard JSON; v2: dashboard.grafana.app/v2beta1 through the Kubernetes-style API (Grafana 12)' })
    .conflicts('folder-uid', 'folder-title')
    .conflicts('file', ['profile', 'uid', 'title', 'config'])
    .conflicts('target', ['url', 'logzio-region', 'logzio-api-url', 'file']);
}
