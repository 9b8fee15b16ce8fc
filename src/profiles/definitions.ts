import type { PrometheusProfileDef } from './prometheus.ts';

// The ways Kinesis metrics reach Prometheus: the exporters' names and labels (naming rules: naming.ts).
export const prometheusProfiles: PrometheusProfileDef[] = [
  {
    id: 'cloudwatch-exporter',
    title: 'CloudWatch exporter',
    source: "prometheus/cloudwatch_exporter, and Logz.io's CloudWatch collector that runs it (the seed dashboard's names)",
    naming: 'snake',
    // The region is exporter configuration, not a label.
    labels: { stream: 'stream_name', shard: 'shard_id', consumer: 'consumer_name' },
  },
  {
    id: 'yace',
    title: 'YACE',
    source: 'yet-another-cloudwatch-exporter, and Grafana Alloy\'s CloudWatch exporter built on it',
    naming: 'snake',
    labels: { stream: 'dimension_StreamName', shard: 'dimension_ShardId', consumer: 'dimension_ConsumerName', region: 'region', account: 'account_id' },
  },
  {
    id: 'logzio-metric-streams',
    title: 'Logz.io metric streams',
    source: "Logz.io's CloudWatch metric streams (metric-stream-lambda): lowercased names, summaries as _sum/_count/_min/_max, lowercased stream names",
    naming: 'lower',
    labels: { stream: 'streamname', shard: 'shardid', consumer: 'consumername', region: 'region', account: 'account' },
    // The Lambda's OpenTelemetry 1.0 path (the current CloudFormation template's) leaves them off _max.
    bareMaximum: true,
  },
];
