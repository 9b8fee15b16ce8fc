import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { kinesisRows } from '../panels/kinesis.ts';
import { addRows } from '../panels/layout.ts';
import { RowSpec } from '../panels/spec.ts';
import { DashboardOptions, type DashboardOptionsInput } from './config/schema.ts';
import { getProfile } from './profiles/index.ts';

/** Tags every generated dashboard carries; user tags are added after them. */
// "kinesis-dashboards" marks dashboards this tool manages: publish refuses to overwrite a live dashboard without it (unless --force).
export const MANAGED_TAG = 'kinesis-dashboards';
export const BASE_TAGS = ['aws', 'kinesis', MANAGED_TAG];

/**
 * The dashboard as data: pure, no I/O, the same output for the same options.
 * Writing it (or publishing it) is someone else's job.
 */
export function synth(input: DashboardOptionsInput = {}): dashboard.Dashboard {
  const options = DashboardOptions.parse(input);
  const profile = getProfile(options.profile);
  const rows = kinesisRows.map((r) => RowSpec.parse(r));
  const tags = [...new Set([...BASE_TAGS, ...options.tags])];

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
    .variables(profile.variables());
  return addRows(builder, rows, profile).build();
}
