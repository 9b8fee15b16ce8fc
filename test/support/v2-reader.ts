import type { DashboardOptionsInput } from '../../src/config/schema.ts';
import { LEGACY_STRING_VALUE_KEY, toV2Resource } from '../../src/dashboard/v2.ts';
import { serialize } from '../../src/output/serialize.ts';
import { synth } from '../../src/dashboard/synth.ts';
import type { DashboardJson, PanelJson, VariableJson } from './e2e-dashboard.ts';

/*
 * A v2beta1 dashboard as written to disk, read back the way Grafana shows it: panels in layout order
 * (rows, then each row's grid items, each resolved to its element), each query's DataQuery spec as the
 * target, the viz config's field config and options; variables by kind. Into the shapes the proofs read
 * (test/support/e2e-dashboard.ts), so the same proofs run on the v2 form. Written from the v2 schema,
 * not from the converter: a conversion that loses or changes a query, unit or variable shows up here.
 */

type Json = Record<string, any>;

function layoutPanels(layout: Json, elements: Json): PanelJson[] {
  switch (layout.kind) {
    case 'RowsLayout':
      return layout.spec.rows.flatMap((r: Json) => layoutPanels(r.spec.layout, elements));
    case 'TabsLayout':
      return layout.spec.tabs.flatMap((t: Json) => layoutPanels(t.spec.layout, elements));
    case 'GridLayout':
    case 'AutoGridLayout':
      return layout.spec.items.map((item: Json) => {
        const name = item.spec.element.name;
        const el = elements[name];
        if (!el) throw new Error(`layout places "${name}", which is not among the elements`);
        return panelOf(el);
      });
    default:
      throw new Error(`unknown layout kind ${layout.kind}`);
  }
}

function panelOf(el: Json): PanelJson {
  if (el.kind !== 'Panel') throw new Error(`element kind ${el.kind} is not a panel`);
  const s = el.spec;
  return {
    type: s.vizConfig.group,
    title: s.title,
    targets: s.data.spec.queries.map((q: Json) => ({ ...q.spec.query.spec, refId: q.spec.refId, ...(q.spec.hidden ? { hide: true } : {}) })),
    fieldConfig: s.vizConfig.spec.fieldConfig,
    options: s.vizConfig.spec.options,
  };
}

function variableOf(v: Json): VariableJson {
  const s = v.spec;
  const common = { name: s.name, current: s.current, multi: s.multi, includeAll: s.includeAll, allValue: s.allValue, options: s.options };
  switch (v.kind) {
    case 'QueryVariable': {
      const q = s.query.spec ?? {};
      return { ...common, type: 'query', query: LEGACY_STRING_VALUE_KEY in q ? q[LEGACY_STRING_VALUE_KEY] : q };
    }
    case 'DatasourceVariable':
      return { ...common, type: 'datasource', query: s.pluginId };
    case 'TextVariable':
      return { ...common, type: 'textbox', query: s.query };
    default:
      throw new Error(`variable kind ${v.kind} is not read here`);
  }
}

/** A v2 resource (or bare spec) as the proofs read a dashboard. */
export function readV2(doc: Json): DashboardJson {
  const spec = doc.apiVersion ? doc.spec : doc;
  return { panels: layoutPanels(spec.layout, spec.elements), templating: { list: spec.variables.map(variableOf) } };
}

/** The v2 form of the dashboard these options make, as written to disk, read back. */
export const dashboardJsonV2 = (options: DashboardOptionsInput) => readV2(JSON.parse(serialize(toV2Resource(synth(options)))));
