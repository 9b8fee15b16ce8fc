import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadDashboardOptions } from '../../config/load.ts';
import { UsageError } from '../../errors.ts';
import { LOGZIO_REGIONS, redact, resolveConnection, type ConnectionFlags } from '../../grafana/connection.ts';
import { closeConnection, type Connection } from '../../grafana/http.ts';
import { splitFolderPath } from '../../grafana/folders.ts';
import { prepareForPublish } from '../../publish/prepare.ts';
import type { Publication } from '../../publish/publisher.ts';
import { serialize } from '../../serialize.ts';
import { synth } from '../../synth.ts';
import type { Context } from '../context.ts';
import { dashboardOptions, type DashboardFlags } from './generate.ts';

// What `publish` and `diff` share: which dashboard, where it goes, and how to reach Grafana.

export interface RemoteFlags extends DashboardFlags, ConnectionFlags {
  file?: string;
  folderUid?: string;
  folderTitle?: string;
  api?: 'auto' | 'legacy' | 'k8s';
  json?: boolean;
  token?: string;
}

export function remoteOptions<T>(y: Argv<T>) {
  return dashboardOptions(y)
    .option('file', { type: 'string', describe: 'publish this dashboard JSON instead of generating one' })
    .option('url', { type: 'string', describe: 'Grafana URL (or GRAFANA_URL); credentials from GRAFANA_TOKEN, or GRAFANA_USER + GRAFANA_PASSWORD' })
    .option('logzio-region', { type: 'string', choices: Object.keys(LOGZIO_REGIONS), describe: 'publish to Logz.io in this region (token from LOGZIO_API_TOKEN)' })
    .option('logzio-api-url', { type: 'string', describe: 'Logz.io API base URL, e.g. https://api-eu.logz.io/v1/grafana (proxies, new regions)' })
    .option('token-file', { type: 'string', describe: 'read the token from this file instead of the environment' })
    .option('token', { type: 'string', hidden: true })
    .option('org-id', { type: 'number', describe: 'Grafana organisation (or GRAFANA_ORG_ID)' })
    .option('header', { type: 'string', array: true, describe: 'extra HTTP header "Name: value" (repeatable)' })
    .option('ca-cert', { type: 'string', describe: 'PEM file of the CA that signed Grafana\'s certificate' })
    .option('insecure-skip-tls-verify', { type: 'boolean', describe: 'do not check the server\'s certificate (only when asked)' })
    .option('timeout', { type: 'number', describe: 'seconds to wait for each request (default 30)' })
    .option('concurrency', { type: 'number', describe: 'requests in flight at once (default 8; Logz.io 10, at most 100)' })
    .option('folder-uid', { type: 'string', describe: 'put the dashboard in this existing folder' })
    .option('folder-title', { type: 'string', describe: 'find or create this folder path, e.g. "Team/Kinesis"' })
    .option('api', { choices: ['auto', 'legacy', 'k8s'] as const, default: 'auto' as const, describe: 'dashboard API: the Kubernetes-style one when offered (auto), or force one' })
    .option('json', { type: 'boolean', describe: 'print a machine-readable result' })
    .conflicts('folder-uid', 'folder-title')
    .conflicts('file', ['profile', 'uid', 'title', 'config']);
}

/** The dashboards to send: --file, or the generated dashboard. */
export async function publications(ctx: Context, flags: RemoteFlags): Promise<Publication[]> {
  const folder = flags.folderUid ? { uid: flags.folderUid } : flags.folderTitle !== undefined ? { path: splitFolderPath(flags.folderTitle) } : undefined;
  let dashboard: unknown;
  let source = 'generated dashboard';
  if (flags.file) {
    source = flags.file;
    let text: string;
    try {
      text = await readFile(resolve(ctx.cwd, flags.file), 'utf8');
    } catch (err) {
      throw new UsageError(`--file ${flags.file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}); pass a dashboard JSON file`);
    }
    try {
      dashboard = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`--file ${flags.file}: not valid JSON (${(err as Error).message})`);
    }
  } else {
    // Exactly the bytes `generate` writes, so what is published is what was reviewed.
    dashboard = JSON.parse(serialize(synth((await loadDashboardOptions(ctx, flags)).options)));
  }
  return [{ dashboard: prepareForPublish(dashboard, source), ...(folder ? { folder } : {}) }];
}

/**
 * Opens the connection, runs `fn`, and closes it. Everything printed — and any error — passes
 * through redaction, so a secret never reaches the terminal or a CI log.
 */
export async function withConnection<T>(ctx: Context, flags: RemoteFlags, fn: (conn: Connection, out: Context) => Promise<T>): Promise<T> {
  if (flags.token !== undefined) {
    throw new UsageError('--token would put the secret in shell history and process lists: set GRAFANA_TOKEN (or LOGZIO_API_TOKEN), or use --token-file');
  }
  const conn = await resolveConnection(ctx, flags);
  const out: Context = {
    ...ctx,
    stdout: (t) => ctx.stdout(redact(t, conn.secrets)),
    stderr: (t) => ctx.stderr(redact(t, conn.secrets)),
  };
  if (flags.debug) conn.debug = (line) => out.stderr(`debug: ${line}\n`);
  try {
    return await fn(conn, out);
  } catch (err) {
    if (err instanceof Error) err.message = redact(err.message, conn.secrets);
    throw err;
  } finally {
    closeConnection(conn);
  }
}
