import type * as v1 from '@grafana/grafana-foundation-sdk/dashboard';
import type * as v2 from '@grafana/grafana-foundation-sdk/dashboardv2beta1';
import { canonical } from '../output/serialize.ts';

// The same dashboard as a `dashboard.grafana.app/v2beta1` resource (Grafana 12's dynamic dashboards
// schema), converted from the classic model the way Grafana's own server converts a stored v1
// dashboard when it is read as v2beta1 — apps/dashboard/pkg/migration/conversion/v1beta1_to_v2alpha1.go
// then v2alpha1_to_v2beta1.go in grafana/grafana — so a dashboard published either way reads back the
// same: rows become a RowsLayout (panels before the first row go to a row without a header), each
// panel an element "panel-<id>" placed in its row's grid (y counted from the row), each target a
// PanelQuery whose DataQuery carries the datasource type as `group` and its uid as `datasource.name`.
// The SDK's types only (no runtime code): the v2 builders are not in the bundle.

export const V2_API_VERSION = 'dashboard.grafana.app/v2beta1';

/** A v2beta1 dashboard as the Kubernetes-style API takes it. */
export interface V2Resource {
  apiVersion: typeof V2_API_VERSION;
  kind: 'Dashboard';
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: v2.Dashboard;
}

/** Whether a parsed JSON document is a v2 dashboard resource (or a bare v2 spec) rather than classic JSON. */
export function isV2Document(doc: unknown): boolean {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const d = doc as Record<string, unknown>;
  if (typeof d.apiVersion === 'string') return /^dashboard\.grafana\.app\/v2/.test(d.apiVersion);
  return 'elements' in d && 'layout' in d;
}

// The SDK declares v2's string unions as TypeScript enums; a type-only import names them without loading them.
const as = <E>(value: string) => value as unknown as E;

const CURSOR_SYNC = ['Off', 'Crosshair', 'Tooltip'];
const HIDE = ['dontHide', 'hideLabel', 'hideVariable'];
const REFRESH = ['never', 'onDashboardLoad', 'onTimeRangeChanged'];
const SORT = ['disabled', 'alphabeticalAsc', 'alphabeticalDesc', 'numericalAsc', 'numericalDesc', 'alphabeticalCaseInsensitiveAsc', 'alphabeticalCaseInsensitiveDesc', 'naturalAsc', 'naturalDesc'];
const pick = (table: string[], n: unknown) => table[typeof n === 'number' ? n : 0] ?? table[0]!;

// Grafana's default refresh picker intervals (TimeSettingsSpec.autoRefreshIntervals' default).
const AUTO_REFRESH_INTERVALS = ['5s', '10s', '30s', '1m', '5m', '15m', '30m', '1h', '2h', '1d'];

/** A string query kept under this key, as Grafana stores a classic variable's string query in v2. */
export const LEGACY_STRING_VALUE_KEY = '__legacyStringValue';

type Json = Record<string, unknown>;
type Target = Json & { refId?: string; hide?: boolean; datasource?: { type?: string; uid?: string } };
type ClassicPanel = Json & {
  id?: number;
  type?: string;
  title?: string;
  description?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  transformations?: Array<{ id: string; options?: Json; disabled?: boolean }>;
  options?: Json;
  fieldConfig?: v2.FieldConfigSource;
  pluginVersion?: string;
  transparent?: boolean;
  repeat?: string;
  repeatDirection?: string;
  maxPerRow?: number;
  collapsed?: boolean;
  panels?: ClassicPanel[];
};

function dataQuery(spec: unknown, ds: { type?: string; uid?: string } | undefined): v2.DataQueryKind {
  return { kind: 'DataQuery', group: ds?.type ?? '', version: 'v0', ...(ds?.uid ? { datasource: { name: ds.uid } } : {}), spec };
}

