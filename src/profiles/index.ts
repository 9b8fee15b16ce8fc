import { cloudwatchProfile } from './cloudwatch.ts';
import { prometheusProfile } from './prometheus.ts';
import { prometheusProfiles } from './definitions.ts';
import { DEFAULT_PROFILE_SETTINGS } from './spec.ts';
import { UsageError } from '../errors.ts';
import type { Profile, ProfileFactory, ProfileSettings } from './types.ts';

export * from './types.ts';
export { DEFAULT_PROFILE_SETTINGS } from './spec.ts';

export const DEFAULT_PROFILE = 'cloudwatch-exporter';

// The Prometheus profiles first (the default first of all): validation and the end-to-end proof
// on Prometheus iterate prometheusProfileNames(); the native CloudWatch datasource comes last.
const factories: ReadonlyMap<string, ProfileFactory> = new Map<string, ProfileFactory>([
  ...prometheusProfiles.map((d): [string, ProfileFactory] => [d.id, (s) => prometheusProfile(d, s)]),
  ['cloudwatch', cloudwatchProfile],
]);

/** Profiles built with the default settings, each on first use (a command needs one, not four). */
const defaults = new Map<string, Profile>();

export function profileNames(): string[] {
  return [...factories.keys()];
}

/** The profiles whose queries are PromQL, in profileNames() order. */
export function prometheusProfileNames(): string[] {
  return prometheusProfiles.map((d) => d.id);
}

/** A profile; `settings` (period, shard counts, shard-level metrics) default to the seed dashboard's. */
export function getProfile(name: string, settings?: ProfileSettings): Profile {
  const factory = factories.get(name);
  if (!factory) throw new UsageError(`--profile: unknown profile "${name}": use one of ${profileNames().join(', ')}`);
  if (settings) return factory(settings);
  let profile = defaults.get(name);
  if (!profile) defaults.set(name, (profile = factory(DEFAULT_PROFILE_SETTINGS)));
  return profile;
}
