import { cloudwatchProfile } from './cloudwatch.ts';
import { prometheusProfile } from './prometheus.ts';
import { prometheusProfiles } from './definitions.ts';
import { DEFAULT_PROFILE_SETTINGS } from './spec.ts';
import { UsageError } from '../errors.ts';
import type { Profile, ProfileFactory, ProfileSettings, PromqlProfile } from './types.ts';

export * from './types.ts';
export { DEFAULT_PROFILE_SETTINGS } from './spec.ts';

export const DEFAULT_PROFILE = 'cloudwatch-exporter';

// The Prometheus profiles first (the default first of all): validation and the end-to-end proof
// on Prometheus iterate prometheusProfileNames(); the native CloudWatch datasource comes last.
const promqlFactories: ReadonlyMap<string, (settings: ProfileSettings) => PromqlProfile> = new Map(
  prometheusProfiles.map((d) => [d.id, (s: ProfileSettings) => prometheusProfile(d, s)]),
);
const factories: ReadonlyMap<string, ProfileFactory> = new Map<string, ProfileFactory>([...promqlFactories, ['cloudwatch', cloudwatchProfile]]);

/** Profiles built with the default settings, each on first use (a command needs one, not four). */
const defaults = new Map<string, Profile>();

export function profileNames(): string[] {
  return [...factories.keys()];
}

/** The profiles whose queries are PromQL, in profileNames() order. */
export function prometheusProfileNames(): string[] {
  return [...promqlFactories.keys()];
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

/** A profile whose queries are PromQL (alert rules need its expressions); a UsageError for any other name. */
export function getPromqlProfile(name: string, settings: ProfileSettings = DEFAULT_PROFILE_SETTINGS): PromqlProfile {
  const factory = promqlFactories.get(name);
  if (!factory) throw new UsageError(`--profile: "${name}" is not a profile whose queries are PromQL: use one of ${prometheusProfileNames().join(', ')}`);
  return factory(settings);
}
