import { AmbiguousWriteError, HttpError, NotGrafanaError, describeForeign, isObject, request, serverMessage, type Connection } from './http.ts';
import { SaveRefused, type DashboardStore, type LiveDashboard, type SaveRequest, type Saved } from './store.ts';

const GROUP = 'dashboard.grafana.app';
/** Versions whose spec is the classic dashboard JSON, best first (v2* use another spec). */
const CLASSIC_VERSIONS = ['v1', 'v1beta1'];

interface K8sObject {
  metadata: {
    name: string;
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
        ...(req.live && liveLabels.get(req.live) ? { labels: liveLabels.get(req.live)! } : {}),
      },
      spec,
    } as K8sObject;
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
        throw new SaveRefused(`changed by someone else since it was read (HTTP 409: ${serverMessage(err.body)}): re-run to compare with the new version, or pass --force to overwrite it`);
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
        const st = res.body as { kind?: unknown; reason?: unknown; details?: { name?: unknown } };
        if (isObject(st) && st.kind === 'Status' && st.reason === 'NotFound' && isObject(st.details) && st.details.name === uid) return undefined;
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
      if (obj.metadata.labels) liveLabels.set(live, obj.metadata.labels);
      return live;
    },
    create: (req) => write('POST', collection, toObject(req)),
    // Without --force the current resourceVersion makes the update conditional (409 on a concurrent change).
    update: (req) => write('PUT', `${collection}/${encodeURIComponent(String(req.dashboard.uid))}`, toObject(req, req.overwrite ? undefined : String(req.revision))),
  };
}
