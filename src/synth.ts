import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { capacityRows } from '../panels/capacity.ts';
import { fanOutRows } from '../panels/fan-out.ts';
import { kinesisRows } from '../panels/kinesis.ts';
import { addRows } from '../panels/layout.ts';
import { recordOutcomeRows } from '../panels/record-outcomes.ts';
import { shardRows } from '../panels/shards.ts';
import { RowSpec, type RowSpecInput } from '../panels/spec.ts';
import { successRateRows } from '../panels/success-rates.ts';
import { DEFAULT_TOP_SHARDS, SHARDS_VARIABLE } from './capacity.ts';
import { DashboardOptions, type DashboardOptionsInput } from './config/schema.ts';
import { getProfile, type ProfileSettings } from './profiles/index.ts';

/** Tags every generated dashboard carries; user tags are added after them. */
// "kinesis-dashboards" marks dashboards this tool manages: publish refuses to overwrite a live dashboard without it (unless --force).
export const MANAGED_TAG = 'kinesis-dashboards';
export const BASE_TAGS = ['aws', 'kinesis', MANAGED_TAG];

let seedRows: RowSpec[] | undefined;

/** The seed's rows, then the opt-in rows the options switch on, in a fixed order. */
function rowsFor(options: DashboardOptions): RowSpec[] {
  const { rows } = options;
  // The seed's rows are constant data: validated once per process, not once per dashboard of a fleet.
  seedRows ??= kinesisRows.map((r) => RowSpec.parse(r));
  const optIn: RowSpecInput[] = [
    ...(rows.successRates ? successRateRows : []),
    ...(rows.recordOutcomes ? recordOutcomeRows : []),
    ...(rows.fanOut ? fanOutRows : []),
    ...(rows.shards ? shardRows(rows.shards === true ? DEFAULT_TOP_SHARDS : rows.shards.top) : []),
    ...(options.capacity ? capacityRows(options.capacity.retentionHours) : []),
  ];
  return [...seedRows, ...optIn.map((r) => RowSpec.parse(r))];
}

/** What the profile needs of the options; alert rules take the same (without the dashboard's variables). */
export function profileSettings(options: DashboardOptions): ProfileSettings {
  return {
    periodSeconds: options.periodSeconds,
    ...(options.capacity?.shards ? { shards: options.capacity.shards } : {}),
    shardLevelMetrics: options.rows.shards !== false,
    ...(options.streams ? { streams: typeof options.streams === 'string' ? { regex: options.streams } : { names: options.streams } } : {}),
  };
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

/** `synth` for options already validated (the CLI validates while loading, to name the offending field). */
export function synthOptions(options: DashboardOptions): dashboard.Dashboard {
  const profile = getProfile(options.profile, profileSettings(options));
  const rows = rowsFor(options);
  const tags = [...new Set([...BASE_TAGS, ...options.tags])];
  const variables = [...profile.variables(), ...(options.capacity && !options.capacity.shards ? [shardsVariable()] : [])];

  const builder = new dashboard.DashboardBuilder(options.title)
    .uid(options.uid)
    .description(`Amazon Kinesis Data Streams: writes, reads, throttling and latency per stream. Metrics from ${profile.source}.`)
    .tags(tags)
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-6h', to: 'now' })
    // CloudWatch publishes once a minute at best: refreshing faster only repeats queries.
    .refresh('5m')
    .timezone('browser')
    .variables(variables);
  return addRows(builder, rows, profile).build();
}
