import { isObject, type JsonObject } from '../json.ts';
import type { Profile } from '../profiles/index.ts';

/**
 * Grafana's "Export for sharing externally" form of a generated dashboard: the file a user imports
 * through Grafana's (or Logz.io's) Import dashboard screen, or POST /api/dashboards/import with `inputs`.
 *
 * What Grafana's own exporter does, and what we do (grafana/grafana,
 * public/app/features/dashboard-scene/scene/export/exporters.ts `makeExportableV1`; the pre-Scenes
 * public/app/features/dashboard/components/DashExportModal/DashboardExporter.ts):
 *   - `id: null`; `__inputs`, `__elements: {}`, `__requires` (sorted by id) on top.
 *   - A reference to a concrete datasource becomes `{type, uid: "${DS_<NAME>}"}`, one input per datasource.
 *   - A reference to a datasource *variable* (`${datasource}`) is kept as it is: the variable stays the
 *     dashboard's switch. The Scenes exporter instead turns the variable's `current` into
 *     `{selected: true, text: '', value: '${DS_<NAME>}'}` (the older exporter just emptied it and asked
 *     for no input at all, so the datasource picked on import was never used). We do the same as the
 *     Scenes exporter: the import screen asks for a datasource, and the dashboard opens on it.
 *   - Unlike Grafana's exporter we keep the query variables' `current` (All): it is what `generate`
 *     makes, and the import must yield exactly that.
 *
 * So importing this file with the input DS_<NAME> = <uid> yields exactly what `generate` writes, except:
 *   - `id` and `version`: the server's (a new id; version 1, or the old version + 1 on overwrite);
 *   - the datasource variable's `current`, which becomes `{selected: true, text: '', value: <uid>}`:
 *     the datasource chosen on import, which is the point of the input.
 * Everything else (uid, title, tags, panels, targets, `${datasource}` references) is unchanged.
 *
 * The result is not a dashboard in the sense of Grafana's dashboard JSON Schema (additionalProperties:
 * false rejects `__inputs`, `__elements`, `__requires`): it is only for the import endpoint, which strips
 * those keys. /api/dashboards/db would store `${DS_...}` verbatim (src/publish/prepare.ts refuses it).
 *
 * No other inputs: region, account and stream are query variables the datasource fills, and title/uid/folder
 * are fields of the import screen itself, so nothing else is a value a user must supply.
 */

/**
 * The Grafana version `__requires` names: the first whose dashboard schema (schemaVersion 42) our JSON is
 * written in. Migration 42 was merged in September 2025 (grafana/grafana#110517); Grafana v12.3's dashboard
 * kind has it, and a Grafana 12 that does not know schemaVersion 42 may refuse to store it (422 from the
 * dashboard API). Grafana's importer does not enforce `__requires`: it is advice to the reader.
 * Re-check when the SDK's schemaVersion changes (test/export/sharing.test.ts fails then).
 */
export const MIN_GRAFANA_VERSION = '12.3.0';
export const SCHEMA_VERSION = 42;

/** Names of the core panel plugins, as Grafana's exporter writes them (panel plugin.json `name`). */
const PANEL_PLUGIN_NAMES: Readonly<Record<string, string>> = {
  barchart: 'Bar chart',
  bargauge: 'Bar gauge',
  gauge: 'Gauge',
  heatmap: 'Heatmap',
  histogram: 'Histogram',
  piechart: 'Pie chart',
  stat: 'Stat',
  'state-timeline': 'State timeline',
  'status-history': 'Status history',
  table: 'Table',
  text: 'Text',
  timeseries: 'Time series',
};

/** Datasource uids that are Grafana's own, never an input (as `ds.meta.builtIn` in the exporter). */
const BUILT_IN_UIDS = new Set(['grafana', '-- Grafana --', '-- Mixed --', '-- Dashboard --', '__expr__']);

// Grafana's variableRegex (public/app/features/variables/utils.ts): $var, [[var]], [[var:fmt]], ${var}, ${var.field}, ${var:fmt}.
const VARIABLE_REF = /^(?:\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\})$/;

export interface SharingInput {
  name: string;
  label: string;
  description: string;
  type: 'datasource';
  pluginId: string;
  pluginName: string;
}

export interface SharingRequire {
  type: 'grafana' | 'datasource' | 'panel';
  id: string;
  name: string;
  version: string;
}

export type SharingDashboard = JsonObject & {
  __inputs: SharingInput[];
  __elements: Record<string, never>;
  __requires: SharingRequire[];
  id: null;
};

