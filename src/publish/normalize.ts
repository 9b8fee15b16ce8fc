import { canonical } from '../serialize.ts';

/**
 * Fields Grafana manages itself: comparing them would report a change on every publish.
 * `uid` is how the two dashboards were matched, so it is equal by construction.
 */
export const SERVER_MANAGED = ['id', 'uid', 'version', 'iteration'] as const;

/** The dashboard as it is compared: without server-managed fields, keys sorted. */
export function normalize(dashboard: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...dashboard };
  for (const k of SERVER_MANAGED) delete copy[k];
  return canonical(copy) as Record<string, unknown>;
}
