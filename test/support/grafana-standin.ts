/**
 * In-process stand-in for the Grafana HTTP API, used by tests of `publish` / `diff`.
 *
 * It answers as Grafana's source does (contract: Grafana's HTTP API documentation,
 * https://grafana.com/docs/grafana/latest/developers/http_api/).
 * Points the contract left open were checked in grafana/grafana and are cited next to the code:
 *   - pkg/services/dashboards/errors.go                  (error texts / status codes)
 *   - pkg/services/dashboards/service/dashboard_service.go (save validation order, overwrite rules)
 *   - pkg/api/apierrors/dashboard.go, pkg/api/apierrors/folder.go (error -> HTTP mapping)
 *   - pkg/services/dashboardimport/{api/api.go,service/service.go,utils/dash_template_evaluator.go}
 *   - pkg/services/search/model/model.go                 (search hit shape and ordering)
 *   - pkg/services/apiserver/auth/authorizer/org_id.go   (k8s namespace of a foreign org -> 403)
 *
 * Listens on 127.0.0.1, port 0 only. Uses node built-ins only.
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Public types

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface StandinAuth {
  /** Accepted service-account tokens (default ['test-token']). */
  tokens?: string[];
  /** Accepted basic-auth users (default admin:admin, or none when apiTokenHeader is set). */
  basic?: { user: string; password: string }[];
  /** Logz.io style: the token travels in this header instead of `Authorization: Bearer`. */
  apiTokenHeader?: string;
}

export interface StandinOptions {
  /** Mount point of the API, e.g. '/v1/grafana' (Logz.io). Default ''. */
  basePath?: string;
  auth?: StandinAuth;
  /** Kubernetes-style dashboard API; false (default) = legacy-only server. */
  k8s?: false | { versions: string[]; preferredVersion?: string };
  /** Version reported by /api/health. Default '12.3.0'. */
  version?: string;
  /** Highest dashboard schemaVersion the server knows (k8s validation). Default 42. */
  schemaVersion?: number;
  /**
   * A Grafana Cloud stack: its one org's only Kubernetes namespace is "stacks-<id>" (any other is a 403),
   * and GET /bootdata says so in settings.namespace. Default: on-prem ("default" / "org-<id>").
   */
  stackId?: number;
  /** Org ids that exist; every credential is a member of all of them. Default [1]. */
  orgs?: number[];
  /** Status of a stale/missing version on save without overwrite. Default 412. */
  legacyConflictStatus?: 409 | 412;
  /** Logz.io: creating a dashboard with a numeric `id` (even 0) fails. */
  requireNoIdOnCreate?: boolean;
  /**
   * Refuse a folder whose title an existing sibling already has (409). Older Grafana did this
   * (ErrFolderSameNameExists); the newest pkg/services/dashboards/errors.go no longer has that
   * error, i.e. same-title siblings are allowed. Default false.
   */
  uniqueFolderTitles?: boolean;
  /**
   * Nested folders (default true). false: a Grafana before 11, or with the nestedFolders feature off —
   * GET /api/folders ignores parentUid and lists every folder without parents, POST /api/folders
   * ignores parentUid and creates at the root (pkg/api/folder.go: GetFolders, searchFolders;
   * pkg/services/folder/folderimpl/folder.go: Create).
   */
  nestedFolders?: boolean;
  /** Delay added to every request (benchmarks). */
  latencyMs?: number;
  /** Clock. Default: a deterministic clock starting 2025-01-01T00:00:00Z, +1 s per reading. */
  now?: () => Date;
  /**
   * Prometheus data sources by uid: their URL. `/api/datasources/proxy/uid/<uid>/<path>` is forwarded to
   * `<url>/<path>` with the query string, as Grafana's data source proxy does.
   */
  datasources?: Record<string, { url: string }>;
}

export interface StoredDashboard {
  id: number;
  uid: string;
  orgId: number;
  /** Full legacy JSON, including the server-assigned id, uid and version. */
  dashboard: JsonObject;
  /** Legacy version == k8s metadata.generation. */
  version: number;
  folderUid?: string;
  provisioned?: boolean;
  provisionedExternalId?: string;
  pluginId?: string;
  created: string;
  updated: string;
  createdBy: string;
  updatedBy: string;
  /** Message of the latest write. */
  message?: string;
  /** Increments (server-wide) on every write, as in Kubernetes. */
  resourceVersion: string;
  /** metadata.uid of the k8s view. */
  k8sUid: string;
  /** Client-set k8s labels / annotations (server-managed grafana.app/* keys excluded). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The k8s version a v2 dashboard was written through (its spec is the v2 schema); absent for classic JSON. */
  storedVersion?: string;
}

export interface StoredFolder {
  id: number;
  uid: string;
  orgId: number;
  title: string;
  description?: string;
  parentUid?: string;
  version: number;
  created: string;
  updated: string;
  createdBy: string;
  updatedBy: string;
}

export interface OrgStore {
  dashboards: Map<string, StoredDashboard>;
  folders: Map<string, StoredFolder>;
}

export interface SeedDashboardInput {
  dashboard: JsonObject;
  orgId?: number;
  folderUid?: string;
  /** Default: dashboard.version when it is a positive number, else 1. */
  version?: number;
  provisioned?: boolean;
  provisionedExternalId?: string;
  pluginId?: string;
  message?: string;
  createdBy?: string;
}

export interface SeedFolderInput {
  uid: string;
  title: string;
  orgId?: number;
  parentUid?: string;
  description?: string;
}

export interface LoggedRequest {
  method: string;
  /** Full path as received (basePath included). */
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-case names; Authorization and token header values are replaced by '***'. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the raw text when it is not JSON, or undefined when empty. */
  body: Json | string | undefined;
}

export interface FaultMatch {
  method?: string;
  /** Exact path (with or without basePath) or a RegExp tested against both. */
  path?: string | RegExp;
}

/** `times`: how many matching requests it hits (default 1); `skip`: how many matching requests pass untouched first. */
export type Fault = { match?: FaultMatch; times?: number; skip?: number } & (
  /** `body` defaults to {"message": <reason phrase>}; a string body is sent verbatim as text/html (proxy pages). */
  | { kind: 'status'; status: number; retryAfter?: string; body?: Json }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  | { kind: 'malformed' }
  /** Applied, then answered only after `ms` (a client with a shorter timeout loses the answer). */
  | { kind: 'delayAfterApply'; ms: number }
  /** Applied, then the connection is dropped before the answer (the answer is lost). */
  | { kind: 'resetAfterApply' }
  /** Neither applied nor answered: the request hangs until the client gives up. */
  | { kind: 'hang' }
);

