import type { Discovery } from './discover.ts';

/*
 * `doctor --write-config FILE`: the config with what the metrics say, keeping what the user wrote. The detected
 * profile replaces the file's; the streams found are written when the file names none (a filter the user
 * wrote stays); shard counts seen are merged into capacity.shards (the counts found win for the streams
 * found, other entries stay). Every other key stays where and as it was.
 */

export interface ConfigUpdate {
  config: Record<string, unknown>;
  /** What changed, one line each, for the report. */
  changes: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function updateConfig(existing: Record<string, unknown> | undefined, found: Discovery): ConfigUpdate {
  const config: Record<string, unknown> = { ...(existing ?? {}) };
  const changes: string[] = [];
  const fleet = Array.isArray(config.dashboards);

  if (found.detected && config.profile !== found.detected) {
    changes.push(`profile: ${config.profile === undefined ? '' : `${JSON.stringify(config.profile)} → `}"${found.detected}"`);
    config.profile = found.detected;
  }
  const names = [...new Set(found.streams.map((s) => s.stream))].sort();
  if (!fleet && config.streams === undefined && names.length) {
    config.streams = names;
    changes.push(`streams: ${names.join(', ')}`);
  }
  if (found.shards.length) {
    const counts: Record<string, number> = {};
    for (const s of found.shards) counts[s.stream] = Math.max(counts[s.stream] ?? 0, s.shards); // a name in two regions: the larger
    const capacity = isObject(config.capacity) ? { ...config.capacity } : {};
    const before = isObject(capacity.shards) ? capacity.shards : {};
    const merged: Record<string, unknown> = { ...before };
    for (const [k, n] of Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))) {
      if (merged[k] !== n) changes.push(`capacity.shards.${k}: ${merged[k] === undefined ? '' : `${String(merged[k])} → `}${n}`);
      merged[k] = n;
    }
    capacity.shards = merged;
    config.capacity = capacity;
  }
  return { config, changes };
}
