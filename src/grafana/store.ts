/** Grafana's two dashboard APIs, and `auto`: the Kubernetes-style one when the server offers it, else the legacy one. */
export const DASHBOARD_APIS = ['auto', 'legacy', 'k8s'] as const;
export type DashboardApiChoice = (typeof DASHBOARD_APIS)[number];

/** A dashboard as Grafana has it now, in the shape both APIs can give. */
export interface LiveDashboard {
  /** The classic dashboard JSON (for the k8s API: the spec, with its uid). */
  dashboard: Record<string, unknown>;
  /** '' at the root ("General"). */
  folderUid: string;
  /** Why the tool must not write it (provisioned from files, managed by a plugin or repository), if so. */
  managedElsewhere?: string;
  /** What a conditional write must carry: the legacy `version` or the k8s `resourceVersion`. */
  revision: number | string;
  /** Human-facing version number (legacy version, k8s generation). */
  version: number;
  url: string;
  /** Kubernetes-style API: the object's labels and metadata.uid (what a conditional delete names). */
  labels?: Record<string, string>;
  objectUid?: string;
}

export interface SaveRequest {
  dashboard: Record<string, unknown>;
  folderUid: string;
  message: string;
  /** The live dashboard's revision, for a conditional update; absent on create. */
  revision?: number | string;
  /** Write even if someone changed it since it was read. */
  overwrite: boolean;
  /** Preserved metadata of the live object (k8s annotations/labels we did not set). */
  live?: LiveDashboard;
}

export interface Saved {
  url: string;
  version: number;
}

/** A refusal the user can act on: a conflict, a provisioned or plugin dashboard. */
export class SaveRefused extends Error {
  override name = 'SaveRefused';
}

/** A conditional write refused because the dashboard changed since it was read (409/412). */
export class SaveConflict extends SaveRefused {
  override name = 'SaveConflict';
}

/**
 * A write whose answer was lost, and whose effect could not be checked either (the read that should
 * have settled it failed, or was not Grafana's answer): it may or may not have been applied.
 */
export class OutcomeUnknown extends Error {
  override name = 'OutcomeUnknown';
}

/** One of Grafana's two dashboard APIs. */
export interface DashboardStore {
  readonly api: Exclude<DashboardApiChoice, 'auto'>;
  read(uid: string): Promise<LiveDashboard | undefined>;
  create(req: SaveRequest): Promise<Saved>;
  update(req: SaveRequest): Promise<Saved>;
  /** The uids of the dashboards carrying this owner's mark: every page of the answer. */
  listOwned(owner: string): Promise<string[]>;
  /** Deletes the dashboard as it was read: conditional on that read where the API allows it. */
  delete(live: LiveDashboard): Promise<void>;
}
