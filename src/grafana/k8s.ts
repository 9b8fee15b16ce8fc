import { AmbiguousWriteError, HttpError, NotGrafanaError, describeForeign, request, serverMessage, type Connection } from './http.ts';
import { isObject } from '../json.ts';
import { OWNER_LABEL, OWNER_TAG_PREFIX } from '../dashboard/tags.ts';
import { SaveConflict, SaveRefused, type DashboardStore, type LiveDashboard, type SaveRequest, type Saved } from './store.ts';

const GROUP = 'dashboard.grafana.app';
/** Versions whose spec is the classic dashboard JSON, best first (v2* use another spec). */
const CLASSIC_VERSIONS = ['v1', 'v1beta1'];

interface K8sObject {
  metadata: {
    name: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec: Record<string, unknown>;
  /** Set when the server read a dashboard stored in another schema (apps/dashboard/pkg/migration/conversion). */
  status?: { conversion?: { failed?: boolean; storedVersion?: string; error?: string } };
}

/** The version of the API whose spec is the v2 dashboard schema (dashboard.grafana.app/v2beta1). */
export const V2_VERSION = 'v2beta1';

/**
 * Every version of the Kubernetes-style dashboard API the server offers ([] for none).
 * GET /apis/dashboard.grafana.app/ answers 404 on servers with only the legacy API.
 */
export async function discoverK8sVersions(conn: Connection): Promise<string[]> {
  try {
    const res = await request(conn, 'GET', `/apis/${GROUP}/`);
    const versions = isObject(res.body) && Array.isArray(res.body.versions) ? (res.body.versions as unknown[]) : [];
    return versions.flatMap((v) => (isObject(v) && typeof v.version === 'string' ? [v.version] : []));
  } catch (err) {
    if (err instanceof HttpError && (err.status === 404 || err.status === 403)) return [];
    throw err;
  }
}

/** Which classic-JSON version of the Kubernetes-style dashboard API the server offers, if any. */
export async function discoverK8sVersion(conn: Connection): Promise<string | undefined> {
  const offered = await discoverK8sVersions(conn);
  return CLASSIC_VERSIONS.find((v) => offered.includes(v));
}

/** On-prem Grafana: org 1 is "default", other orgs are "org-<id>". */
export function namespaceFor(orgId: number | undefined): string {
  return !orgId || orgId === 1 ? 'default' : `org-${orgId}`;
}

/** A Kubernetes namespace is a DNS label (RFC 1123): what `--namespace` and a target's `namespace` accept. */
export const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The namespace of the Kubernetes-style API. A Grafana Cloud stack has one namespace, "stacks-<stack id>"
 * (Grafana's namespace mapper uses the stack id whenever one is configured), which the server tells in
 * `GET /bootdata` as `settings.namespace`. As Grafana's own CLI does (grafanactl, resolveNamespace /
 * DiscoverStackID), a stack namespace found there wins; anything else (on-prem, no answer, not JSON)
 * falls back to the org's namespace. One request, made only when the Kubernetes-style API is used.
 */
export async function discoverNamespace(conn: Connection): Promise<string> {
  const orgNamespace = namespaceFor(Number(conn.headers['X-Grafana-Org-Id'] ?? 1));
  try {
    const res = await request(conn, 'GET', '/bootdata', { notFoundIsAnswer: true });
    const found = (res.body as { settings?: { namespace?: unknown } } | undefined)?.settings?.namespace;
    if (res.status === 200 && typeof found === 'string' && /^stacks-[1-9]\d*$/.test(found.trim())) return found.trim();
  } catch {
    // Discovery is a convenience: without it the org's namespace is as good a guess as Grafana's CLI makes.
  }
  return orgNamespace;
}

// Annotations the server owns: sending them back is pointless or refused.
const SERVER_ANNOTATIONS = /^grafana\.app\/(created|updated|managed|folder$|message$)/;

/** The Kubernetes-style API: /apis/dashboard.grafana.app/<version>/namespaces/<ns>/dashboards. */
export function k8sStore(conn: Connection, version: string, namespace: string): DashboardStore {
  const collection = `/apis/${GROUP}/${version}/namespaces/${encodeURIComponent(namespace)}/dashboards`;

  function toObject(req: SaveRequest, resourceVersion?: string): K8sObject {
    const { id: _id, uid, version: _v, ...spec } = req.dashboard;
    const kept = Object.fromEntries(Object.entries(req.live ? liveAnnotations.get(req.live) ?? {} : {}).filter(([k]) => !SERVER_ANNOTATIONS.test(k)));
    return {
      apiVersion: `${GROUP}/${version}`,
      kind: 'Dashboard',
      metadata: {
        name: String(uid),
        ...(resourceVersion ? { resourceVersion } : {}),
        annotations: {
          ...kept,
          ...(req.folderUid ? { 'grafana.app/folder': req.folderUid } : {}),
          'grafana.app/message': req.message,
        },
        ...labelsFor(req),
      },
      spec,
    } as K8sObject;
  }

  /** The live object's labels, with the owner label following the dashboard's owner tag (src/dashboard/tags.ts; what they mean: src/publish/ownership.ts). */
  function labelsFor(req: SaveRequest): { labels?: Record<string, string> } {
    const { [OWNER_LABEL]: _old, ...labels } = (req.live && liveLabels.get(req.live)) || {};
    const tags = Array.isArray(req.dashboard.tags) ? req.dashboard.tags : [];
    const owner = tags.find((t): t is string => typeof t === 'string' && t.startsWith(OWNER_TAG_PREFIX))?.slice(OWNER_TAG_PREFIX.length);
    if (owner) labels[OWNER_LABEL] = owner;
    return Object.keys(labels).length ? { labels } : {};
  }

  async function write(method: 'POST' | 'PUT', path: string, obj: K8sObject): Promise<Saved> {
    const send = (query?: Record<string, string>) => request(conn, method, path, { body: obj, ...(query ? { query } : {}) });
    let res;
    try {
      try {
        res = await send();
      } catch (err) {
        // A schemaVersion newer than the server knows fails validation: the server's own migration
        // copes with it, so ask it to ignore unknown fields rather than refuse.
        if (err instanceof HttpError && err.status === 422) res = await send({ fieldValidation: 'Ignore' });
        else throw err;
      }
    } catch (err) {
      if (err instanceof HttpError && err.status === 409) {
        throw new SaveConflict(`changed by someone else since it was read (HTTP 409: ${serverMessage(err.body)}): re-run to compare with the new version, or pass --force to overwrite it`);
      }
      throw err;
    }
    const saved = res.body as K8sObject;
    // The stored object comes back; JSON without its name is someone else's answer.
    if (!isObject(saved) || !isObject(saved.metadata) || saved.metadata.name !== obj.metadata.name) {
      throw new AmbiguousWriteError(`${method} ${path}: ${describeForeign(res.status, JSON.stringify(saved) ?? '')}: the write may or may not have been applied`);
    }
    return { url: `/d/${saved.metadata.name}`, version: saved.metadata.generation ?? 0 };
  }

  const liveAnnotations = new WeakMap<LiveDashboard, Record<string, string>>();
  const liveLabels = new WeakMap<LiveDashboard, Record<string, string>>();

  return {
    api: 'k8s',
    async read(uid) {
      const path = `${collection}/${encodeURIComponent(uid)}`;
      const res = await request(conn, 'GET', path, { notFoundIsAnswer: true });
      const text = () => (typeof res.body === 'string' ? res.body : JSON.stringify(res.body) ?? '');
      if (res.status === 404) {
        // The API server's NotFound names the object (k8s.io/apimachinery errors.NewNotFound: a Status with
        // reason NotFound and details.name); a 404 without it is about a path, not this dashboard.
        if (saysNotFound(res.body, uid)) return undefined;
        throw new NotGrafanaError(`GET ${path}: ${describeForeign(404, text())}: not the API server's answer about "${uid}"; is the URL Grafana's?`);
      }
      const obj = res.body as K8sObject;
      if (!isObject(obj) || !isObject(obj.metadata) || obj.metadata.name !== uid || !isObject(obj.spec)) {
        throw new NotGrafanaError(`GET ${path}: ${describeForeign(res.status, text())}: not a Dashboard object named "${uid}"; is the URL Grafana's?`);
      }
      const annotations = obj.metadata.annotations ?? {};
      const live: LiveDashboard = {
        dashboard: { ...obj.spec, uid: obj.metadata.name },
        folderUid: annotations['grafana.app/folder'] ?? '',
        revision: obj.metadata.resourceVersion ?? '',
        version: obj.metadata.generation ?? 0,
        url: `/d/${obj.metadata.name}`,
      };
      const managedBy = annotations['grafana.app/managedBy'];
      if (managedBy) live.managedElsewhere = `it is managed by ${managedBy}${annotations['grafana.app/managerId'] ? ` (${annotations['grafana.app/managerId']})` : ''}`;
      // Stored in the other schema and Grafana could not convert it to this one: its spec here is not the dashboard.
      const conversion = isObject(obj.status) ? obj.status.conversion : undefined;
      if (conversion?.failed) {
        live.managedElsewhere = `it is stored as ${conversion.storedVersion ?? 'another version'} and Grafana could not read it as ${version} (${conversion.error ?? 'conversion failed'}); publish it with the schema it is stored in`;
      }
      liveAnnotations.set(live, annotations);
      if (obj.metadata.labels) {
        liveLabels.set(live, obj.metadata.labels);
        live.labels = obj.metadata.labels;
      }
      if (obj.metadata.uid) live.objectUid = obj.metadata.uid;
      return live;
    },
    create: (req) => write('POST', collection, toObject(req)),

    // The list by label selector, page by page (limit/continue), as the API server lists
    // (k8s.io/apiserver: metav1.ListOptions labelSelector, limit, continue).
    async listOwned(owner) {
      const uids: string[] = [];
      let next: string | undefined;
      do {
        const res = await request(conn, 'GET', collection, { query: { labelSelector: `${OWNER_LABEL}=${owner}`, limit: '500', ...(next ? { continue: next } : {}) } });
        const body = res.body as { items?: unknown; metadata?: { continue?: unknown } };
        if (!isObject(body) || !Array.isArray(body.items)) throw new NotGrafanaError(`GET ${collection}: ${describeForeign(res.status, JSON.stringify(body) ?? '')}: not a DashboardList; is the URL Grafana's?`);
        for (const item of body.items) if (isObject(item) && isObject(item.metadata) && typeof item.metadata.name === 'string') uids.push(item.metadata.name);
        next = isObject(body.metadata) && typeof body.metadata.continue === 'string' && body.metadata.continue ? body.metadata.continue : undefined;
      } while (next);
      return uids;
    },

    // A delete conditional on the object as read: DeleteOptions.preconditions (uid, resourceVersion) are
    // checked by the storage before it deletes (Grafana's pkg/storage/unified/apistore/store.go, Delete:
    // preconditions.Check; k8s.io/apiserver/pkg/storage Preconditions) and a mismatch is a 409 Conflict.
    // A managed object (provisioned, repository) is refused there too (checkManagerPropertiesOnDelete).
    async delete(live) {
      const uid = String(live.dashboard.uid);
      const preconditions = { ...(live.objectUid ? { uid: live.objectUid } : {}), ...(live.revision !== '' ? { resourceVersion: String(live.revision) } : {}) };
      try {
        await request(conn, 'DELETE', `${collection}/${encodeURIComponent(uid)}`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions } });
      } catch (err) {
        // The API server's own NotFound for this name: it is gone already (an earlier send applied late, or someone else).
        if (err instanceof HttpError && err.status === 404 && saysNotFound(err.body, uid)) return;
        if (err instanceof HttpError && err.status === 409) {
          throw new SaveRefused(`changed by someone else since it was read (HTTP 409: ${serverMessage(err.body)}): re-run to see it as it is now`);
        }
        throw err;
      }
    },
    // Without --force the current resourceVersion makes the update conditional (409 on a concurrent change).
    update: (req) => write('PUT', `${collection}/${encodeURIComponent(String(req.dashboard.uid))}`, toObject(req, req.overwrite ? undefined : String(req.revision))),
  };
}

/**
 * The API server's NotFound about this object (k8s.io/apimachinery errors.NewNotFound: a Status with reason
 * NotFound and details.name); a 404 without it is about a path, not this dashboard.
 */
function saysNotFound(body: unknown, name: string): boolean {
  const st = body as { kind?: unknown; reason?: unknown; details?: { name?: unknown } };
  return isObject(st) && st.kind === 'Status' && st.reason === 'NotFound' && isObject(st.details) && st.details.name === name;
}
