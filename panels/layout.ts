import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Profile } from '../src/profiles/index.ts';
import { buildPanel } from './build.ts';
import type { PanelSpec, RowSpec } from './spec.ts';

export const GRID_COLUMNS = 24;

/** Widths that tile the grid exactly: 24 split as evenly as possible, wider panels first. */
export function splitWidth(n: number): number[] {
  const base = Math.floor(GRID_COLUMNS / n);
  const extra = GRID_COLUMNS % n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}

interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}
/** A row header or a panel, with its id and place on the grid. */
export type Placed = { id: number; gridPos: GridPos } & ({ row: string } | { panel: PanelSpec });

/**
 * Every size, position and id of the dashboard, decided here. Ids are assigned in reading order (rows
 * included), so they are stable for the same rows: alert rules link to their panels by these ids.
 */
export function placeRows(rows: RowSpec[]): Placed[] {
  const placed: Placed[] = [];
  let y = 0;
  for (const row of rows) {
    if (row.title) {
      placed.push({ row: row.title, id: placed.length + 1, gridPos: { x: 0, y, w: GRID_COLUMNS, h: 1 } });
      y += 1;
    }
    const widths = splitWidth(row.panels.length);
    let x = 0;
    row.panels.forEach((panel, i) => {
      const w = widths[i]!;
      placed.push({ panel, id: placed.length + 1, gridPos: { x, y, w, h: row.height } });
      x += w;
    });
    y += row.height;
  }
  return placed;
}

/**
 * Adds the rows to the dashboard where placeRows puts them.
 * Rows are expanded and hold no panels: their panels follow them, as Grafana itself saves them.
 */
export function addRows(builder: DashboardBuilder, rows: RowSpec[], profile: Profile): DashboardBuilder {
  for (const p of placeRows(rows)) {
    if ('row' in p) builder.withRow(new RowBuilder(p.row).id(p.id).gridPos(p.gridPos));
    else builder.withPanel(buildPanel(p.panel, profile).id(p.id).gridPos(p.gridPos));
  }
  return builder;
}
