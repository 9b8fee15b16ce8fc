import { ensureFolderPath, requireFolder } from '../grafana/folders.ts';
import { AmbiguousWriteError, type Connection } from '../grafana/http.ts';
import { discoverK8sVersion, discoverK8sVersions, discoverNamespace, k8sStore, V2_VERSION } from '../grafana/k8s.ts';
import { legacyStore } from '../grafana/legacy.ts';
import { OutcomeUnknown, SaveConflict, SaveRefused, type DashboardApiChoice, type DashboardStore, type LiveDashboard, type Saved } from '../grafana/store.ts';
import { UsageError } from '../errors.ts';
import { MANAGED_TAG } from '../dashboard/tags.ts';
import { formatChanges, jsonDiff } from './diff.ts';
import { normalize } from './normalize.ts';

export type FolderTarget = { uid: string } | { path: string[] };

export interface Publication {
  /** Known before the dashboard is made: its live copy is asked for while it is being made. */
  uid: string;
  title: string;
  dashboard: Record<string, unknown>;
  folder?: FolderTarget;
}

export interface PublishOptions {
  /** Called as each dashboard finishes (progress on a terminal). */
  onResult?: (result: Result, done: number, total: number) => void;
  dryRun: boolean;
  force: boolean;
  message: string;
}

/**
 * `failed`: nothing of ours was written (or what was there is not ours); `unknown`: a write went out,
 * its answer was lost and the check that followed could not say whether it was applied.
 */
export type Status = 'created' | 'updated' | 'unchanged' | 'deleted' | 'failed' | 'unknown' | 'would create' | 'would update' | 'would delete';

export interface Result {
  uid: string;
  title: string;
  status: Status;
  url?: string;
  version?: number;
  /** Readable path-by-path changes from the live dashboard to ours (dry runs and diffs). */
  changes: string[];
  error?: string;
  /** --prune: the folder the deleted dashboard was in ('' at the root). */
  folderUid?: string;
}

/**
 * Picks the dashboard API: the Kubernetes-style one when the server offers it (auto), else the legacy one.
 * v2 dashboards exist only in the Kubernetes-style API's v2beta1 version: without it there is nowhere to write them.
 */
export async function openStore(conn: Connection, api: DashboardApiChoice, schema: 'v1' | 'v2' = 'v1'): Promise<DashboardStore> {
  if (schema === 'v2') {
    if (conn.flavor === 'logzio') throw new UsageError('--schema v2: Logz.io offers only the legacy dashboard API, which stores classic JSON; drop --schema v2');
    if (api === 'legacy') throw new UsageError('--schema v2: the legacy API stores classic JSON only; drop --api legacy (v2 dashboards go through the Kubernetes-style API)');
    const offered = await discoverK8sVersions(conn);
    if (!offered.includes(V2_VERSION)) {
      throw new UsageError(
        `--schema v2: this Grafana does not offer ${'dashboard.grafana.app'}/${V2_VERSION} (GET /apis/dashboard.grafana.app/ lists ${offered.length ? offered.join(', ') : 'no versions'}); publish classic JSON (drop --schema v2), or use a Grafana 12 with dashboard v2 enabled`,
      );
    }
    return k8sStore(conn, V2_VERSION, conn.namespace ?? (await discoverNamespace(conn)));
  }
  if (conn.flavor === 'logzio') {
    if (api === 'k8s') throw new UsageError('--api k8s: Logz.io offers only the legacy dashboard API; use --api auto or legacy');
    return legacyStore(conn);
  }
  if (api === 'legacy') return legacyStore(conn);
  const version = await discoverK8sVersion(conn);
  if (version) return k8sStore(conn, version, conn.namespace ?? (await discoverNamespace(conn)));
  if (api === 'k8s') throw new UsageError('--api k8s: this Grafana offers no Kubernetes-style dashboard API (GET /apis/dashboard.grafana.app/ → 404); use --api auto or legacy');
  return legacyStore(conn);
}

