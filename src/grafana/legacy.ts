import { AmbiguousWriteError, HttpError, NotGrafanaError, describeForeign, request, serverMessage, type Connection } from './http.ts';
import { isObject } from '../json.ts';
import { MANAGED_TAG, ownerTag } from '../dashboard/tags.ts';
import { SaveConflict, SaveRefused, type DashboardStore, type LiveDashboard, type SaveRequest, type Saved } from './store.ts';

interface GetResponse {
  dashboard: Record<string, unknown> & { version?: number };
  meta: { url?: string; folderUid?: string; provisioned?: boolean; provisionedExternalId?: string; version?: number };
}

// Server-assigned fields: on create `id` must be absent (Logz.io refuses it; Grafana ignores null),
// and an update is addressed by uid, so the numeric id is never sent.
function payloadDashboard(d: Record<string, unknown>, version?: number): Record<string, unknown> {
  const { id: _id, version: _v, ...rest } = d;
  return version === undefined ? rest : { ...rest, version };
}

/** POST /api/dashboards/db and GET /api/dashboards/uid/:uid (pkg/api/dashboard.go). */
export function legacyStore(conn: Connection): DashboardStore {
  async function save(req: SaveRequest, version?: number): Promise<Saved> {
    try {
      const res = await request(conn, 'POST', '/api/dashboards/db', {
        body: {
          dashboard: payloadDashboard(req.dashboard, version),
          folderUid: req.folderUid,
          message: req.message,
          overwrite: req.overwrite,
        },
      });
      const body = res.body as { url?: unknown; version?: unknown };
      // Grafana's answer names the saved version; JSON without it is someone else's (pkg/api/dashboard.go, PostDashboard).
      if (!isObject(body) || typeof body.version !== 'number') {
        throw new AmbiguousWriteError(`POST /api/dashboards/db: ${describeForeign(res.status, JSON.stringify(body) ?? '')}: the write may or may not have been applied`);
      }
      return { url: typeof body.url === 'string' ? body.url : `/d/${String(req.dashboard.uid)}`, version: body.version };
    } catch (err) {
      if (err instanceof HttpError) {
        const status = (err.body as { status?: string } | undefined)?.status;
        // 412 version-mismatch (Grafana ≤ 12) and 409 (newest Grafana) both mean a concurrent change.
        if ((err.status === 412 && status === 'version-mismatch') || err.status === 409) {
          throw new SaveConflict(`changed by someone else since it was read (HTTP ${err.status}): re-run to compare with the new version, or pass --force to overwrite it`);
        }
        if (err.status === 412 && status === 'plugin-dashboard') {
          throw new SaveRefused(`${serverMessage(err.body)} Refusing to replace a plugin's dashboard; pass --force to detach it from the plugin`);
        }
        if (err.status === 400 && /provisioned/i.test(serverMessage(err.body))) {
          throw new SaveRefused('it is provisioned from files: change it where it is provisioned, not through the API');
        }
      }
      throw err;
    }
  }

  return {
    api: 'legacy',
    async read(uid) {
      const path = `/api/dashboards/uid/${encodeURIComponent(uid)}`;
      const res = await request(conn, 'GET', path, { notFoundIsAnswer: true });
      if (res.status === 404) {
        // Grafana's own 404 is JSON naming the dashboard (pkg/api/dashboard.go, getDashboardHelper:
        // "Dashboard not found"); a proxy's 404 page says nothing about whether the dashboard exists.
        if (saysDashboardNotFound(res.body)) return undefined;
        throw new NotGrafanaError(`GET ${path}: ${describeForeign(404, typeof res.body === 'string' ? res.body : JSON.stringify(res.body) ?? '')}: is the URL Grafana's?`);
      }
      const got = res.body as GetResponse;
      if (!isObject(got) || !isObject(got.dashboard) || !isObject(got.meta)) {
        throw new NotGrafanaError(`GET ${path}: ${describeForeign(res.status, JSON.stringify(got) ?? '')}: no dashboard and meta in it; is the URL Grafana's?`);
      }
      if (got.dashboard.uid !== undefined && got.dashboard.uid !== uid) {
        throw new NotGrafanaError(`GET ${path}: the answer is dashboard "${String(got.dashboard.uid)}", not "${uid}"; is the URL Grafana's?`);
      }
      const { dashboard, meta } = got;
      const live: LiveDashboard = {
        dashboard,
        folderUid: meta.folderUid ?? '',
        revision: dashboard.version ?? meta.version ?? 0,
        version: dashboard.version ?? meta.version ?? 0,
        url: meta.url ?? `/d/${uid}`,
      };
      if (meta.provisioned) live.managedElsewhere = `it is provisioned from files${meta.provisionedExternalId ? ` (${meta.provisionedExternalId})` : ''}`;
      return live;
    },
    // On create no version is sent: Grafana then refuses (412/409) if the uid appeared meanwhile.
    create: (req) => save({ ...req, overwrite: false }),
    update: (req) => save(req, req.overwrite ? undefined : (req.revision as number)),

    // GET /api/search with several tags matches dashboards carrying all of them (pkg/api/search.go,
    // pkg/services/search): the managed tag and this owner's. Pages of at most 5000 (its maximum).
    async listOwned(owner) {
      const uids: string[] = [];
      const tags = [MANAGED_TAG, ownerTag(owner)].map((t) => `tag=${encodeURIComponent(t)}`).join('&');
      for (let page = 1; ; page++) {
        const path = `/api/search?type=dash-db&${tags}&limit=${SEARCH_PAGE}&page=${page}`;
        const res = await request(conn, 'GET', path);
        if (!Array.isArray(res.body)) throw new NotGrafanaError(`GET ${path}: ${describeForeign(res.status, JSON.stringify(res.body) ?? '')}: not a search result; is the URL Grafana's?`);
        const known = new Set(uids).size;
        for (const hit of res.body) if (isObject(hit) && typeof hit.uid === 'string') uids.push(hit.uid);
        // A short page is the last; a full page with nothing new is a server ignoring `page`: stop, not loop.
        if (res.body.length < SEARCH_PAGE || new Set(uids).size === known) return uids;
      }
    },

    // DELETE /api/dashboards/uid/:uid (pkg/api/dashboard.go, DeleteDashboardByUID) takes no version:
    // the read just before is the only check. A provisioned dashboard is refused by Grafana (400).
    async delete(live) {
      const uid = String(live.dashboard.uid);
      const path = `/api/dashboards/uid/${encodeURIComponent(uid)}`;
      try {
        await request(conn, 'DELETE', path);
      } catch (err) {
        // Grafana's own 404: it is gone already (an earlier send applied late, or someone else), as asked.
        if (err instanceof HttpError && err.status === 404 && saysDashboardNotFound(err.body)) return;
        if (err instanceof HttpError && err.status === 400 && /provisioned/i.test(serverMessage(err.body))) {
          throw new SaveRefused('it is provisioned from files: Grafana does not let an API delete it');
        }
        throw err;
      }
    },
  };
}

const SEARCH_PAGE = 5000;

/** Grafana's own 404 about a dashboard: JSON saying so (pkg/api/dashboard.go: "Dashboard not found"); a proxy's 404 page is not. */
function saysDashboardNotFound(body: unknown): boolean {
  return isObject(body) && typeof body.message === 'string' && /dashboard not found/i.test(body.message);
}
