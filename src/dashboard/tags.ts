// The tags and labels that mark a dashboard as this tool's, in a module of their own: publishing, the
// Grafana stores and the config's checks need them without loading the code that makes dashboards.
// What the owner and hash marks mean: src/publish/ownership.ts.

/** Marks the dashboards this tool manages: publish refuses to overwrite a live dashboard without it (unless --force). */
export const MANAGED_TAG = 'kinesis-dashboards';

/** Tags every generated dashboard carries; user tags are added after them. */
export const BASE_TAGS = ['aws', 'kinesis', MANAGED_TAG];

/** The tag naming the configuration (owner id) that published a dashboard. */
export const OWNER_TAG_PREFIX = `${MANAGED_TAG}-owner:`;
/** The tag holding a hash of the dashboard as published. */
export const HASH_TAG_PREFIX = `${MANAGED_TAG}-sha:`;
/** The Kubernetes label with the owner id (a label value: ≤ 63 characters, [A-Za-z0-9._-], alphanumeric ends). */
export const OWNER_LABEL = `${MANAGED_TAG}/owner`;
/** An owner id: usable as a tag and as a label value. */
export const OWNER_PATTERN = /^[a-z0-9]([a-z0-9._-]{0,38}[a-z0-9])?$/;

export const ownerTag = (owner: string) => `${OWNER_TAG_PREFIX}${owner}`;
