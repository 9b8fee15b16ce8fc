// The tags every generated dashboard carries, in a module of their own: publishing needs the managed
// tag to recognise its own dashboards, without loading the code that makes them.

/** Marks the dashboards this tool manages: publish refuses to overwrite a live dashboard without it (unless --force). */
export const MANAGED_TAG = 'kinesis-dashboards';

/** Tags every generated dashboard carries; user tags are added after them. */
export const BASE_TAGS = ['aws', 'kinesis', MANAGED_TAG];
