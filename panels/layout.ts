import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Profile } from '../src/profiles/index.ts';
import { buildPanel } from './build.ts';
import type { RowSpec } from './spec.ts';

export const GRID_COLUMNS = 24;

/** Widths that tile the grid exactly: 24 split as evenly as possible, wider panels first. */
export function splitWidth(n: number): number[] {
  const base = Math.floor(GRID_COLUMNS / n);
  const extra = GRID_COLUMNS % n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * Adds the rows to the dashboard, setting every size and position here.
 * Ids are assigned in reading order (rows included), so they are stable for the same rows.
 * Rows are expanded and hold no panels: their panels follow them, as Grafana itself saves them.
 */
export function addRows(builder: DashboardBuilder, rows: RowSpec[], profile: Profile): DashboardBuilder {
  let y = 0;
  let id = 1;
  for (const row of rows) {
    if (row.title) {
      builder.withRow(new RowBuilder(row.title).id(id++).gridPos({ x: 0, y, w: GRID_COLUMNS, h: 1 }));
      y += 1;
    }
    const widths = splitWidth(row.panels.length);
    let x = 0;
    row.panels.forEach((spec, i) => {
      const w = widths[i]!;
      builder.withPanel(buildPanel(spec, profile).id(id++).gridPos({ x, y, w, h: row.height }));
      x += w;
    });
    y += row.height;
  }
  return builder;
}