/** The input's name, as Grafana derives it from the datasource's name: "DS_" + upper case, "_" for anything else. */
export function inputName(datasourceName: string): string {
  return `DS_${datasourceName.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/**
 * The sharing (import) form of `dashboard`, whose queries go to `profile.datasource`. Pure: a new object,
 * the same for the same arguments. Throws on a dashboard it cannot express with that one input
 * (a concrete reference to another datasource type, a panel type it has no plugin name for, or a
 * dashboard that already is in the sharing form).
 */
export function toSharingFormat(dashboard: unknown, profile: Pick<Profile, 'datasource'>): SharingDashboard {
  // A plain JSON copy: builders' objects become data, undefined fields disappear.
  const copy: unknown = JSON.parse(JSON.stringify(dashboard ?? null));
  if (!isObject(copy)) throw new Error('toSharingFormat: not a dashboard object');
  if ('__inputs' in copy || /\$\{DS_/.test(JSON.stringify(copy))) throw new Error('toSharingFormat: the dashboard already is in the sharing format');

  const { type: pluginId, name: pluginName } = profile.datasource;
  const name = inputName(pluginName);
  const placeholder = `\${${name}}`;
  const templating = isObject(copy.templating) && Array.isArray(copy.templating.list) ? copy.templating.list.filter(isObject) : [];
  const datasourceVariables = new Map(templating.filter((v) => v.type === 'datasource' && typeof v.name === 'string').map((v) => [v.name as string, v]));

  let used = false;
  /** Rewrites one `datasource` value in place (a reference object, or a legacy name string). */
  const templateize = (holder: JsonObject): void => {
    const ref = holder.datasource;
    if (ref === undefined || ref === null) return; // the dashboard's default: nothing to choose
    const uid = typeof ref === 'string' ? ref : isObject(ref) && typeof ref.uid === 'string' ? ref.uid : undefined;
    const type = isObject(ref) && typeof ref.type === 'string' ? ref.type : undefined;
    if (uid === undefined || BUILT_IN_UIDS.has(uid) || type === 'grafana' || type === 'datasource' || type === '__expr__') return;
    const match = VARIABLE_REF.exec(uid);
    const variable = match ? datasourceVariables.get(match[1] ?? match[2] ?? match[4] ?? '') : undefined;
    if (variable) {
      // Kept as `${datasource}`: the variable's `current` carries the input (below).
      if (variable.query === pluginId) used = true;
      return;
    }
    if (match) return; // another kind of variable: nothing Grafana could template either
    if (type !== undefined && type !== pluginId) {
      throw new Error(`toSharingFormat: a reference to a ${type} datasource (uid ${uid}); the profile's one input is a ${pluginId} datasource`);
    }
    holder.datasource = { type: pluginId, uid: placeholder };
    used = true;
  };

  const panelTypes = new Set<string>();
  const visitPanel = (panel: JsonObject): void => {
    if (panel.type !== 'row') {
      templateize(panel);
      for (const target of Array.isArray(panel.targets) ? panel.targets.filter(isObject) : []) templateize(target);
      if (typeof panel.type === 'string') panelTypes.add(panel.type);
    }
    // A collapsed row keeps its panels inside it.
    for (const inner of Array.isArray(panel.panels) ? panel.panels.filter(isObject) : []) visitPanel(inner);
  };
  for (const panel of Array.isArray(copy.panels) ? copy.panels.filter(isObject) : []) visitPanel(panel);
  for (const variable of templating) if (variable.type === 'query' || variable.type === 'adhoc') templateize(variable);
  const annotations = isObject(copy.annotations) && Array.isArray(copy.annotations.list) ? copy.annotations.list.filter(isObject) : [];
  for (const annotation of annotations) templateize(annotation);

  for (const variable of datasourceVariables.values()) {
    if (variable.query !== pluginId) continue;
    // As Grafana's Scenes exporter: the dashboard opens on the datasource chosen on import.
    variable.current = { selected: true, text: '', value: placeholder };
    used = true;
  }

  const requires: SharingRequire[] = [{ type: 'grafana', id: 'grafana', name: 'Grafana', version: MIN_GRAFANA_VERSION }];
  if (used) requires.push({ type: 'datasource', id: pluginId, name: pluginName, version: '1.0.0' });
  for (const type of panelTypes) {
    const panelName = PANEL_PLUGIN_NAMES[type];
    if (!panelName) throw new Error(`toSharingFormat: no plugin name known for panel type "${type}"; add it to PANEL_PLUGIN_NAMES in src/output/sharing.ts`);
    // Core panels carry no version of their own: Grafana's exporter writes "".
    requires.push({ type: 'panel', id: type, name: panelName, version: '' });
  }
  requires.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const inputs: SharingInput[] = used ? [{ name, label: pluginName, description: '', type: 'datasource', pluginId, pluginName }] : [];
  return { ...copy, __inputs: inputs, __elements: {}, __requires: requires, id: null } as SharingDashboard;
}
