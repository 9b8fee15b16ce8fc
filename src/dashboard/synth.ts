import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { addRows } from '../../panels/layout.ts';
import { rowSets } from '../../panels/sets.ts';
import type { RowSpec } from '../../panels/spec.ts';
import { DEFAULT_TOP_SHARDS, SHARDS_VARIABLE } from '../capacity.ts';
import { profileSettings } from '../config/profile-settings.ts';
import { DashboardOptions, type DashboardOptionsInput } from '../config/schema.ts';
import { BASE_TAGS } from './tags.ts';
import { getProfile, type ProfileSettings } from '../profiles/index.ts';

export { BASE_TAGS, MANAGED_TAG } from './tags.ts';

/** What shapes the panels: the profile and its settings, and the rows switched on (not uid, title, tags or alerts). */
export type PanelOptions = Pick<DashboardOptions, 'profile' | 'streams' | 'rows' | 'capacity' | 'periodSeconds'>;

/** The seed's rows, then the opt-in rows the options switch on, in a fixed order. */
export function rowsFor(options: PanelOptions): RowSpec[] {
  const { rows } = options;
  return [
    ...rowSets.seed,
    ...(rows.successRates ? rowSets.successRates : []),
    ...(rows.recordOutcomes ? rowSets.recordOutcomes : []),
    ...(rows.fanOut ? rowSets.fanOut : []),
    ...(rows.shards ? rowSets.shards(rows.shards === true ? DEFAULT_TOP_SHARDS : rows.shards.top) : []),
    ...(options.capacity ? rowSets.capacity(options.capacity.retentionHours) : []),
  ];
}

/** Without per-stream shard counts in the config, the viewer types the shard count. */
function shardsVariable() {
  return new dashboard.TextBoxVariableBuilder(SHARDS_VARIABLE)
    .label('Shards per stream')
    .description('Open shards of each selected stream, for the capacity row (set capacity.shards in the config for per-stream counts).')
    .defaultValue('1')
    .current({ selected: false, text: '1', value: '1' });
}

/**
 * The dashboard as data: pure, no I/O, the same output for the same options.
 * Writing it (or publishing it) is someone else's job.
 */
export function synth(input: DashboardOptionsInput = {}): dashboard.Dashboard {
  return synthOptions(DashboardOptions.parse(input));
}

/**
 * Panels depend only on the profile, its settings less the stream filter, and the rows switched on — not
 * on uid, title, tags or streams. A fleet of dashboards that share them shares one frozen panel list:
 * built once, and serialized once (serialize reuses the text of frozen subtrees).
 */
const panelCache = new Map<string, readonly dashboard.Panel[]>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function panelsFor(options: DashboardOptions, settings: ProfileSettings): readonly dashboard.Panel[] {
  const { streams: _streams, ...shape } = settings;
  const key = JSON.stringify([options.profile, shape, options.rows, options.capacity?.retentionHours ?? null]);
  let panels = panelCache.get(key);
  if (!panels) {
    const profile = getProfile(options.profile, settings);
    panels = deepFreeze(addRows(new dashboard.DashboardBuilder(''), rowsFor(options), profile).build().panels ?? []);
    panelCache.set(key, panels);
  }
  return panels;
}

/** `synth` for options already validated (the CLI validates while loading, to name the offending field). */
export function synthOptions(options: DashboardOptions): dashboard.Dashboard {
  const settings = profileSettings(options);
  const profile = getProfile(options.profile, settings);
  const tags = [...new Set([...BASE_TAGS, ...options.tags])];
  const variables = [...profile.variables(), ...(options.capacity && !options.capacity.shards ? [shardsVariable()] : [])];

  const built = new dashboard.DashboardBuilder(options.title)
    .uid(options.uid)
    .description(`Amazon Kinesis Data Streams: writes, reads, throttling and latency per stream. Metrics from ${profile.source}.`)
    .tags(tags)
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-6h', to: 'now' })
    // CloudWatch publishes once a minute at best: refreshing faster only repeats queries.
    .refresh('5m')
    .timezone('browser')
    .variables(variables)
    .build();
  // The rows are laid out by panels/layout.ts with the SDK's builders (see panelsFor).
  return { ...built, panels: panelsFor(options, settings) as dashboard.Panel[] };
}
