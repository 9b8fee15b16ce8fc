import { checked } from '../config/limits.ts';
import { loadPlan } from '../config/load.ts';
import { FolderPath, FolderUid } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { redact, resolveConnection, type ConnectionFlags } from '../grafana/connection.ts';
import { closeConnection, type Connection } from '../grafana/http.ts';
import { splitFolderPath } from '../grafana/folders.ts';
import { prepareForPublish } from '../publish/prepare.ts';
import { openStore, type Publication } from '../publish/publisher.ts';
import type { DashboardApiChoice, DashboardStore } from '../grafana/store.ts';
import { canonical } from '../output/serialize.ts';
import { MAX_BYTES, readJsonFile } from '../read.ts';
import { synthOptions } from '../dashboard/synth.ts';
import type { Context } from './context.ts';
import type { RemoteFlags } from './options.ts';

// What `publish`, `diff` and `preview --live` share once their options are parsed (the options: src/cli/options.ts).

/** Refuses a secret on the command line before anything else happens. */
export function refuseTokenFlag(flags: { token?: string }): void {
  if (flags.token !== undefined) {
    throw new UsageError('--token would put the secret in shell history and process lists: set GRAFANA_TOKEN (or LOGZIO_API_TOKEN), or use --token-file');
  }
}

/** What `publish` and `diff` act on: the dashboards, and the connection settings they go to. */
export interface Plan {
  /** Made on call: the caller starts talking to Grafana first and makes the dashboards meanwhile. */
  items: () => Publication[];
  connection: ConnectionFlags;
  api: DashboardApiChoice;
  /** Which dashboard schema is written and compared: classic JSON (v1) or dashboard.grafana.app/v2beta1. */
  schema: 'v1' | 'v2';
  /** Who publishes (config.owner, else the config file's name); its marks go on every dashboard. None without a config. */
  owner?: { id: string; declared: boolean };
  /** The uids this config lists for where it publishes: what --prune keeps. */
  listed: ReadonlySet<string>;
}

function folderTarget(title?: string, uid?: string): Publication['folder'] {
  return uid ? { uid } : title !== undefined ? { path: splitFolderPath(title) } : undefined;
}

function readDashboardFile(ctx: Context, file: string): unknown {
  return readJsonFile(ctx.cwd, file, `--file ${file}`, MAX_BYTES.dashboard, 'pass a dashboard JSON file');
}

/**
 * The dashboards to send and where: --file, or the dashboards the config describes — with
 * --target, those listed for that target, over the target's connection and into its folder.
 * Flags win over the config.
 */