function panelElement(p: ClassicPanel): v2.PanelKind {
  const queries = (p.targets ?? []).map((t): v2.PanelQueryKind => {
    const { refId, hide, datasource, ...spec } = t;
    const ds = datasource?.uid || datasource?.type ? datasource : p.datasource;
    return { kind: 'PanelQuery', spec: { refId: refId || 'A', hidden: !!hide, query: dataQuery(spec, ds) } };
  });
  return {
    kind: 'Panel',
    spec: {
      id: p.id ?? 0,
      title: p.title ?? '',
      description: p.description ?? '',
      links: [],
      data: {
        kind: 'QueryGroup',
        spec: {
          queries,
          transformations: (p.transformations ?? []).map((t) => ({ kind: t.id, spec: { id: t.id, options: t.options ?? {}, ...(t.disabled ? { disabled: true } : {}) } })),
          queryOptions: {},
        },
      },
      vizConfig: {
        kind: 'VizConfig',
        group: p.type ?? 'timeseries',
        version: p.pluginVersion ?? '',
        spec: { options: p.options ?? {}, fieldConfig: p.fieldConfig ?? { defaults: {}, overrides: [] } },
      },
      ...(p.transparent ? { transparent: true } : {}),
    },
  };
}

/** A panel repeated per value of a variable: the grid item carries it (Grafana's getRepeatOptionsFromPanel). */
function repeatOf(p: ClassicPanel): v2.RepeatOptions | undefined {
  if (!p.repeat) return undefined;
  const direction = p.repeatDirection === 'h' || p.repeatDirection === 'v' ? p.repeatDirection : undefined;
  return { mode: as<v2.RepeatMode.Variable>('variable'), value: p.repeat, ...(direction ? { direction } : {}), ...(p.maxPerRow && p.maxPerRow > 0 ? { maxPerRow: p.maxPerRow } : {}) };
}

function gridItem(p: ClassicPanel, y: number): v2.GridLayoutItemKind {
  const g = p.gridPos ?? { x: 0, y: 0, w: 6, h: 3 };
  const repeat = repeatOf(p);
  return { kind: 'GridLayoutItem', spec: { x: g.x, y, width: g.w, height: g.h, element: { kind: 'ElementReference', name: `panel-${p.id ?? 0}` }, ...(repeat ? { repeat } : {}) } };
}

function rowsLayout(panels: ClassicPanel[], elements: Record<string, v2.Element>): v2.RowsLayoutKind {
  const rows: v2.RowsLayoutRowKind[] = [];
  let items: v2.GridLayoutItemKind[] = [];
  let rowY = -1; // the headerless first row sits just above the grid
  const add = (p: ClassicPanel) => {
    elements[`panel-${p.id ?? 0}`] = panelElement(p);
    items.push(gridItem(p, (p.gridPos?.y ?? 0) - rowY - 1));
  };
  for (const p of panels) {
    if (p.type !== 'row') {
      if (!rows.length) {
        items = [];
        rows.push({ kind: 'RowsLayoutRow', spec: { title: '', collapse: false, hideHeader: true, layout: { kind: 'GridLayout', spec: { items } } } });
      }
      add(p);
      continue;
    }
    rowY = p.gridPos?.y ?? 0;
    items = [];
    rows.push({ kind: 'RowsLayoutRow', spec: { title: p.title ?? '', collapse: !!p.collapsed, layout: { kind: 'GridLayout', spec: { items } } } });
    for (const inner of p.panels ?? []) add(inner); // a collapsed row's own panels
  }
  return { kind: 'RowsLayout', spec: { rows } };
}

function gridLayout(panels: ClassicPanel[], elements: Record<string, v2.Element>): v2.GridLayoutKind {
  const items = panels.map((p) => {
    elements[`panel-${p.id ?? 0}`] = panelElement(p);
    return gridItem(p, p.gridPos?.y ?? 0);
  });
  return { kind: 'GridLayout', spec: { items } };
}

function option(o: v1.VariableOption | undefined): v2.VariableOption {
  return { text: (o?.text as string | string[] | undefined) ?? '', value: (o?.value as string | string[] | undefined) ?? '' };
}

