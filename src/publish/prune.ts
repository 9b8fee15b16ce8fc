import { AmbiguousWriteError, type Connection } from '../grafana/http.ts';
import { OutcomeUnknown, SaveRefused, type DashboardStore, type LiveDashboard } from '../grafana/store.ts';
import { UsageError } from '../errors.ts';
import { deletionRefusal } from './ownership.ts';
import { mapLimit, type Result } from './publisher.ts';

export interface PruneOptions {
  dryRun: boolean;
  /** Deletes dashboards changed since the tool wrote them (never unmarked or provisioned ones). */
  force: boolean;
  onResult?: (result: Result) => void;
}

/** How many times a delete whose answer was lost is sent in all, when each check proves it was not applied. */
const DELETE_ATTEMPTS = 3;

/**
 * Deletes the dashboards this owner published earlier that `keep` no longer lists: found by the
 * owner's mark, each read and checked (provisioned, unmarked and changed-since-written ones are kept
 * and reported with why), then deleted conditionally on that read. Returns one result per dashboard
 * found, in uid order.
 */
export async function pruneAll(conn: Connection, store: DashboardStore, owner: string, keep: ReadonlySet<string>, opts: PruneOptions): Promise<Result[]> {
  const found = [...new Set(await store.listOwned(owner))].filter((uid) => !keep.has(uid)).sort();
  return mapLimit(found, conn.concurrency, async (uid) => {
    let r: Result;
    try {
      r = await pruneOne(store, uid, owner, opts);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      r = { uid, title: '', status: err instanceof OutcomeUnknown ? 'unknown' : 'failed', changes: [], error: (err as Error).message };
    }
    opts.onResult?.(r);
    return r;
  });
}

async function pruneOne(store: DashboardStore, uid: string, owner: string, opts: PruneOptions): Promise<Result> {
  const live = await store.read(uid);
  if (!live) return { uid, title: '', status: 'deleted', changes: ['- (already gone)'] };
  const title = typeof live.dashboard.title === 'string' ? live.dashboard.title : '';
  const base = { uid, title, url: live.url, version: live.version, changes: ['- (dashboard)'], folderUid: live.folderUid };
  if (live.managedElsewhere) return { ...base, status: 'failed', error: `${live.managedElsewhere}; never deleted` };
  const refusal = deletionRefusal(live.dashboard, owner, store.api === 'k8s' ? (live.labels ?? {}) : undefined);
  if (refusal.never) return { ...base, status: 'failed', error: `${refusal.never}; never deleted` };
  if (refusal.changed && !opts.force) return { ...base, status: 'failed', error: refusal.changed };
  if (opts.dryRun) return { ...base, status: 'would delete' };
  await deleteSafely(store, live);
  return { ...base, status: 'deleted' };
}

/**
 * One delete, and what to do when its answer never came, by the rules writes follow: re-read; gone
 * means it was deleted; unchanged means it was not (send again); changed means someone else acted;
 * a failed re-read means nobody knows (`unknown`, nothing sent again).
 */
async function deleteSafely(store: DashboardStore, live: LiveDashboard): Promise<void> {
  const uid = String(live.dashboard.uid);
  for (let attempt = 1; ; attempt++) {
    let lost: AmbiguousWriteError;
    try {
      return await store.delete(live);
    } catch (err) {
      if (!(err instanceof AmbiguousWriteError)) throw err;
      lost = err;
    }
    let now: LiveDashboard | undefined;
    try {
      now = await store.read(uid);
    } catch (err) {
      throw new OutcomeUnknown(`${lost.message}; the read that should have told failed too (${(err as Error).message}). Run \`kinesis-dashboards diff --prune\` with the same options to see what Grafana has now`);
    }
    if (!now) return;
    if (now.revision !== live.revision) throw new SaveRefused(`${lost.message}; meanwhile someone else changed it (now version ${now.version}): not deleted, re-run to see it as it is now`);
    if (attempt >= DELETE_ATTEMPTS) throw new SaveRefused(`${lost.message}; Grafana shows it was not deleted, after ${DELETE_ATTEMPTS} tries`);
  }
}

/**
 * --prune-folders: after the deletions, each folder a deleted dashboard was in, if this tool created it
 * and it is now empty, is deleted too (and its parents, the same way). One result per folder deleted
 * or kept (with why).
 */
export async function pruneFolders(conn: Connection, deletedFrom: string[]): Promise<Result[]> {
  const { removeCreatedFolderIfEmpty } = await import('../grafana/folders.ts');
  const results: Result[] = [];
  for (const uid of [...new Set(deletedFrom.filter(Boolean))].sort()) {
    try {
      const { deleted, kept } = await removeCreatedFolderIfEmpty(conn, uid);
      for (const f of deleted) results.push({ uid: f.uid, title: f.title, status: 'deleted', changes: ['- (empty folder)'] });
      if (kept) results.push({ uid, title: kept.folder, status: 'unchanged', changes: [], error: `folder kept: ${kept.why}` });
    } catch (err) {
      results.push({ uid, title: '', status: err instanceof AmbiguousWriteError ? 'unknown' : 'failed', changes: [], error: `folder: ${(err as Error).message}` });
    }
  }
  return results;
}
