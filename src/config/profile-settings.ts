import type { ProfileSettings } from '../profiles/types.ts';
import type { DashboardOptions } from './schema.ts';

/** What the profile needs of a dashboard's options; alert rules take the same (without the dashboard's variables). */
export function profileSettings(options: Pick<DashboardOptions, 'periodSeconds' | 'capacity' | 'streams'>): ProfileSettings {
  return {
    periodSeconds: options.periodSeconds,
    ...(options.capacity?.shards ? { shards: options.capacity.shards } : {}),
    ...(options.streams ? { streams: typeof options.streams === 'string' ? { regex: options.streams } : { names: options.streams } } : {}),
  };
}
