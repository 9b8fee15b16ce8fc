import type { Panel } from './dashboard-schema.ts';

export interface Problem {
  path: string;
  message: string;
}

interface Placed {
  path: string;
  panel: Panel;
}

/** Every panel with its JSON path, rows' nested panels included. */
export function placedPanels(panels: Panel[]): Placed[] {
  return panels.flatMap((panel, i) => [
    { path: `$.panels[${i}]`, panel },
    ...(panel.panels ?? []).map((p, j) => ({ path: `$.panels[${i}].panels[${j}]`, panel: p as Panel })),
  ]);
}

/** 24 columns, no overlaps, unique ids. */
export function checkLayout(panels: Panel[]): Problem[] {
  const problems: Problem[] = [];
  const all = placedPanels(panels);
  const ids = new Map<number, string>();
  for (const { path, panel } of all) {
    const seen = ids.get(panel.id);
    if (seen) problems.push({ path: `${path}.id`, message: `duplicate panel id ${panel.id} (also ${seen})` });
    else ids.set(panel.id, path);
    const { x, w } = panel.gridPos;
    if (x + w > 24) problems.push({ path: `${path}.gridPos`, message: `x ${x} + w ${w} passes the 24-column grid` });
  }
  // Collapsed rows' panels are not on the grid until expanded: check overlaps among the visible ones.
  const visible = all.filter((p) => !/\.panels\[\d+\]\.panels\[/.test(p.path));
  for (let a = 0; a < visible.length; a++) {
    for (let b = a + 1; b < visible.length; b++) {
      const p = visible[a]!;
      const q = visible[b]!;
      const g = p.panel.gridPos;
      const h = q.panel.gridPos;
      if (g.x < h.x + h.w && h.x < g.x + g.w && g.y < h.y + h.h && h.y < g.y + g.h) {
        problems.push({ path: `${q.path}.gridPos`, message: `overlaps ${p.path} ("${p.panel.title ?? p.panel.type}")` });
      }
    }
  }
  return problems;
}