function variable(v: v1.VariableModel): v2.VariableKind | undefined {
  const common = {
    name: v.name,
    ...(v.label ? { label: v.label } : {}),
    ...(v.description ? { description: v.description } : {}),
    hide: as<v2.VariableHide>(pick(HIDE, v.hide)),
    skipUrlSync: !!v.skipUrlSync,
  };
  switch (v.type) {
    case 'datasource':
      return {
        kind: 'DatasourceVariable',
        spec: {
          ...common,
          pluginId: typeof v.query === 'string' ? v.query : '',
          refresh: as<v2.VariableRefresh>(pick(REFRESH, v.refresh)),
          regex: v.regex ?? '',
          current: option(v.current),
          options: [],
          multi: !!v.multi,
          includeAll: !!v.includeAll,
          ...(v.allValue ? { allValue: v.allValue } : {}),
          allowCustomValue: v.allowCustomValue ?? true,
        },
      };
    case 'query':
      return {
        kind: 'QueryVariable',
        spec: {
          ...common,
          current: option(v.current),
          refresh: as<v2.VariableRefresh>(pick(REFRESH, v.refresh)),
          query: dataQuery(typeof v.query === 'string' ? { [LEGACY_STRING_VALUE_KEY]: v.query } : (v.query ?? {}), v.datasource),
          regex: v.regex ?? '',
          sort: as<v2.VariableSort>(pick(SORT, v.sort)),
          ...(v.definition !== undefined ? { definition: v.definition } : {}),
          options: [],
          multi: !!v.multi,
          includeAll: !!v.includeAll,
          ...(v.allValue ? { allValue: v.allValue } : {}),
          allowCustomValue: v.allowCustomValue ?? true,
        },
      };
    case 'textbox':
      return { kind: 'TextVariable', spec: { ...common, query: typeof v.query === 'string' ? v.query : '', current: option(v.current) } };
    default:
      // This tool makes no other kinds; a new one must be converted here before it can be written.
      throw new Error(`variable "${v.name}": type ${String(v.type)} has no v2 conversion here`);
  }
}

/** The classic dashboard as a v2beta1 resource: pure, the same output for the same dashboard. */
export function toV2Resource(dashboard: v1.Dashboard): V2Resource {
  const d = canonical(dashboard) as v1.Dashboard & { panels?: ClassicPanel[] };
  const panels = (d.panels ?? []) as ClassicPanel[];
  // This tool makes no annotations (Grafana adds its built-in one itself); any would need converting here.
  if (d.annotations?.list?.length) throw new Error('annotations have no v2 conversion here');
  const elements: Record<string, v2.Element> = {};
  const layout = panels.some((p) => p.type === 'row') ? rowsLayout(panels, elements) : gridLayout(panels, elements);
  const spec: v2.Dashboard = {
    annotations: [],
    cursorSync: as<v2.DashboardCursorSync>(pick(CURSOR_SYNC, d.graphTooltip)),
    ...(d.description ? { description: d.description } : {}),
    editable: d.editable ?? true,
    elements,
    layout,
    links: [],
    liveNow: !!d.liveNow,
    preload: !!d.preload,
    tags: d.tags ?? [],
    timeSettings: {
      ...(d.timezone ? { timezone: d.timezone } : {}),
      from: d.time?.from ?? 'now-6h',
      to: d.time?.to ?? 'now',
      autoRefresh: d.refresh ?? '',
      autoRefreshIntervals: AUTO_REFRESH_INTERVALS,
      hideTimepicker: false,
      fiscalYearStartMonth: d.fiscalYearStartMonth ?? 0,
    },
    title: d.title ?? '',
    variables: (d.templating?.list ?? []).flatMap((v) => variable(v) ?? []),
  };
  return { apiVersion: V2_API_VERSION, kind: 'Dashboard', metadata: { name: d.uid ?? '' }, spec };
}
