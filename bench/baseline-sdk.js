// The floor for "generate" with the SDK: a plain script that builds a dashboard like ours (the seed's
// 11 panels in 4 rows, Prometheus queries over a $stream variable, the datasource variable) with
// @grafana/grafana-foundation-sdk's builders directly, and writes it the way generate does (keys
// sorted, two-space indent). No zod, no yargs, no catalog or profiles, no bundling: what anyone
// would write by hand.
//
//   node bench/baseline-sdk.js [--out DIR | --stdout]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

const ds = { type: 'prometheus', uid: '${datasource}' };
const sel = '{stream_name=~"$stream"}';
const query = (expr, refId, legend, instant = false) =>
  new prometheus.DataqueryBuilder().expr(expr).refId(refId).legendFormat(legend).range(!instant).instant(instant).datasource(ds);

const statPanel = (title, unit, expr) =>
  new stat.PanelBuilder()
    .title(title)
    .description(`${title} across the selected streams over the time range.`)
    .datasource(ds)
    .targets([query(expr, 'A', 'selected streams', true)])
    .unit(unit)
    .reduceOptions(new common.ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']))
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.None);

const seriesPanel = (title, unit, ...exprs) =>
  new timeseries.PanelBuilder()
    .title(title)
    .description(`${title}: one series per selected stream.`)
    .datasource(ds)
    .targets(exprs.map((e, i) => query(e, 'ABCDEFGH'[i], '{{stream_name}}')))
    .unit(unit)
    .min(0)
    .fillOpacity(10)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Bottom).calcs(['mean', 'max']))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));

const series = (metric, op) => `${op} by (stream_name) (aws_kinesis_${metric}${sel})`;
const rows = [
  [undefined, 4, [
    statPanel('Avg Incoming Bytes', 'bytes', `sum(avg_over_time(aws_kinesis_incoming_bytes_sum${sel}[$__range]))`),
    statPanel('Avg Put Latency', 'ms', `avg(avg by (stream_name) (avg_over_time(aws_kinesis_put_record_latency_average${sel}[$__range])))`),
    statPanel('Avg Get Latency', 'ms', `avg(avg by (stream_name) (avg_over_time(aws_kinesis_get_records_latency_average${sel}[$__range])))`),
    statPanel('Avg Iterator Age', 'ms', `max(avg by (stream_name) (avg_over_time(aws_kinesis_get_records_iterator_age_milliseconds_average${sel}[$__range])))`),
  ]],
  ['Put Requests', 8, [
    seriesPanel('Incoming Records', 'short', series('incoming_records_sum', 'sum')),
    seriesPanel('Incoming Bytes', 'bytes', series('incoming_bytes_sum', 'sum')),
    seriesPanel('Throttled PutRecords/PutRecord Requests', 'percentunit', series('write_provisioned_throughput_exceeded_average', 'avg')).max(1),
  ]],
  ['Get Requests', 8, [
    seriesPanel('Outgoing Records', 'short', series('get_records_records_sum', 'sum')),
    seriesPanel('Outgoing Bytes', 'bytes', series('get_records_bytes_sum', 'sum')),
    seriesPanel('Throttled GetRecords Requests', 'percentunit', series('read_provisioned_throughput_exceeded_average', 'avg')).max(1),
  ]],
  ['Latency', 8, [
    seriesPanel('Average Get Latency', 'ms', series('get_records_latency_average', 'avg')),
    seriesPanel('Average Put Latency', 'ms', series('put_record_latency_average', 'avg'), series('put_records_latency_average', 'avg')),
  ]],
];

const builder = new dashboard.DashboardBuilder('Amazon Kinesis')
  .uid('aws-kinesis')
  .description('Amazon Kinesis Data Streams: writes, reads, throttling and latency per stream.')
  .tags(['aws', 'kinesis'])
  .editable()
  .tooltip(dashboard.DashboardCursorSync.Crosshair)
  .time({ from: 'now-6h', to: 'now' })
  .refresh('5m')
  .timezone('browser')
  .withVariable(new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
  .withVariable(
    new dashboard.QueryVariableBuilder('stream')
      .label('Stream')
      .datasource(ds)
      .query('label_values(aws_kinesis_incoming_bytes_sum, stream_name)')
      .multi(true)
      .includeAll(true)
      .allValue('.*')
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc),
  );
let id = 1;
let y = 0;
for (const [title, h, panels] of rows) {
  if (title) builder.withRow(new dashboard.RowBuilder(title).id(id++).gridPos({ x: 0, y: y++, w: 24, h: 1 }));
  const w = 24 / panels.length;
  panels.forEach((p, i) => builder.withPanel(p.id(id++).gridPos({ x: i * w, y, w, h })));
  y += h;
}

const sorted = (v) =>
  Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => [k, sorted(v[k])])) : v;
const json = `${JSON.stringify(sorted(builder.build()), null, 2)}\n`;

const args = process.argv.slice(2);
if (args.includes('--stdout')) {
  process.stdout.write(json);
} else {
  const out = args[args.indexOf('--out') + 1] && args.includes('--out') ? args[args.indexOf('--out') + 1] : 'out';
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'aws-kinesis.json'), json);
  process.stdout.write(`wrote ${join(out, 'aws-kinesis.json')}\n`);
}
