import { catalog } from '../catalog/index.ts';
import { isV2Document } from '../dashboard/v2.ts';
import { DEFAULT_PROFILE, getProfile } from '../profiles/index.ts';
import { Dashboard } from './dashboard-schema.ts';
import { checkLayout, placedPanels, type Problem } from './layout.ts';
import { parsePromql, selectedMetricNames } from './promql.ts';
import { checkV2, type PlacedQuery } from './v2.ts';

export type { Problem } from './layout.ts';

/** Every series name a profile can read: the catalog crossed with each metric's statistics. */
function knownSeries(profileName: string): Set<string> {
  const profile = getProfile(profileName);
  const names = new Set<string>();
  for (const m of catalog().values()) for (const s of m.statistics) profile.seriesNames(m.id, s).forEach((n) => names.add(n));
  return names;
}

/** All problems of one dashboard document (classic JSON or a v2 resource), each with its JSON path. */
export function validateDashboard(doc: unknown, profileName = DEFAULT_PROFILE): Problem[] {
  let problems: Problem[];
  let queries: PlacedQuery[];
  if (isV2Document(doc)) ({ problems, queries } = checkV2(doc));
  else {
    const parsed = Dashboard.safeParse(doc);
    if (!parsed.success) {
      return parsed.error.issues.map((i) => ({
        path: ['$', ...i.path].map((k, n) => (typeof k === 'number' ? `[${k}]` : n ? `.${String(k)}` : String(k))).join(''),
        message: i.message,
      }));
    }
    problems = checkLayout(parsed.data.panels);
    queries = placedPanels(parsed.data.panels).flatMap(({ path, panel }) =>
      (panel.targets ?? []).flatMap((t, i) => (t.expr === undefined ? [] : [{ path: `${path}.targets[${i}].expr`, expr: t.expr }])),
    );
  }
  const known = knownSeries(profileName);
  for (const { path: at, expr } of queries) {
    for (const p of parsePromql(expr)) problems.push({ path: at, message: p.message });
    for (const name of selectedMetricNames(expr)) {
      if (name.startsWith('aws_kinesis_') && !known.has(name)) {
        problems.push({ path: at, message: `${name} is not a Kinesis metric of profile ${profileName}` });
      }
    }
  }
  return problems;
}