export async function plan(ctx: Context, flags: RemoteFlags): Promise<Plan> {
  if (flags.folderTitle !== undefined) checked(flags.folderTitle, '--folder-title', FolderPath);
  if (flags.folderUid !== undefined) checked(flags.folderUid, '--folder-uid', FolderUid);
  const flagFolder = folderTarget(flags.folderTitle, flags.folderUid);
  if (flags.file) {
    const doc = readDashboardFile(ctx, flags.file);
    const v2 = (await import('../dashboard/v2.ts')).isV2Document(doc);
    if (flags.schema && (flags.schema === 'v2') !== v2) {
      throw new UsageError(`--file ${flags.file}: it is ${v2 ? 'a v2 dashboard resource' : 'classic dashboard JSON'}; drop --schema ${flags.schema} (the file says which schema it is)`);
    }
    // Tags of another type would be replaced by the managed tag alone: said, not dropped.
    const tags = !v2 && doc && typeof doc === 'object' ? (doc as Record<string, unknown>).tags : undefined;
    if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string'))) throw new UsageError(`--file ${flags.file}: tags: a list of strings`);
    const dashboard = prepareForPublish(v2 ? v2Stored(doc, flags.file) : doc, `--file ${flags.file}`);
    // Classic JSON that is not a dashboard (any object with a uid and a title) is not sent as one.
    if (!v2 && (!Array.isArray(dashboard.panels) || dashboard.panels.some((p) => !p || typeof p !== 'object' || Array.isArray(p)))) {
      throw new UsageError(`--file ${flags.file}: panels: ${dashboard.panels === undefined ? 'missing: a dashboard JSON has a "panels" list' : 'a list of panel objects'}; pass a dashboard JSON file`);
    }
    const known = { uid: String(dashboard.uid), title: String(dashboard.title), dashboard };
    if (flags.prune) throw new UsageError('--prune: needs a config file (its owner and the dashboards it lists); drop --prune or use --config');
    return { items: () => [{ ...known, ...(flagFolder ? { folder: flagFolder } : {}) }], connection: flags, api: flags.api ?? 'auto', schema: v2 ? 'v2' : 'v1', listed: new Set([known.uid]) };
  }
  const { dashboards, file } = await loadPlan(ctx.cwd, flags);
  const schema = flags.schema ?? file.schema ?? 'v1';
  const ownership = flags.config ? await import('../publish/ownership.ts') : undefined;
  const ownerId = file.owner ?? (flags.config ? ownership?.defaultOwner(flags.config) : undefined);
  const owner = ownerId ? { id: ownerId, declared: file.owner !== undefined } : undefined;
  if (flags.prune && !flags.config) throw new UsageError('--prune: needs a config file (its owner and the dashboards it lists); drop --prune or use --config');
  if (flags.prune && !owner?.declared) {
    throw new UsageError(
      `--prune: config.owner is not set; the default${ownerId ? ` ("${ownerId}", from the file's name)` : ''} could be another repository's too: write "owner": "<a name only this config uses>" in ${flags.config} (publish once without --prune to mark the dashboards with it)`,
    );
  }
  // The v2 form is the classic dashboard converted (src/dashboard/v2.ts); loaded only when asked for.
  const v2 = schema === 'v2' ? await import('../dashboard/v2.ts') : undefined;
  // Exactly the bytes `generate` writes, so what is published is what was reviewed.
  // Each dashboard is made when its turn comes (a getter, once): a fleet's making overlaps its requests.
  const make = (d: (typeof dashboards)[number], folder: Publication['folder']): Publication => {
    let made: Record<string, unknown> | undefined;
    return {
      // What synth sets them to: known without making the dashboard.
      uid: d.options.uid,
      title: d.options.title,
      get dashboard() {
        // Generated dashboards carry the managed tag and no placeholders by construction: only --file needs prepareForPublish.
        // canonical(): what JSON.parse of generate's bytes gives, without writing and reading them.
        if (made) return made;
        const dashboard = synthOptions(d.options);
        made = canonical(v2 ? { ...v2.toV2Resource(dashboard).spec, uid: d.options.uid } : dashboard) as Record<string, unknown>;
        // The owner's marks go on what is published, never on what `generate` writes.
        if (owner && ownership) made = ownership.markOwned(made, owner.id);
        return made;
      },
      ...(folder ? { folder } : {}),
    };
  };

  const targets = file.targets ?? {};
  if (!flags.target) {
    const named = Object.keys(targets);
    if (named.length && !flags.url && !flags.logzioRegion && !flags.logzioApiUrl) {
      throw new UsageError(`--target: the config defines targets (${named.join(', ')}); name one with --target, or give --url`);
    }
    const listed = new Set(dashboards.map((d) => d.options.uid));
    return { items: () => dashboards.map((d) => make(d, flagFolder ?? folderTarget(d.folder))), connection: flags, api: flags.api ?? 'auto', schema, ...(owner ? { owner } : {}), listed };
  }
  // Own keys only: "--target constructor" names no target, whatever objects inherit.
  const target = Object.hasOwn(targets, flags.target) ? targets[flags.target] : undefined;
  if (!target) {
    throw new UsageError(`--target ${flags.target}: not in the config${Object.keys(targets).length ? `; use one of ${Object.keys(targets).join(', ')}` : ' (it has no "targets")'}`);
  }
  const chosen = dashboards.filter((d) => d.targets.includes(flags.target!));
  if (!chosen.length) throw new UsageError(`--target ${flags.target}: no dashboard in the config lists this target in its "targets"`);
  const label = `config.targets.${flags.target}`;
  const connection: ConnectionFlags = {
    ...flags,
    label,
    ...(target.url ? { url: target.url } : {}),
    ...(target.logzio?.region ? { logzioRegion: target.logzio.region } : {}),
    ...(target.logzio?.apiUrl ? { logzioApiUrl: target.logzio.apiUrl } : {}),
    ...(target.tokenEnv ? { tokenEnv: target.tokenEnv } : {}),
    ...(target.userEnv ? { userEnv: target.userEnv, passwordEnv: target.passwordEnv! } : {}),
    ...(flags.orgId === undefined && target.orgId !== undefined ? { orgId: target.orgId, orgIdFrom: `${label}.orgId` } : {}),
    ...(flags.concurrency === undefined && target.concurrency !== undefined ? { concurrency: target.concurrency, concurrencyFrom: `${label}.concurrency` } : {}),
    ...(flags.namespace === undefined && target.namespace !== undefined ? { namespace: target.namespace } : {}),
  };
  const items = () => chosen.map((d) => make(d, flagFolder ?? folderTarget(d.folder ?? target.folder, d.folder ? undefined : target.folderUid)));
  return { items, connection, api: flags.api ?? target.api ?? 'auto', schema, ...(owner ? { owner } : {}), listed: new Set(chosen.map((d) => d.options.uid)) };
}

/**
 * A v2 resource as the stores carry a dashboard: its spec, with the uid (metadata.name) beside it, as
 * the Kubernetes-style store reads one back.
 */
function v2Stored(doc: unknown, file: string): Record<string, unknown> {
  const d = doc as { apiVersion?: unknown; metadata?: { name?: unknown }; spec?: unknown };
  if (d.apiVersion === undefined) throw new UsageError(`--file ${file}: a bare v2 spec has no uid; publish the whole resource (apiVersion, kind, metadata.name, spec), as \`generate --schema v2\` writes it`);
  if (!d.spec || typeof d.spec !== 'object' || Array.isArray(d.spec)) throw new UsageError(`--file ${file}: spec: a v2 dashboard resource needs its spec object`);
  return { ...(d.spec as Record<string, unknown>), uid: d.metadata?.name };
}

/** Finds the dashboard API while the dashboards are made: the discovery request is in flight meanwhile. */
export async function openWhileMaking(conn: Connection, api: Plan['api'], items: Plan['items'], schema: Plan['schema'] = 'v1'): Promise<{ store: DashboardStore; list: Publication[] }> {
  const opening = openStore(conn, api, schema);
  opening.catch(() => {}); // awaited below; this only keeps a failure while making from leaving it unhandled
  const list = items();
  return { store: await opening, list };
}

/**
 * Opens the connection, runs `fn`, and closes it. Everything printed — and any error — passes
 * through redaction, so a secret never reaches the terminal or a CI log.
 */
export async function withConnection<T>(ctx: Context, flags: ConnectionFlags, fn: (conn: Connection, out: Context) => Promise<T>): Promise<T> {
  const conn = await resolveConnection(flags, { cwd: ctx.cwd, env: ctx.env, warn: (m) => ctx.stderr(`warning: ${m}\n`) });
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
