import { DEFAULT_RETENTION_HOURS, iteratorAgeLimitMs, SHARD_LIMIT_TEXT } from '../src/capacity.ts';
import type { RowSpec } from './spec.ts';

const shardsFrom = 'Shard counts come from the config (capacity.shards) or, without it, the "shards" variable, which applies to every selected stream.';

/**
 * Capacity of provisioned streams: throughput against shards × the per-shard limits, the same as a
 * fraction, and iterator age against the retention period. Limits and settings: src/capacity.ts.
 */
export function capacityRows(retentionHours: number = DEFAULT_RETENTION_HOURS): RowSpec[] {
  return [
    {
      title: 'Capacity',
      height: 8,
      panels: [
        {
          kind: 'timeseries',
          title: 'Write Throughput vs Limit',
          signals: [
            { metric: 'IncomingBytes', statistic: 'Sum', perSecond: true },
            { metric: 'IncomingBytes', statistic: 'Sum', limitOf: 'writeBytes', legend: 'limit' },
          ],
          description: `Bytes written per second, and each stream's write limit: shards × ${SHARD_LIMIT_TEXT.writeBytes}. ${shardsFrom}`,
        },
        {
          kind: 'timeseries',
          title: 'Write Records vs Limit',
          signals: [
            { metric: 'IncomingRecords', statistic: 'Sum', perSecond: true },
            { metric: 'IncomingRecords', statistic: 'Sum', limitOf: 'writeRecords', legend: 'limit' },
          ],
          description: `Records written per second, and each stream's write limit: shards × ${SHARD_LIMIT_TEXT.writeRecords}. ${shardsFrom}`,
        },
        {
          kind: 'timeseries',
          title: 'Read Throughput vs Limit',
          signals: [
            { metric: 'GetRecords.Bytes', statistic: 'Sum', perSecond: true },
            { metric: 'GetRecords.Bytes', statistic: 'Sum', limitOf: 'readBytes', legend: 'limit' },
          ],
          description:
            `Bytes read per second by GetRecords, and each stream's read limit: shards × ${SHARD_LIMIT_TEXT.readBytes}, ` +
            `shared by all GetRecords consumers (enhanced fan-out consumers have their own). ${shardsFrom}`,
        },
      ],
    },
    {
      height: 8,
      panels: [
        {
          kind: 'timeseries',
          title: 'Write Utilisation',
          signals: [
            { metric: 'IncomingBytes', statistic: 'Sum', utilisationOf: 'writeBytes', legend: 'bytes' },
            { metric: 'IncomingRecords', statistic: 'Sum', utilisationOf: 'writeRecords', legend: 'records' },
          ],
          description: `Bytes and records written per second, each as a fraction of the stream's write limit (shards × ${SHARD_LIMIT_TEXT.writeBytes}, shards × ${SHARD_LIMIT_TEXT.writeRecords}); writes past 100% are throttled. ${shardsFrom}`,
          threshold: 1,
        },
        {
          kind: 'timeseries',
          title: 'Read Utilisation',
          signals: [{ metric: 'GetRecords.Bytes', statistic: 'Sum', utilisationOf: 'readBytes' }],
          description: `Bytes read per second by GetRecords as a fraction of the stream's read limit (shards × ${SHARD_LIMIT_TEXT.readBytes}). ${shardsFrom}`,
          threshold: 1,
        },
        {
          kind: 'timeseries',
          title: 'Iterator Age vs Retention',
          signals: [{ metric: 'GetRecords.IteratorAgeMilliseconds', statistic: 'Maximum' }],
          description:
            `How far the slowest GetRecords consumer lags behind. The red line is half the retention period (${retentionHours} h, capacity.retentionHours): ` +
            'past it, unread records are at risk of expiring before they are read.',
          threshold: iteratorAgeLimitMs(retentionHours),
        },
      ],
    },
  ];
}