export interface GrafanaStandin {
  /** http://127.0.0.1:PORT plus basePath. */
  url: string;
  state: StandinState;
  faults: FaultQueue;
  requests: LoggedRequest[];
  readonly maxConcurrent: number;
  readonly inFlight: number;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Grafana's slugify for ASCII titles: lower-case, runs of non-alphanumerics -> '-', trimmed. */
export function slugify(title: string): string {
  return title
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Go's time.Time JSON form for second-precision UTC times. */
const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const hash = (s: string): string => createHash('sha256').update(s).digest('hex');

/** JSON with sorted keys, to compare specs regardless of key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const clone = <T extends Json>(v: T): T => structuredClone(v);

/** Go's strings.TrimSpace: unicode.IsSpace at either end. */
const GO_EDGE_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

// pkg/util/shortid_generator.go: IsValidShortUID / IsShortUIDTooLong.
const UID_PATTERN = /^[a-zA-Z0-9\-_]*$/;
const UID_MAX = 40;
// Contract: k8s names ^[a-zA-Z0-9:\-_.]*$, at most 253 chars.
const K8S_NAME_PATTERN = /^[a-zA-Z0-9:\-_.]+$/;

const dashboardUrl = (uid: string, slug: string): string => `/d/${uid}/${slug}`;
const folderUrl = (uid: string, title: string): string => `/dashboards/f/${uid}/${slugify(title)}`;
const namespaceOf = (orgId: number): string => (orgId === 1 ? 'default' : `org-${orgId}`);

// ---------------------------------------------------------------------------------------------
// State

export class StandinState {
  readonly orgs = new Map<number, OrgStore>();
  /** Successful dashboard/folder writes (creates, updates, deletes); seeding is not counted. */
  writes = 0;
  private lastId = 0;
  private lastResourceVersion = 0;
  private lastGeneratedUid = 0;

  constructor(
    orgIds: number[],
    private readonly clock: () => Date,
  ) {
    for (const id of orgIds) this.orgs.set(id, { dashboards: new Map(), folders: new Map() });
  }

  org(orgId: number): OrgStore | undefined {
    return this.orgs.get(orgId);
  }

  timestamp(): string {
    return rfc3339(this.clock());
  }

  /** Dashboards and folders share one id sequence (one `dashboard` table in legacy Grafana). */
  nextId(): number {
    return ++this.lastId;
  }

  nextResourceVersion(): string {
    return String(++this.lastResourceVersion);
  }

  currentResourceVersion(): string {
    return String(this.lastResourceVersion);
  }

  /** Deterministic 14-char uid, like Grafana's generated short uids. */
  generateUid(): string {
    return hash(`uid-${++this.lastGeneratedUid}`).slice(0, 14);
  }

  getDashboard(uid: string, orgId = 1): StoredDashboard | undefined {
    return this.orgs.get(orgId)?.dashboards.get(uid);
  }

  getFolder(uid: string, orgId = 1): StoredFolder | undefined {
    return this.orgs.get(orgId)?.folders.get(uid);
  }

  /** Ancestors of a folder, root first, the folder itself last. */
  folderChain(org: OrgStore, uid: string): StoredFolder[] {
    const chain: StoredFolder[] = [];
    const seen = new Set<string>();
    let f = org.folders.get(uid);
    while (f && !seen.has(f.uid)) {
      seen.add(f.uid);
      chain.unshift(f);
      f = f.parentUid ? org.folders.get(f.parentUid) : undefined;
    }
    return chain;
  }

  k8sUidFor(orgId: number, name: string, id: number): string {
    const h = hash(`${orgId}/${name}/${id}`);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  private mustOrg(orgId: number): OrgStore {
    const org = this.orgs.get(orgId);
    if (!org) throw new Error(`grafana stand-in: unknown org ${orgId}`);
    return org;
  }

  seedDashboard(input: SeedDashboardInput): StoredDashboard {
    const orgId = input.orgId ?? 1;
    const org = this.mustOrg(orgId);
    const data = clone(input.dashboard);
    const uid = typeof data.uid === 'string' && data.uid !== '' ? data.uid : this.generateUid();
    let id: number;
    if (typeof data.id === 'number' && data.id > 0) {
      id = data.id;
      this.lastId = Math.max(this.lastId, id);
    } else {
      id = this.nextId();
    }
    const version = input.version ?? (typeof data.version === 'number' && data.version > 0 ? data.version : 1);
    Object.assign(data, { id, uid, version });
    const now = this.timestamp();
    const by = input.createdBy ?? 'admin';
    const stored: StoredDashboard = {
      id,
      uid,
      orgId,
      dashboard: data,
      version,
      created: now,
      updated: now,
      createdBy: by,
      updatedBy: by,
      resourceVersion: this.nextResourceVersion(),
      k8sUid: this.k8sUidFor(orgId, uid, id),
      labels: {},
      annotations: {},
      ...(input.folderUid ? { folderUid: input.folderUid } : {}),
      ...(input.provisioned ? { provisioned: true } : {}),
      ...(input.provisionedExternalId ? { provisionedExternalId: input.provisionedExternalId } : {}),
      ...(input.pluginId ? { pluginId: input.pluginId } : {}),
      ...(input.message ? { message: input.message } : {}),
    };
    org.dashboards.set(uid, stored);
    return stored;
  }

  seedFolder(input: SeedFolderInput): StoredFolder {
    const orgId = input.orgId ?? 1;
    const org = this.mustOrg(orgId);
    const now = this.timestamp();
    const folder: StoredFolder = {
      id: this.nextId(),
      uid: input.uid,
      orgId,
      title: input.title,
      version: 1,
      created: now,
      updated: now,
      createdBy: 'admin',
      updatedBy: 'admin',
      ...(input.parentUid ? { parentUid: input.parentUid } : {}),
      ...(input.description ? { description: input.description } : {}),
    };
    org.folders.set(folder.uid, folder);
    return folder;
  }
}

// ---------------------------------------------------------------------------------------------
// Faults

export class FaultQueue {
  private readonly queue: { fault: Fault; left: number; skip: number }[] = [];
  private readonly used = new Map<Fault, number>();

  /** How many requests a fault (as pushed) has hit so far. */
  hits(fault: Fault): number {
    return this.used.get(fault) ?? 0;
  }

  push(...faults: Fault[]): void {
    for (const fault of faults) this.queue.push({ fault, left: fault.times ?? 1, skip: fault.skip ?? 0 });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** Faults not yet used up. */
  get pending(): readonly Fault[] {
    return this.queue.map((q) => q.fault);
  }

  /** Consumes one use of the first fault matching the request (a fault still skipping lets it pass and counts it). */
  take(method: string, apiPath: string, fullPath: string): Fault | undefined {
    const matches = ({ fault: { match } }: { fault: Fault }) => {
      if (match?.method && match.method.toUpperCase() !== method) return false;
      const p = match?.path;
      if (p === undefined) return true;
      if (typeof p === 'string') return p === apiPath || p === fullPath;
      return p.test(apiPath) || p.test(fullPath);
    };
    for (const [index, entry] of this.queue.entries()) {
      if (!matches(entry)) continue;
      if (entry.skip > 0) {
        entry.skip--;
        return undefined;
      }
      if (--entry.left <= 0) this.queue.splice(index, 1);
      this.used.set(entry.fault, this.hits(entry.fault) + 1);
      return entry.fault;
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Replies

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Send `body` (a string) verbatim instead of JSON-encoding it. */
  raw?: boolean;
}

const reply = (status: number, body: unknown): Reply => ({ status, body });
const message = (status: number, msg: string): Reply => reply(status, { message: msg });
const NOT_FOUND = message(404, 'Not found');
const BAD_REQUEST_DATA = message(400, 'bad request data');
const DASHBOARD_NOT_FOUND_BY_ID = reply(404, { status: 'not-found', message: 'Dashboard not found' });
const FOLDER_NOT_FOUND_404 = reply(404, { status: 'not-found', message: 'folder not found' });

const GROUP = 'dashboard.grafana.app';
const RESOURCE = `dashboards.${GROUP}`;

function k8sFailure(code: number, reason: string, msg: string, details?: JsonObject): Reply {
  return reply(code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: msg,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

const k8sNotFound = (name: string): Reply =>
  k8sFailure(404, 'NotFound', `${RESOURCE} "${name}" not found`, { name, group: GROUP, kind: 'dashboards' });

/** k8s field.Invalid formatting: `<Kind>.<group> "<name>" is invalid: <field>: <detail>`. */
const k8sInvalid = (name: string, field: string, reasonType: string, detail: string): Reply =>
  k8sFailure(422, 'Invalid', `Dashboard.${GROUP} "${name}" is invalid: ${field}: ${detail}`, {
    name,
    group: GROUP,
    kind: 'Dashboard',
    causes: [{ reason: reasonType, message: detail, field }],
  });

const k8sBadRequest = (msg: string): Reply => k8sFailure(400, 'BadRequest', msg);

// ---------------------------------------------------------------------------------------------
// Server

interface Identity {
  /** Legacy meta createdBy/updatedBy. */
  login: string;
  /** k8s grafana.app/createdBy annotation value. */
  k8sId: string;
}

interface Ctx {
  method: string;
  segs: string[];
  query: URLSearchParams;
  rawBody: string;
  identity: Identity;
  orgId: number;
}

export async function startGrafanaStandin(options: StandinOptions = {}): Promise<GrafanaStandin> {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const tokens = options.auth?.tokens ?? ['test-token'];
  const apiTokenHeader = options.auth?.apiTokenHeader?.toLowerCase();
  // Logz.io has no basic auth, so no default user in token-header mode.
  const basicUsers = options.auth?.basic ?? (apiTokenHeader ? [] : [{ user: 'admin', password: 'admin' }]);
  const k8s = options.k8s || undefined;
  const stackId = options.stackId;
  const grafanaVersion = options.version ?? '12.3.0';
  const maxSchemaVersion = options.schemaVersion ?? 42;
  const conflictStatus = options.legacyConflictStatus ?? 412;
  const latencyMs = options.latencyMs ?? 0;
  const nested = options.nestedFolders ?? true;
  let tick = 0;
  const clock = options.now ?? (() => new Date(Date.UTC(2025, 0, 1) + 1000 * tick++));

  const state = new StandinState(options.orgs ?? [1], clock);
  const faults = new FaultQueue();
  const requests: LoggedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxConcurrent = 0;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  // --- auth ------------------------------------------------------------------------------------

  function authenticate(req: http.IncomingMessage): Identity | undefined {
    if (apiTokenHeader) {
      const token = req.headers[apiTokenHeader];
      const i = typeof token === 'string' ? tokens.indexOf(token) : -1;
      if (i >= 0) return { login: `sa-${i + 1}`, k8sId: `service-account:${i + 1}` };
    }
    const authz = req.headers.authorization ?? '';
    const [scheme = '', value = ''] = authz.split(/\s+/, 2);
    if (!apiTokenHeader && scheme.toLowerCase() === 'bearer') {
      const i = tokens.indexOf(value);
      if (i >= 0) return { login: `sa-${i + 1}`, k8sId: `service-account:${i + 1}` };
    }
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const sep = decoded.indexOf(':');
      const user = decoded.slice(0, sep);
      const password = decoded.slice(sep + 1);
      if (sep > 0 && basicUsers.some((u) => u.user === user && u.password === password)) {
        return { login: user, k8sId: `user:${user}` };
      }
    }
    return undefined;
  }

  // --- legacy save (POST /api/dashboards/db and import) ----------------------------------------

  interface SaveInput {
    dashboard: JsonObject;
    folderUid: string;
    folderId: number;
    overwrite: boolean;
    message: string;
  }

  /**
   * Order and outcomes follow BuildSaveDashboardCommand + ValidateDashboardBeforeSave in
   * pkg/services/dashboards/service/dashboard_service.go, errors mapped by
   * pkg/api/apierrors/dashboard.go (DashboardErr with a status -> {status,message}; 400 without
   * status -> {message}; dashboards.ErrFolderNotFound -> 400).
   */
  function saveLegacy(org: OrgStore, orgId: number, who: Identity, input: SaveInput): Reply | StoredDashboard {
    const data = clone(input.dashboard);
    // dashboards.NewDashboardFromJson: a numeric id or a string uid marks an update; only then
    // is the posted version read (absent -> 0, which never matches a stored version).
    const hasId = typeof data.id === 'number';
    const hasUid = typeof data.uid === 'string';
    let id = hasId ? Math.trunc(data.id as number) : 0;
    let uid = hasUid ? (data.uid as string).trim() : '';
    let version = (hasId || hasUid) && typeof data.version === 'number' ? data.version : 0;
    // BuildSaveDashboardCommand: strings.TrimSpace (unicode.IsSpace, which has U+0085 but not U+FEFF).
    const title = typeof data.title === 'string' ? data.title.replace(GO_EDGE_SPACE, '') : '';
    data.title = title;

    if (title === '') return reply(400, { status: 'empty-name', message: 'Dashboard title cannot be empty' });
    if (!UID_PATTERN.test(uid)) return message(400, 'uid contains illegal characters');
    if (uid.length > UID_MAX) return message(400, 'uid too long, max 40 characters');

    let folderUid = input.folderUid;
    if (folderUid !== '') {
      if (!org.folders.has(folderUid)) return message(400, 'folder not found');
    } else if (input.folderId !== 0) {
      const folder = [...org.folders.values()].find((f) => f.id === input.folderId);
      if (!folder) return message(400, 'folder not found');
      folderUid = folder.uid;
    }

    if (options.requireNoIdOnCreate && hasId && !(uid !== '' && org.dashboards.has(uid))) {
      // Logz.io refuses ids it did not hand out; answered like stock Grafana's unknown-id case.
      if (![...org.dashboards.values()].some((d) => d.id === id)) return DASHBOARD_NOT_FOUND_BY_ID;
    }

    let existingById: StoredDashboard | undefined;
    if (id > 0) {
      existingById = [...org.dashboards.values()].find((d) => d.id === id);
      if (!existingById) return DASHBOARD_NOT_FOUND_BY_ID;
      if (uid === '') uid = existingById.uid;
    }
    if (uid !== '' && org.folders.has(uid)) return message(400, 'Dashboard cannot be changed to a folder');
    const existingByUid = uid !== '' ? org.dashboards.get(uid) : undefined;
    if (existingById && existingByUid && existingById.id !== existingByUid.id) {
      return message(400, 'A dashboard with the same uid already exists');
    }
    const existing = existingById ?? existingByUid;
    if (existing) {
      if (version !== existing.version) {
        if (!input.overwrite) return versionConflict();
        version = existing.version;
      }
      if (existing.pluginId && !input.overwrite) {
        return reply(412, { status: 'plugin-dashboard', message: `The dashboard belongs to plugin ${existing.pluginId}.` });
      }
      if (existing.provisioned) return message(400, 'Cannot save provisioned dashboard');
      id = existing.id;
    }

    const now = state.timestamp();
    if (!existing) {
      id = state.nextId();
      if (uid === '') uid = state.generateUid(); // since 11.3 a POST without uid creates a new dashboard
    }
    const newVersion = existing ? version + 1 : 1;
    Object.assign(data, { id, uid, version: newVersion });
    const stored: StoredDashboard = {
      id,
      uid,
      orgId,
      dashboard: data,
      version: newVersion,
      created: existing?.created ?? now,
      updated: now,
      createdBy: existing?.createdBy ?? who.login,
      updatedBy: who.login,
      resourceVersion: state.nextResourceVersion(),
      k8sUid: existing?.k8sUid ?? state.k8sUidFor(orgId, uid, id),
      labels: existing?.labels ?? {},
      annotations: existing?.annotations ?? {},
      ...(folderUid ? { folderUid } : {}),
      ...(input.message ? { message: input.message } : {}),
      // no pluginId: the save command carries PluginID from the request (empty here), so an
      // overwrite detaches a plugin dashboard from its plugin
    };
    // Saving by id with another uid renames the dashboard.
    if (existing && existing.uid !== uid) org.dashboards.delete(existing.uid);
    org.dashboards.set(uid, stored);
    state.writes++;
    return stored;
  }

  function versionConflict(): Reply {
    return conflictStatus === 409
      ? message(409, 'Dashboard already exists. Use overwrite flag to update.')
      : reply(412, { status: 'version-mismatch', message: 'The dashboard has been changed by someone else' });
  }

  /** Go's json.Unmarshal into a typed struct: null leaves the zero value, a wrong type fails. */
  function typed<T extends 'string' | 'number' | 'boolean'>(
    body: JsonObject,
    key: string,
    type: T,
  ): { ok: false } | { ok: true; value: (T extends 'string' ? string : T extends 'number' ? number : boolean) | undefined } {
    const v = body[key];
    if (v === undefined || v === null) return { ok: true, value: undefined };
    if (typeof v !== type) return { ok: false };
    return { ok: true, value: v as never };
  }

  function parseJson(raw: string): { ok: true; value: Json } | { ok: false } {
    try {
      return { ok: true, value: JSON.parse(raw) as Json };
    } catch {
      return { ok: false };
    }
  }

  function postDashboard(ctx: Ctx, org: OrgStore): Reply {
    const parsed = parseJson(ctx.rawBody);
    if (!parsed.ok || !isObject(parsed.value)) return BAD_REQUEST_DATA;
    const body = parsed.value;
    const overwrite = typed(body, 'overwrite', 'boolean');
    const msg = typed(body, 'message', 'string');
    const folderUid = typed(body, 'folderUid', 'string');
    const folderId = typed(body, 'folderId', 'number');
    if (!overwrite.ok || !msg.ok || !folderUid.ok || !folderId.ok) return BAD_REQUEST_DATA;
    if (body.dashboard === undefined || body.dashboard === null) return BAD_REQUEST_DATA;
    // Checked in the handler before the service; Go's len() counts bytes.
    if (Buffer.byteLength(msg.value ?? '') > 500) return message(400, 'message too long, max 500 characters');

    const saved = saveLegacy(org, ctx.orgId, ctx.identity, {
      dashboard: isObject(body.dashboard) ? body.dashboard : {},
      folderUid: folderUid.value ?? '',
      folderId: folderId.value ?? 0,
      overwrite: overwrite.value ?? false,
      message: msg.value ?? '',
    });
    if (!('uid' in saved)) return saved;
    const slug = slugify(saved.dashboard.title as string);
    return reply(200, {
      id: saved.id,
      uid: saved.uid,
      url: dashboardUrl(saved.uid, slug),
      status: 'success',
      version: saved.version,
      slug,
      folderUid: saved.folderUid ?? '',
    });
  }

  // --- import --------------------------------------------------------------------------------

  /** pkg/services/dashboardimport/utils/dash_template_evaluator.go */
  function evalTemplate(value: Json, vars: Map<string, string>): Json {
    if (typeof value === 'string') return value.replace(/\$\{.+?\}/g, (m) => vars.get(m) ?? m);
    if (Array.isArray(value)) return value.map((v) => evalTemplate(v, vars));
    if (isObject(value)) {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) if (k !== '__inputs') out[k] = evalTemplate(v, vars);
      return out;
    }
    return value;
  }

  function importDashboard(ctx: Ctx, org: OrgStore): Reply {
    // pkg/services/dashboardimport/api/api.go + service/service.go
    const parsed = parseJson(ctx.rawBody);
    if (!parsed.ok || !isObject(parsed.value)) return BAD_REQUEST_DATA;
    const body = parsed.value;
    const overwrite = typed(body, 'overwrite', 'boolean');
    const folderUid = typed(body, 'folderUid', 'string');
    const folderId = typed(body, 'folderId', 'number');
    const pluginId = typed(body, 'pluginId', 'string');
    const inputs = body.inputs ?? [];
    if (!overwrite.ok || !folderUid.ok || !folderId.ok || !pluginId.ok || !Array.isArray(inputs)) return BAD_REQUEST_DATA;
    const parsedInputs: { name: string; type: string; value: string }[] = [];
    for (const i of inputs) {
      if (!isObject(i)) return BAD_REQUEST_DATA;
      const fields = (['name', 'type', 'value', 'pluginId'] as const).map((k) => typed(i, k, 'string'));
      if (fields.some((f) => !f.ok)) return BAD_REQUEST_DATA;
      const str = (k: string): string => (typeof i[k] === 'string' ? (i[k] as string) : '');
      parsedInputs.push({ name: str('name'), type: str('type'), value: str('value') });
    }
    // Plugin dashboards (pluginId + path) are not modelled: without a dashboard it is "missing".
    if (body.dashboard === undefined || body.dashboard === null) return message(422, 'Dashboard must be set');
    const template = isObject(body.dashboard) ? body.dashboard : {};

    const vars = new Map<string, string>();
    for (const def of Array.isArray(template.__inputs) ? template.__inputs : []) {
      const d = isObject(def) ? def : {};
      const name = typeof d.name === 'string' ? d.name : '';
      const type = typeof d.type === 'string' ? d.type : '';
      let value = parsedInputs.find((i) => i.type === type && (i.name === name || i.name === '*'))?.value;
      if (d.pluginId === '__expr__') value = '__expr__'; // expressions are forced to __expr__
      // DashboardInputMissingError is not mapped by ToDashboardErrorResponse, so it falls through
      // to the generic 500 (response.Error with the underlying error, hence the traceID).
      if (value === undefined) return reply(500, { message: 'Failed to save dashboard', traceID: '' });
      vars.set(`\${${name}}`, value);
    }
    const generated = evalTemplate(template, vars) as JsonObject;
    delete generated.__elements;
    delete generated.__inputs;
    delete generated.__requires;

    const saved = saveLegacy(org, ctx.orgId, ctx.identity, {
      dashboard: generated,
      folderUid: folderUid.value ?? '',
      folderId: folderId.value ?? 0,
      overwrite: overwrite.value ?? false,
      message: '',
    });
    if (!('uid' in saved)) return saved;
    const slug = slugify(saved.dashboard.title as string);
    const revision = typeof saved.dashboard.revision === 'number' ? saved.dashboard.revision : 0;
    const folder = saved.folderUid ? org.folders.get(saved.folderUid) : undefined;
    return reply(200, {
      uid: saved.uid,
      pluginId: pluginId.value ?? '',
      title: saved.dashboard.title,
      imported: true,
      importedUri: `db/${slug}`,
      importedUrl: dashboardUrl(saved.uid, slug),
      slug,
      dashboardId: saved.id,
      folderId: folder?.id ?? 0,
      folderUid: saved.folderUid ?? '',
      // omitempty: only present for revisioned (plugin) dashboards
      ...(revision ? { importedRevision: revision, revision } : {}),
      description: '',
      path: '',
      removed: false,
    });
  }

  // --- legacy reads --------------------------------------------------------------------------

  function getDashboard(org: OrgStore, uid: string): Reply {
    const d = org.dashboards.get(uid);
    if (!d) return message(404, 'Dashboard not found');
    // pkg/api/dashboard.go GetDashboard: "v2 is not supported in /api".
    if (d.storedVersion?.startsWith('v2')) {
      return message(406, `dashboard api version not supported, use /apis/${GROUP}/${d.storedVersion}/namespaces/${namespaceOf(d.orgId)}/dashboards/${d.uid} instead`);
    }
    const folder = d.folderUid ? org.folders.get(d.folderUid) : undefined;
    const slug = slugify(String(d.dashboard.title ?? ''));
    const perms = { canAdd: true, canEdit: true, canDelete: true };
    return reply(200, {
      dashboard: d.dashboard,
      meta: {
        type: 'db',
        canSave: true,
        canEdit: true,
        canAdmin: true,
        canStar: true,
        canDelete: true,
        slug,
        url: dashboardUrl(d.uid, slug),
        expires: '0001-01-01T00:00:00Z',
        created: d.created,
        updated: d.updated,
        updatedBy: d.updatedBy,
        createdBy: d.createdBy,
        version: d.version,
        hasAcl: false,
        isFolder: false,
        folderId: folder?.id ?? 0,
        folderUid: d.folderUid ?? '',
        folderTitle: folder?.title ?? 'General',
        folderUrl: folder ? folderUrl(folder.uid, folder.title) : '',
        provisioned: d.provisioned ?? false,
        provisionedExternalId: d.provisionedExternalId ?? '',
        annotationsPermissions: { dashboard: perms, organization: perms },
      },
    });
  }

  function deleteDashboard(org: OrgStore, uid: string): Reply {
    const d = org.dashboards.get(uid);
    if (!d) return message(404, 'Dashboard not found');
    // ErrDashboardCannotDeleteProvisionedDashboard: 400 without status -> {message}
    if (d.provisioned) return message(400, 'provisioned dashboard cannot be deleted');
    org.dashboards.delete(uid);
    state.nextResourceVersion();
    state.writes++;
    const title = String(d.dashboard.title ?? '');
    return reply(200, { title, message: `Dashboard ${title} deleted`, uid });
  }

  function search(ctx: Ctx, org: OrgStore): Reply {
    const q = ctx.query;
    const limit = Number.parseInt(q.get('limit') ?? '', 10) || 1000;
    if (limit > 5000) return message(422, 'Limit is above maximum allowed (5000), use page');
    const page = Math.max(1, Number.parseInt(q.get('page') ?? '', 10) || 1);
    const type = q.get('type');
    const text = (q.get('query') ?? '').toLowerCase();
    const tags = q.getAll('tag');
    const folderUids = q.getAll('folderUIDs').map((u) => (u === 'general' ? '' : u));
    const dashboardUids = q.getAll('dashboardUIDs');

    interface Candidate { id: number; uid: string; title: string; tags: string[]; container: string; isFolder: boolean }
    const candidates: Candidate[] = [];
    if (type !== 'dash-db' && tags.length === 0) {
      for (const f of org.folders.values()) {
        candidates.push({ id: f.id, uid: f.uid, title: f.title, tags: [], container: f.parentUid ?? '', isFolder: true });
      }
    }
    if (type !== 'dash-folder') {
      for (const d of org.dashboards.values()) {
        const t = Array.isArray(d.dashboard.tags) ? d.dashboard.tags.filter((x): x is string => typeof x === 'string') : [];
        candidates.push({ id: d.id, uid: d.uid, title: String(d.dashboard.title ?? ''), tags: t, container: d.folderUid ?? '', isFolder: false });
      }
    }
    const hits = candidates
      .filter((c) => c.title.toLowerCase().includes(text))
      .filter((c) => tags.every((t) => c.tags.includes(t)))
      .filter((c) => folderUids.length === 0 || folderUids.includes(c.container))
      .filter((c) => dashboardUids.length === 0 || dashboardUids.includes(c.uid))
      // model.HitList.Less: folders first, then case-insensitive title
      .sort((a, b) =>
        a.isFolder !== b.isFolder ? (a.isFolder ? -1 : 1) : a.title.toLowerCase() < b.title.toLowerCase() ? -1 : a.title.toLowerCase() > b.title.toLowerCase() ? 1 : 0,
      )
      .slice((page - 1) * limit, page * limit)
      .map((c) => {
        const slug = slugify(c.title);
        const folder = c.container ? org.folders.get(c.container) : undefined;
        return {
          id: c.id,
          uid: c.uid,
          orgId: ctx.orgId,
          title: c.title,
          uri: `db/${slug}`,
          url: c.isFolder ? folderUrl(c.uid, c.title) : dashboardUrl(c.uid, slug),
          slug: '', // model.Hit.Slug exists but makeQueryResult never fills it
          type: c.isFolder ? 'dash-folder' : 'dash-db',
          tags: c.tags,
          isStarred: false,
          ...(folder
            ? { folderId: folder.id, folderUid: folder.uid, folderTitle: folder.title, folderUrl: folderUrl(folder.uid, folder.title) }
            : {}),
          sortMeta: 0,
        };
      });
    return reply(200, hits);
  }

  // --- folders -------------------------------------------------------------------------------

  function folderDto(org: OrgStore, orgId: number, f: StoredFolder, withParents: boolean): JsonObject {
    const dto: JsonObject = {
      id: f.id,
      uid: f.uid,
      orgId,
      title: f.title,
      url: folderUrl(f.uid, f.title),
      hasAcl: false,
      canSave: true,
      canEdit: true,
      canAdmin: true,
      canDelete: true,
      createdBy: f.createdBy,
      created: f.created,
      updatedBy: f.updatedBy,
      updated: f.updated,
      version: f.version,
    };
    if (f.parentUid) dto.parentUid = f.parentUid;
    if (withParents && nested) {
      const parents = state.folderChain(org, f.uid).slice(0, -1);
      if (parents.length > 0) dto.parents = parents.map((p) => folderDto(org, orgId, p, false));
    }
    return dto;
  }

  function listFolders(ctx: Ctx, org: OrgStore): Reply {
    if (!nested) {
      // searchFolders: a folder search, every folder, by title; hits carry no parentUid.
      const limit = Number.parseInt(ctx.query.get('limit') ?? '', 10) || 1000;
      const page = Math.max(1, Number.parseInt(ctx.query.get('page') ?? '', 10) || 1);
      const all = [...org.folders.values()].sort((a, b) => (a.title.toLowerCase() < b.title.toLowerCase() ? -1 : a.title.toLowerCase() > b.title.toLowerCase() ? 1 : 0));
      return reply(200, all.slice((page - 1) * limit, page * limit).map((f) => ({ id: f.id, uid: f.uid, title: f.title })));
    }
    const parentUid = ctx.query.get('parentUid') ?? '';
    if (parentUid !== '' && !org.folders.has(parentUid)) return FOLDER_NOT_FOUND_404;
    const limit = Number.parseInt(ctx.query.get('limit') ?? '', 10) || 1000;
    const page = Math.max(1, Number.parseInt(ctx.query.get('page') ?? '', 10) || 1);
    const children = [...org.folders.values()]
      .filter((f) => (f.parentUid ?? '') === parentUid)
      .sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0))
      .slice((page - 1) * limit, page * limit)
      .map((f) => ({ id: f.id, uid: f.uid, title: f.title, ...(f.parentUid ? { parentUid: f.parentUid } : {}) }));
    return reply(200, children);
  }

  function createFolder(ctx: Ctx, org: OrgStore): Reply {
    const parsed = parseJson(ctx.rawBody);
    if (!parsed.ok || !isObject(parsed.value)) return BAD_REQUEST_DATA;
    const body = parsed.value;
    const fields = [typed(body, 'uid', 'string'), typed(body, 'title', 'string'), typed(body, 'description', 'string'), typed(body, 'parentUid', 'string')];
    if (fields.some((f) => !f.ok)) return BAD_REQUEST_DATA;
    const str = (k: string): string => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const title = str('title').trim();
    let uid = str('uid').trim();
    const parentUid = nested ? str('parentUid') : '';
    // pkg/api/apierrors/folder.go: these map to 400 / 404 / 409.
    if (title === '') return message(400, 'folder title cannot be empty');
    if (!UID_PATTERN.test(uid)) return message(400, 'uid contains illegal characters');
    if (uid.length > UID_MAX) return message(400, 'uid too long, max 40 characters');
    if (parentUid !== '' && !org.folders.has(parentUid)) return FOLDER_NOT_FOUND_404;
    if (uid !== '' && (org.folders.has(uid) || org.dashboards.has(uid))) {
      return message(409, 'a folder/dashboard with the same uid already exists');
    }
    if (options.uniqueFolderTitles && [...org.folders.values()].some((f) => (f.parentUid ?? '') === parentUid && f.title === title)) {
      return message(409, 'a folder or dashboard in the general folder with the same name already exists');
    }
    if (uid === '') uid = state.generateUid();
    const now = state.timestamp();
    const folder: StoredFolder = {
      id: state.nextId(),
      uid,
      orgId: ctx.orgId,
      title,
      version: 1,
      created: now,
      updated: now,
      createdBy: ctx.identity.login,
      updatedBy: ctx.identity.login,
      ...(parentUid ? { parentUid } : {}),
      ...(str('description') ? { description: str('description') } : {}),
    };
    org.folders.set(uid, folder);
    state.nextResourceVersion();
    state.writes++;
    return reply(200, folderDto(org, ctx.orgId, folder, true));
  }

  // --- kubernetes-style API ------------------------------------------------------------------

  const SERVER_ANNOTATIONS = new Set([
    'grafana.app/folder',
    'grafana.app/message',
    'grafana.app/createdBy',
    'grafana.app/updatedBy',
    'grafana.app/updatedTimestamp',
    'grafana.app/managedBy',
    'grafana.app/sourcePath',
  ]);
  const INTERNAL_ID_LABEL = 'grafana.app/deprecatedInternalID';

  const specOf = (d: JsonObject): JsonObject => {
    const { id: _id, uid: _uid, version: _version, ...spec } = d;
    return spec;
  };

  const isV2 = (version: string | undefined) => !!version?.startsWith('v2');

  function toK8s(d: StoredDashboard, apiVersion: string): JsonObject {
    const annotations: Record<string, string> = { ...d.annotations, 'grafana.app/createdBy': k8sIdOf(d.createdBy) };
    // prepare-for-create clears updatedBy/updatedTimestamp; they appear after the first update.
    if (d.version > 1 || d.updated !== d.created) {
      annotations['grafana.app/updatedBy'] = k8sIdOf(d.updatedBy);
      annotations['grafana.app/updatedTimestamp'] = d.updated;
    }
    if (d.folderUid) annotations['grafana.app/folder'] = d.folderUid;
    if (d.message) annotations['grafana.app/message'] = d.message;
    if (d.provisioned) {
      annotations['grafana.app/managedBy'] = 'classic-file';
      if (d.provisionedExternalId) annotations['grafana.app/sourcePath'] = d.provisionedExternalId;
    }
    return {
      apiVersion: `${GROUP}/${apiVersion}`,
      kind: 'Dashboard',
      metadata: {
        name: d.uid,
        namespace: namespaceOf(d.orgId),
        uid: d.k8sUid,
        resourceVersion: d.resourceVersion,
        generation: d.version,
        creationTimestamp: d.created,
        labels: { ...d.labels, [INTERNAL_ID_LABEL]: String(d.id) },
        annotations,
      },
      // Read through a version of the other schema, Grafana converts (apps/dashboard/pkg/migration/conversion)
      // and, when it cannot, says so in status.conversion. The stand-in converts nothing: it always says so.
      ...(isV2(apiVersion) === isV2(d.storedVersion)
        ? { spec: specOf(d.dashboard), status: {} }
        : {
            spec: {},
            status: { conversion: { failed: true, storedVersion: d.storedVersion ?? 'v1beta1', error: 'the stand-in converts no dashboard between schemas' } },
          }),
    };
  }

  /** Legacy logins are stored; k8s shows identities as `<type>:<id>`. */
  function k8sIdOf(login: string): string {
    const sa = /^sa-(\d+)$/.exec(login);
    return sa ? `service-account:${sa[1]}` : `user:${login}`;
  }

  function discovery(): JsonObject {
    const versions = (k8s?.versions ?? []).map((v) => ({ groupVersion: `${GROUP}/${v}`, version: v }));
    const preferred = k8s?.preferredVersion ?? k8s?.versions[0] ?? '';
    return {
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: GROUP,
      versions,
      preferredVersion: { groupVersion: `${GROUP}/${preferred}`, version: preferred },
    };
  }

  type K8sBody = { ok: true; name: string; spec: JsonObject; labels: Record<string, string>; annotations: Record<string, string>; resourceVersion?: string } | { ok: false; reply: Reply };

  function parseK8sBody(ctx: Ctx, apiVersion: string, urlName?: string): K8sBody {
    const parsed = parseJson(ctx.rawBody);
    if (!parsed.ok || !isObject(parsed.value)) {
      return { ok: false, reply: k8sBadRequest('the object provided is unrecognized (must be of type Dashboard): couldn\'t get version/kind; json parse error') };
    }
    const obj = parsed.value;
    const expected = `${GROUP}/${apiVersion}`;
    if (typeof obj.apiVersion === 'string' && obj.apiVersion !== expected) {
      return { ok: false, reply: k8sBadRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`) };
    }
    const meta = isObject(obj.metadata) ? obj.metadata : {};
    let name = typeof meta.name === 'string' ? meta.name : '';
    if (urlName !== undefined) {
      if (name !== urlName) {
        return { ok: false, reply: k8sBadRequest(`the name of the object (${name}) does not match the name on the URL (${urlName})`) };
      }
    } else if (name === '') {
      if (typeof meta.generateName !== 'string' || meta.generateName === '') {
        return { ok: false, reply: k8sInvalid('', 'metadata.name', 'FieldValueRequired', 'Required value: name or generateName is required') };
      }
      name = meta.generateName + state.generateUid().slice(0, 5);
    }
    if (!K8S_NAME_PATTERN.test(name) || name.length > 253) {
      return { ok: false, reply: k8sInvalid(name, 'metadata.name', 'FieldValueInvalid', `Invalid value: "${name}": invalid name`) };
    }
    if (!isObject(obj.spec)) {
      return { ok: false, reply: k8sInvalid(name, 'spec', 'FieldValueRequired', 'Required value') };
    }
    const schemaVersion = obj.spec.schemaVersion;
    if (typeof schemaVersion === 'number' && schemaVersion > maxSchemaVersion && ctx.query.get('fieldValidation') !== 'Ignore') {
      return {
        ok: false,
        reply: k8sInvalid(name, 'spec.schemaVersion', 'FieldValueInvalid', `Invalid value: ${schemaVersion}: schema version ${schemaVersion} is newer than the latest supported version ${maxSchemaVersion}`),
      };
    }
    const strings = (v: Json | undefined): Record<string, string> =>
      Object.fromEntries(Object.entries(isObject(v) ? v : {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return {
      ok: true,
      name,
      spec: specOf(obj.spec),
      labels: Object.fromEntries(Object.entries(strings(meta.labels)).filter(([k]) => k !== INTERNAL_ID_LABEL)),
      annotations: strings(meta.annotations),
      ...(typeof meta.resourceVersion === 'string' && meta.resourceVersion !== '' ? { resourceVersion: meta.resourceVersion } : {}),
    };
  }

  function handleK8s(ctx: Ctx): Reply {
    const [, , version, nsWord, ns, resource, name, ...rest] = ctx.segs;
    if (ctx.segs.length === 1) {
      return reply(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: GROUP, versions: discovery().versions, preferredVersion: discovery().preferredVersion }] });
    }
    if (ctx.segs[1] !== GROUP) return k8sFailure(404, 'NotFound', 'the server could not find the requested resource');
    if (version === undefined) return ctx.method === 'GET' ? reply(200, discovery()) : k8sFailure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    if (!k8s?.versions.includes(version)) return k8sFailure(404, 'NotFound', 'the server could not find the requested resource');
    const apiVersion = version;
    if (nsWord === undefined) {
      return reply(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `${GROUP}/${apiVersion}`,
        resources: [{ name: 'dashboards', singularName: 'dashboard', namespaced: true, kind: 'Dashboard', verbs: ['create', 'delete', 'get', 'list', 'update'] }],
      });
    }
    if (nsWord !== 'namespaces' || ns === undefined || resource !== 'dashboards' || rest.length > 0) {
      return k8sFailure(404, 'NotFound', 'the server could not find the requested resource');
    }

    const verbs: Record<string, string> = name === undefined ? { GET: 'list', POST: 'create' } : { GET: 'get', PUT: 'update', DELETE: 'delete' };
    const verb = verbs[ctx.method];
    if (!verb) {
      return k8sFailure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }

    // pkg/services/apiserver/auth/authorizer/stack_id.go: a stack answers only in its own namespace.
    if (stackId !== undefined && ns !== `stacks-${stackId}`) {
      return k8sFailure(403, 'Forbidden', `namespace mismatch: ${ns}`, { ...(name ? { name } : {}), group: GROUP, kind: 'dashboards' });
    }
    // pkg/services/apiserver/auth/authorizer/org_id.go: a namespace of another org is a 403.
    const nsMatch = /^org-(\d+)$/.exec(ns);
    const nsOrg = stackId !== undefined || ns === 'default' ? 1 : nsMatch ? Number(nsMatch[1]) : -1;
    const org = state.org(nsOrg);
    if (!org) {
      const why = nsOrg === -1 ? `error reading namespace: invalid namespace "${ns}"` : `${ctx.identity.k8sId} is not a member of org ${nsOrg}`;
      return k8sFailure(
        403,
        'Forbidden',
        `${RESOURCE}${name ? ` "${name}"` : ''} is forbidden: User "${ctx.identity.k8sId}" cannot ${verb} resource "dashboards" in API group "${GROUP}" in the namespace "${ns}": ${why}`,
        { ...(name ? { name } : {}), group: GROUP, kind: 'dashboards' },
      );
    }
    const dryRun = ctx.query.get('dryRun') === 'All';

    if (verb === 'list') {
      const limit = Number.parseInt(ctx.query.get('limit') ?? '', 10) || 0;
      const start = Number.parseInt(ctx.query.get('continue') ?? '', 10) || 0;
      // labelSelector: equality requirements "k=v" joined by "," (k8s.io/apimachinery/pkg/labels; the only form used here).
      const selector = (ctx.query.get('labelSelector') ?? '').split(',').filter(Boolean).map((r) => r.split('=') as [string, string]);
      const all = [...org.dashboards.values()]
        .filter((d) => selector.every(([k, v]) => d.labels[k] === v))
        .sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
      const items = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
      const next = limit > 0 && start + limit < all.length ? String(start + limit) : undefined;
      return reply(200, {
        kind: 'DashboardList',
        apiVersion: `${GROUP}/${apiVersion}`,
        metadata: { resourceVersion: state.currentResourceVersion(), ...(next ? { continue: next } : {}) },
        items: items.map((d) => toK8s(d, apiVersion)),
      });
    }

    if (verb === 'get' || verb === 'delete') {
      const d = org.dashboards.get(name as string);
      if (!d) return k8sNotFound(name as string);
      if (verb === 'get') return reply(200, toK8s(d, apiVersion));
      // DeleteOptions.preconditions (uid, resourceVersion) are checked against the stored object before it
      // is deleted (pkg/storage/unified/apistore/store.go, Delete: preconditions.Check); a mismatch is
      // k8s.io/apiserver's Precondition failed, a 409 Conflict.
      const options = parseJson(ctx.rawBody);
      const pre = options.ok && isObject(options.value) && isObject(options.value.preconditions) ? options.value.preconditions : {};
      const conflict = (what: string, theirs: string, ours: string) =>
        k8sFailure(409, 'Conflict', `Operation cannot be fulfilled on ${RESOURCE} "${d.uid}": Precondition failed: ${what} in precondition: ${theirs}, ${what} in object meta: ${ours}`, { name: d.uid, group: GROUP, kind: 'dashboards' });
      if (typeof pre.uid === 'string' && pre.uid !== d.k8sUid) return conflict('UID', pre.uid, d.k8sUid);
      if (typeof pre.resourceVersion === 'string' && pre.resourceVersion !== d.resourceVersion) return conflict('ResourceVersion', pre.resourceVersion, d.resourceVersion);
      // Mirrors the legacy refusal (ErrDashboardCannotDeleteProvisionedDashboard).
      if (d.provisioned) return k8sBadRequest('provisioned dashboard cannot be deleted');
      if (!dryRun) {
        org.dashboards.delete(d.uid);
        state.nextResourceVersion();
        state.writes++;
      }
      return reply(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: d.uid, group: GROUP, kind: 'dashboards', uid: d.k8sUid } });
    }

    const body = parseK8sBody(ctx, apiVersion, verb === 'update' ? name : undefined);
    if (!body.ok) return body.reply;
    const folderUid = body.annotations['grafana.app/folder'] ?? '';
    const msg = body.annotations['grafana.app/message'] ?? '';
    const annotations = Object.fromEntries(Object.entries(body.annotations).filter(([k]) => !SERVER_ANNOTATIONS.has(k)));
    if (folderUid !== '' && !org.folders.has(folderUid)) {
      // Grafana's dashboard admission reports the missing folder as a NotFound of the folder resource.
      return k8sFailure(404, 'NotFound', `folders.folder.grafana.app "${folderUid}" not found`, { name: folderUid, group: 'folder.grafana.app', kind: 'folders' });
    }
    const existing = org.dashboards.get(body.name);
    const now = state.timestamp();

    if (verb === 'create') {
      if (existing) {
        return k8sFailure(409, 'AlreadyExists', `${RESOURCE} "${body.name}" already exists`, { name: body.name, group: GROUP, kind: 'dashboards' });
      }
      const id = dryRun ? 0 : state.nextId();
      const created: StoredDashboard = {
        id,
        uid: body.name,
        orgId: nsOrg,
        dashboard: { ...body.spec, id, uid: body.name, version: 1 },
        version: 1,
        created: now,
        updated: now,
        createdBy: ctx.identity.login,
        updatedBy: ctx.identity.login,
        resourceVersion: dryRun ? '' : state.nextResourceVersion(),
        k8sUid: state.k8sUidFor(nsOrg, body.name, id),
        labels: body.labels,
        annotations,
        ...(folderUid ? { folderUid } : {}),
        ...(msg ? { message: msg } : {}),
        ...(isV2(apiVersion) ? { storedVersion: apiVersion } : {}),
      };
      if (!dryRun) {
        org.dashboards.set(created.uid, created);
        state.writes++;
      }
      return reply(201, toK8s(created, apiVersion));
    }

    // update
    if (!existing) return k8sNotFound(body.name);
    // Kubernetes semantics: an absent resourceVersion is an unconditional update.
    if (body.resourceVersion !== undefined && body.resourceVersion !== existing.resourceVersion) {
      return k8sFailure(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${RESOURCE} "${body.name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name: body.name, group: GROUP, kind: 'dashboards' },
      );
    }
    // Mirrors the legacy refusal (ErrDashboardCannotSaveProvisionedDashboard).
    if (existing.provisioned) return k8sBadRequest('Cannot save provisioned dashboard');
    const specChanged = canonical(body.spec) !== canonical(specOf(existing.dashboard));
    const metaChanged =
      folderUid !== (existing.folderUid ?? '') ||
      msg !== (existing.message ?? '') ||
      canonical(body.labels) !== canonical(existing.labels) ||
      canonical(annotations) !== canonical(existing.annotations);
    // An identical object is not written at all (no new resourceVersion), as in Kubernetes.
    if (!specChanged && !metaChanged) return reply(200, toK8s(existing, apiVersion));
    // generation (== legacy version) only moves when the spec changes.
    const generation = specChanged ? existing.version + 1 : existing.version;
    const { folderUid: _f, message: _m, storedVersion: _s, ...keep } = existing;
    const updated: StoredDashboard = {
      ...keep,
      dashboard: { ...body.spec, id: existing.id, uid: existing.uid, version: generation },
      version: generation,
      updated: now,
      updatedBy: ctx.identity.login,
      resourceVersion: dryRun ? existing.resourceVersion : state.nextResourceVersion(),
      labels: body.labels,
      annotations,
      ...(folderUid ? { folderUid } : {}),
      ...(msg ? { message: msg } : {}),
      ...(isV2(apiVersion) ? { storedVersion: apiVersion } : {}),
    };
    if (!dryRun) {
      org.dashboards.set(updated.uid, updated);
      state.writes++;
    }
    return reply(200, toK8s(updated, apiVersion));
  }

  // --- data source proxy -----------------------------------------------------------------------

  /**
   * Grafana's data source proxy (pkg/api/api.go: /api/datasources/proxy/uid/:uid/*; pkg/api/pluginproxy/ds_proxy.go):
   * the rest of the path and the query string go to the data source's URL, with the data source's own credentials
   * instead of the caller's. For a Prometheus data source, DELETE and PUT are refused, and POST only reaches
   * api/v1/query, query_range, series, labels and query_exemplars (validateRequest); refusals are 403.
   */
  async function proxyDatasource(method: string, uid: string, rest: string, search: string, body: string, contentType?: string): Promise<Reply> {
    const ds = options.datasources?.[uid];
    if (!ds) return message(404, 'Unable to find datasource');
    const allowedPosts = ['api/v1/query', 'api/v1/query_range', 'api/v1/series', 'api/v1/labels', 'api/v1/query_exemplars'];
    if (method === 'DELETE' || method === 'PUT' || (method === 'POST' && !allowedPosts.includes(rest))) {
      return message(403, `non allow-listed ${method}s not allowed on proxied Prometheus datasource`);
    }
    const res = await fetch(`${ds.url.replace(/\/+$/, '')}/${rest}${search}`, {
      method,
      ...(method === 'POST' ? { body, headers: { 'content-type': contentType ?? 'application/x-www-form-urlencoded' } } : {}),
    });
    return { status: res.status, body: await res.text(), raw: true };
  }

  // --- routing -------------------------------------------------------------------------------

  function route(ctx: Ctx): Reply {
    const { method, segs } = ctx;
    if (segs[0] === 'apis') return k8s ? handleK8s(ctx) : NOT_FOUND;
    // pkg/api/api.go GET /bootdata (signed in): the index page's data; settings.namespace is the
    // request org's namespace from Grafana's namespace mapper (pkg/api/frontendsettings.go).
    if (segs[0] === 'bootdata' && segs.length === 1 && method === 'GET') {
      return reply(200, { settings: { namespace: stackId !== undefined ? `stacks-${stackId}` : namespaceOf(ctx.orgId), buildInfo: { version: grafanaVersion } } });
    }
    if (segs[0] !== 'api') return NOT_FOUND;
    const org = state.org(ctx.orgId);
    if (!org) return NOT_FOUND;
    const [, a, b, c, ...rest] = segs;
    if (rest.length > 0) return NOT_FOUND;
    if (a === 'dashboards') {
      if (b === 'db' && c === undefined && method === 'POST') return postDashboard(ctx, org);
      if (b === 'import' && c === undefined && method === 'POST') return importDashboard(ctx, org);
      if (b === 'uid' && c !== undefined && method === 'GET') return getDashboard(org, c);
      if (b === 'uid' && c !== undefined && method === 'DELETE') return deleteDashboard(org, c);
    }
    if (a === 'search' && b === undefined && method === 'GET') return search(ctx, org);
    if (a === 'folders' && c === undefined) {
      if (b === undefined && method === 'GET') return listFolders(ctx, org);
      if (b === undefined && method === 'POST') return createFolder(ctx, org);
      if (b !== undefined && method === 'GET') {
        const f = org.folders.get(b);
        return f ? reply(200, folderDto(org, ctx.orgId, f, true)) : FOLDER_NOT_FOUND_404;
      }
      // pkg/api/folder.go DeleteFolder: the folder goes with everything in it (its dashboards and subfolders).
      if (b !== undefined && method === 'DELETE') {
        const f = org.folders.get(b);
        if (!f) return FOLDER_NOT_FOUND_404;
        const gone = new Set([f.uid]);
        for (let grew = true; grew; ) {
          grew = false;
          for (const x of org.folders.values()) if (x.parentUid && gone.has(x.parentUid) && !gone.has(x.uid)) (gone.add(x.uid), (grew = true));
        }
        for (const d of [...org.dashboards.values()]) if (d.folderUid && gone.has(d.folderUid)) org.dashboards.delete(d.uid);
        for (const uid of gone) org.folders.delete(uid);
        state.nextResourceVersion();
        state.writes++;
        return reply(200, { title: f.title, message: `Folder ${f.title} deleted`, id: f.id });
      }
    }
    return NOT_FOUND;
  }

  function send(res: http.ServerResponse, r: Reply): void {
    if (res.destroyed || res.writableEnded) return;
    const text = r.raw ? String(r.body) : JSON.stringify(r.body);
    res.writeHead(r.status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      ...r.headers,
    });
    res.end(text);
  }

  function redact(headers: http.IncomingHttpHeaders): Record<string, string | string[] | undefined> {
    const out: Record<string, string | string[] | undefined> = { ...headers };
    for (const key of ['authorization', 'x-api-token', apiTokenHeader]) {
      if (key && out[key] !== undefined) out[key] = '***';
    }
    return out;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // `latencyMs` is network delay: every answer leaves no sooner than that after the request came in.
    // The work is done meanwhile, as a real (multi-threaded) Grafana would, so this single-threaded
    // stand-in's own CPU time does not queue up behind the delay and pose as the client's.
    const deadline = performance.now() + latencyMs;
    const untilDeadline = async () => {
      const wait = deadline - performance.now();
      if (wait > 0) await sleep(wait);
    };
    const url = new URL(req.url ?? '/', 'http://standin.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');

    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    // The body is parsed for the log only when a test reads it: parsing every 20 KB dashboard twice
    // made this single-threaded stand-in, not the client, the bottleneck of the publish benchmark.
    let logged: { value: Json | string | undefined } | undefined;
    requests.push({
      method,
      path: url.pathname,
      query,
      headers: redact(req.headers),
      get body() {
        if (!logged) {
          const parsedBody = rawBody === '' ? undefined : parseJson(rawBody);
          logged = { value: parsedBody === undefined ? undefined : parsedBody.ok ? parsedBody.value : rawBody };
        }
        return logged.value;
      },
    });


    const underBase = basePath === '' || url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
    const apiPath = underBase ? url.pathname.slice(basePath.length) || '/' : url.pathname;

    const fault = faults.take(method, apiPath, url.pathname);
    if (fault && fault.kind !== 'delay' && fault.kind !== 'delayAfterApply' && fault.kind !== 'resetAfterApply') await untilDeadline();
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') {
      await new Promise<void>((resolve) => (res.destroyed ? resolve() : res.once('close', () => resolve())));
      return;
    }
    if (fault?.kind === 'malformed') {
      send(res, { status: 200, body: '{"dashboard": {"title": "trunc', raw: true });
      return;
    }
    if (fault?.kind === 'status') {
      const fallback =
        apiPath === '/api/health' && fault.status === 503
          ? { database: 'failing', version: grafanaVersion, commit: 'standin' }
          : { message: http.STATUS_CODES[fault.status] ?? 'Error' };
      const isText = typeof fault.body === 'string';
      send(res, {
        status: fault.status,
        body: fault.body ?? fallback,
        raw: isText,
        headers: {
          ...(isText ? { 'content-type': 'text/html' } : {}),
          ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}),
        },
      });
      return;
    }
    if (fault?.kind === 'delay') await sleep(fault.ms);

    let r: Reply;
    if (!underBase) {
      r = NOT_FOUND;
    } else if (apiPath === '/api/health' && method === 'GET') {
      r = reply(200, { database: 'ok', version: grafanaVersion, commit: 'standin' });
    } else {
      const identity = authenticate(req);
      const orgHeader = req.headers['x-grafana-org-id'];
      const orgId = typeof orgHeader === 'string' ? Number(orgHeader) : 1;
      let segs: string[] | undefined;
      try {
        segs = apiPath.split('/').filter(Boolean).map(decodeURIComponent);
      } catch {
        segs = undefined;
      }
      if (!identity) {
        r = apiPath.startsWith('/apis') ? k8sFailure(401, 'Unauthorized', 'Unauthorized') : message(401, 'Unauthorized');
      } else if (!state.org(orgId)) {
        // The credentials resolve to no membership in the requested org.
        r = message(401, 'Unauthorized');
      } else if (!segs) {
        r = NOT_FOUND;
      } else if (segs[0] === 'api' && segs[1] === 'datasources' && segs[2] === 'proxy' && segs[3] === 'uid' && segs[4] !== undefined) {
        r = await proxyDatasource(method, segs[4], segs.slice(5).join('/'), url.search, rawBody, req.headers['content-type']);
      } else {
        r = route({ method, segs, query: url.searchParams, rawBody, identity, orgId });
      }
    }

    if (fault?.kind === 'delayAfterApply') await sleep(fault.ms);
    await untilDeadline();
    if (fault?.kind === 'resetAfterApply') {
      req.socket.destroy();
      return;
    }
    send(res, r);
  }

  const server = http.createServer((req, res) => {
    inFlight++;
    maxConcurrent = Math.max(maxConcurrent, inFlight);
    handle(req, res)
      .catch((err: unknown) => send(res, { status: 500, body: { message: 'stand-in error', error: String(err) } }))
      .finally(() => inFlight--);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    state,
    faults,
    requests,
    get maxConcurrent() {
      return maxConcurrent;
    },
    get inFlight() {
      return inFlight;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
