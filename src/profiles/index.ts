import { prometheusProfile } from './prometheus.ts';
import { prometheusProfiles } from './definitions.ts';
import { UsageError } from '../errors.ts';
import type { Profile } from './types.ts';

export * from './types.ts';

export const DEFAULT_PROFILE = 'cloudwatch-exporter';

const registry: ReadonlyMap<string, Profile> = new Map(prometheusProfiles.map((d) => [d.id, prometheusProfile(d)]));

export function profileNames(): string[] {
  return [...registry.keys()];
}

export function getProfile(name: string): Profile {
  const p = registry.get(name);
  if (!p) throw new UsageError(`--profile: unknown profile "${name}": use one of ${profileNames().join(', ')}`);
  return p;
}
