import { describe, expect, it } from 'vitest';
import { splitWidth } from '../../panels/layout.ts';
import { profileNames } from '../../src/profiles/index.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { checkLayout } from '../../src/validate/layout.ts';
import type { Panel } from '../../src/validate/dashboard-schema.ts';

describe('splitWidth', () => {
  it.each([1, 2, 3, 4, 5, 7, 24])('tiles 24 columns with %i panels', (n) => {
    const w = splitWidth(n);
    expect(w).toHaveLength(n);
    expect(w.reduce((a, b) => a + b, 0)).toBe(24);
    expect(Math.max(...w) - Math.min(...w)).toBeLessThanOrEqual(1);
  });
});

describe.each(profileNames())('layout of the %s dashboard', (profile) => {
  const panels = synth({ profile }).panels as unknown as Panel[];

  it('tiles every row exactly 24 columns', () => {
    const rows = new Map<number, number>();
    for (const p of panels) rows.set(p.gridPos.y, (rows.get(p.gridPos.y) ?? 0) + p.gridPos.w);
    expect([...rows.values()].every((w) => w === 24)).toBe(true);
    expect(rows.size).toBe(7); // stats, then three titled rows with their panels
  });

  it('has no overlaps, no duplicate ids, nothing past column 24', () => {
    expect(checkLayout(panels)).toEqual([]);
  });

  it('numbers panels 1..n in reading order', () => {
    expect(panels.map((p) => p.id)).toEqual(panels.map((_, i) => i + 1));
    const order = [...panels].sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x);
    expect(order.map((p) => p.id)).toEqual(panels.map((p) => p.id));
  });

  it('keeps expanded rows empty, their panels following them', () => {
    for (const row of panels.filter((p) => p.type === 'row')) {
      expect(row).toMatchObject({ collapsed: false, panels: [], gridPos: { x: 0, w: 24, h: 1 } });
    }
  });
});
