import type { Problem } from './layout.ts';
import { V2Resource, V2Spec, type V2LayoutJson } from './dashboard-v2-schema.ts';

/** A panel query's PromQL with the JSON path it sits at. */
export interface PlacedQuery {
  path: string;
  expr: string;
}

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`);

/**
 * A v2 dashboard (resource or bare spec): its shape, its layout (every grid within 24 columns and
 * without overlaps, every reference to an element that exists, every element placed, unique panel
 * ids) and its queries, for the PromQL and metric checks the classic form gets.
 */
export function checkV2(doc: unknown): { problems: Problem[]; queries: PlacedQuery[] } {
  const isResource = !!doc && typeof doc === 'object' && 'apiVersion' in doc;
  const root = isResource ? '$.spec' : '$';
  const parsed = (isResource ? V2Resource : V2Spec).safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({
      path: ['$', ...i.path].map((k, n) => (typeof k === 'number' ? `[${k}]` : n ? key(String(k)) : String(k))).join(''),
      message: i.message,
    }));
    return { problems, queries: [] };
  }
  const spec: V2Spec = isResource ? (parsed.data as { spec: V2Spec }).spec : (parsed.data as V2Spec);
  const problems: Problem[] = [];
  const placed = new Set<string>();

  const walk = (layout: V2LayoutJson, path: string) => {
    if (layout.kind === 'RowsLayout') layout.spec.rows?.forEach((r, i) => walk(r.spec.layout, `${path}.spec.rows[${i}].spec.layout`));
    else if (layout.kind === 'TabsLayout') layout.spec.tabs?.forEach((t, i) => walk(t.spec.layout, `${path}.spec.tabs[${i}].spec.layout`));
    if (layout.kind !== 'GridLayout') return;
    const items = (layout.spec.items ?? []).map((item, i) => ({ item: item.spec, at: `${path}.spec.items[${i}].spec` }));
    for (const { item, at } of items) {
      const name = item.element.name;
      if (!(name in spec.elements)) problems.push({ path: `${at}.element.name`, message: `no element "${name}" in ${root}.elements` });
      if (placed.has(name)) problems.push({ path: `${at}.element.name`, message: `element "${name}" is placed twice` });
      placed.add(name);
      if (item.x + item.width > 24) problems.push({ path: at, message: `x ${item.x} + width ${item.width} passes the 24-column grid` });
    }
    for (let a = 0; a < items.length; a++) {
      for (let b = a + 1; b < items.length; b++) {
        const g = items[a]!.item;
        const h = items[b]!.item;
        if (g.x < h.x + h.width && h.x < g.x + g.width && g.y < h.y + h.height && h.y < g.y + g.height) {
          problems.push({ path: items[b]!.at, message: `overlaps ${items[a]!.at} ("${g.element.name}")` });
        }
      }
    }
  };
  walk(spec.layout, `${root}.layout`);

  const ids = new Map<number, string>();
  const queries: PlacedQuery[] = [];
  for (const [name, element] of Object.entries(spec.elements)) {
    const at = `${root}.elements${key(name)}`;
    if (!placed.has(name)) problems.push({ path: at, message: 'not placed anywhere in the layout (Grafana would not show it)' });
    const seen = ids.get(element.spec.id);
    if (seen) problems.push({ path: `${at}.spec.id`, message: `duplicate panel id ${element.spec.id} (also ${seen})` });
    else ids.set(element.spec.id, at);
    if (element.kind !== 'Panel') continue;
    element.spec.data.spec.queries.forEach((q, i) => {
      const expr = q.spec.query.spec?.expr;
      if (expr !== undefined) queries.push({ path: `${at}.spec.data.spec.queries[${i}].spec.query.spec.expr`, expr });
    });
  }
  return { problems, queries };
}