/** Runs `fn` over `items` with at most `limit` at once, results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const sameContent = (a: Record<string, unknown>, b: Record<string, unknown>) => JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));

function absolute(conn: Connection, url: string): string {
  return conn.flavor === 'grafana' ? new URL(url.replace(/^\//, ''), `${conn.baseUrl}/`).href : url;
}

/** Resolves every distinct folder once (creating missing levels unless dry-run); undefined = does not exist yet. */
async function resolveFolders(conn: Connection, items: Publication[], dryRun: boolean): Promise<Map<string, { uid?: string; error?: string }>> {
  const resolved = new Map<string, { uid?: string; error?: string }>();
  for (const item of items) {
    const f = item.folder;
    if (!f) continue;
    const key = 'uid' in f ? `uid:${f.uid}` : `path:${f.path.join('/')}`;
    if (resolved.has(key)) continue;
    try {
      if ('uid' in f) resolved.set(key, { uid: (await requireFolder(conn, f.uid)).uid });
      else resolved.set(key, await ensureFolderPath(conn, f.path, dryRun));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      resolved.set(key, { error: 'path' in f ? `folder "${f.path.join('/')}": ${(err as Error).message}` : (err as Error).message });
    }
  }
  return resolved;
}

function folderKey(f: FolderTarget | undefined): string | undefined {
  return f ? ('uid' in f ? `uid:${f.uid}` : `path:${f.path.join('/')}`) : undefined;
}

/**
 * Creates or updates each dashboard, safely: reads the live one first, writes nothing when it is
 * unchanged, writes conditionally on the live revision, refuses dashboards it does not own, and
 * after an unanswered write re-reads before deciding.
 */
export async function publishAll(conn: Connection, store: DashboardStore, items: Publication[], opts: PublishOptions): Promise<Result[]> {
  const folders = await resolveFolders(conn, items, opts.dryRun);
  let done = 0;
  const report = (r: Result): Result => {
    opts.onResult?.(r, ++done, items.length);
    return r;
  };
  return mapLimit(items, conn.concurrency, async (item) => report(await publishItem(item)));

  async function publishItem(item: Publication): Promise<Result> {
    const { uid, title } = item;
    try {
      const key = folderKey(item.folder);
      const folder = key ? folders.get(key) : undefined;
      if (folder?.error) throw new SaveRefused(folder.error);
      return await publishOne(conn, store, item, key ? folder : undefined, item.folder, opts);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      return { uid, title, status: err instanceof OutcomeUnknown ? 'unknown' : 'failed', changes: [], error: (err as Error).message };
    }
  }
}

/** "2 created, 1 updated, 5 unchanged, 0 failed" (and "1 unknown" when any) — the closing line of a fleet publish. */
export function summarize(results: Result[]): string {
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  const dry = results.some((r) => r.status.startsWith('would'));
  const parts = dry
    ? [`${count('would create')} to create`, `${count('would update')} to update`, ...(count('would delete') ? [`${count('would delete')} to delete`] : [])]
    : [`${count('created')} created`, `${count('updated')} updated`, ...(count('deleted') ? [`${count('deleted')} deleted`] : [])];
  const unknown = count('unknown');
  return [...parts, `${count('unchanged')} unchanged`, `${count('failed')} failed`, ...(unknown ? [`${unknown} unknown`] : [])].join(', ');
}

