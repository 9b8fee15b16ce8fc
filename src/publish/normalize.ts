import { canonical } from '../output/serialize.ts';

/**
 * Fields Grafana manages itself: comparing them would report a change on every publish.
 * `uid` is how the two dashboards were matched, so it is equal by construction.
 */
export const SERVER_MANAGED = ['id', 'uid', 'version', 'iteration'] as const;

/** Space at either end as Go's strings.TrimSpace sees it (unicode.IsSpace: JavaScript's \s lacks U+0085). */
const EDGE_SPACE = /^[\s\u0085]+|[\s\u0085]+$/g;

/**
 * A title as Grafana stores it: trimmed (pkg/services/dashboards/service/dashboard_service.go,
 * BuildSaveDashboardCommand). Compared untrimmed, every later publish would see a change and write.
 */
export const storedTitle = (title: string): string => title.replace(EDGE_SPACE, '');

/** The dashboard as it is compared: without server-managed fields, title as Grafana stores it, keys sorted. */
export function normalize(dashboard: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...dashboard };
  for (const k of SERVER_MANAGED) delete copy[k];
  if (typeof copy.title === 'string') copy.title = storedTitle(copy.title);
  return canonical(copy) as Record<string, unknown>;
}