async function publishOne(
  conn: Connection,
  store: DashboardStore,
  item: Publication,
  folder: { uid?: string } | undefined,
  target: FolderTarget | undefined,
  opts: PublishOptions,
): Promise<Result> {
  const { uid, title } = item;
  const base = { uid, title, changes: [] as string[] };
  // The read goes out first; the dashboard is made (item.dashboard, on first use) while it is in flight.
  const reading = store.read(uid);
  let desired: Record<string, unknown>;
  try {
    desired = item.dashboard;
  } catch (err) {
    reading.catch(() => {}); // the making failed: its error is the one to report
    throw err;
  }
  const live = await reading;
  const wantedFolder = folder ? folder.uid : undefined; // undefined: keep where it is (or root for a new one)
  const folderLabel = target && 'path' in target ? target.path.join('/') : wantedFolder;

  if (!live) {
    const changes = ['+ (new dashboard)', ...(target ? [`+ folder: ${JSON.stringify(folderLabel ?? '')}${folder && folder.uid === undefined ? ' (will be created)' : ''}`] : [])];
    if (opts.dryRun) return { ...base, status: 'would create', changes };
    const saved = await writeSafely(store, desired, undefined, wantedFolder ?? '', opts);
    return { ...base, status: 'created', url: absolute(conn, saved.url), version: saved.version, changes };
  }

  const tags = Array.isArray(live.dashboard.tags) ? live.dashboard.tags : [];
  const refusal = live.managedElsewhere
    ? `${live.managedElsewhere}; refusing to overwrite it`
    : !tags.includes(MANAGED_TAG)
      ? `a dashboard with uid "${uid}" already exists and was not created by kinesis-dashboards (no "${MANAGED_TAG}" tag); pass --force to take it over, or choose another --uid`
      : undefined;

  const changes = formatChanges(jsonDiff(normalize(live.dashboard), normalize(desired)));
  const toFolder = wantedFolder ?? (folder ? undefined : live.folderUid);
  if (target && toFolder !== live.folderUid) {
    changes.push(`~ folder: ${JSON.stringify(live.folderUid || '(root)')} → ${JSON.stringify(folderLabel ?? '')}${toFolder === undefined ? ' (will be created)' : ''}`);
  }
  const current = { url: absolute(conn, live.url), version: live.version };
  if (refusal && !opts.force) return { ...base, changes, status: 'failed', error: refusal, ...current };
  if (!changes.length) return { ...base, status: 'unchanged', ...current };
  if (opts.dryRun) return { ...base, status: 'would update', changes, ...current };

  const saved = await writeSafely(store, desired, live, toFolder ?? live.folderUid, opts);
  return { ...base, status: 'updated', url: absolute(conn, saved.url), version: saved.version, changes };
}

/** How many times a write whose answer was lost is sent in all, when each check proves it was not applied. */
const WRITE_ATTEMPTS = 3;

/**
 * One write, and what to do when its answer never came: re-read. If our content is there the write
 * happened (report it, do not resend); if Grafana's answer proves nothing changed, send it again; if
 * someone else's change is there, it is a conflict. If the re-read fails too, nobody knows: the
 * outcome is `unknown`, and nothing is sent again. A conflict on a resend may be with our own earlier
 * send, applied late (a slow server): it is looked at before being called a conflict.
 */
async function writeSafely(store: DashboardStore, desired: Record<string, unknown>, live: LiveDashboard | undefined, folderUid: string, opts: PublishOptions): Promise<Saved> {
  const uid = String(desired.uid);
  const req = { dashboard: desired, folderUid, message: opts.message, overwrite: opts.force, ...(live ? { revision: live.revision, live } : {}) };
  const ours = (now: LiveDashboard | undefined): boolean =>
    now !== undefined && sameContent(now.dashboard, desired) && now.folderUid === folderUid && (!live || now.revision !== live.revision);
  const settle = async (doubt: string): Promise<LiveDashboard | undefined> => {
    try {
      return await store.read(uid);
    } catch (err) {
      throw new OutcomeUnknown(
        `${doubt}; the read that should have told failed too (${(err as Error).message}). Run \`kinesis-dashboards diff\` with the same options to see what Grafana has now`,
      );
    }
  };
  let lost: AmbiguousWriteError | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return live ? await store.update(req) : await store.create(req);
    } catch (err) {
      if (lost && err instanceof SaveConflict) {
        const now = await settle(`${lost.message}; sent again, it met a conflict (${err.message})`);
        if (ours(now)) return { url: now!.url, version: now!.version };
        throw err;
      }
      if (!(err instanceof AmbiguousWriteError)) throw err;
      lost = err;
    }
    const now = await settle(lost.message);
    if (ours(now)) return { url: now!.url, version: now!.version };
    const untouched = live ? now !== undefined && now.revision === live.revision : now === undefined;
    if (!untouched) {
      throw new SaveRefused(`${lost.message}; meanwhile someone else ${now ? `changed it (now version ${now.version})` : 'deleted it'}: re-run to compare with the new version`);
    }
    // Grafana's own answer shows nothing was written: sending it again cannot apply it twice.
    if (attempt >= WRITE_ATTEMPTS) throw new SaveRefused(`${lost.message}; Grafana shows it was not applied, after ${WRITE_ATTEMPTS} tries: nothing was written`);
  }
}
