import { DEFAULT_RETENTION_HOURS, iteratorAgeLimitMs, SHARD_LIMIT_TEXT } from '../src/capacity.ts';
import { signals as s, utilisation } from '../src/signals/index.ts';
import type { RowSpec } from './spec.ts';

const shardsFrom = 'Shard counts come from the config (capacity.shards) or, without it, the "shards" variable, which applies to every selected stream.';

/**
 * Capacity of provisioned streams: throughput against shards × the per-shard limits, the same as a
 * fraction, and iterator age against the retention period. Limits and settings: src/capacity.ts; the
 * alert rules judge the same signals against the same limits (src/alerts/rules.ts).
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
            { ...s.incomingBytes, perSecond: true },
            { ...s.incomingBytes, limitOf: 'writeBytes', legend: 'limit' },
          ],
          description: `Bytes written per second, and each stream's write limit: shards × ${SHARD_LIMIT_TEXT.writeBytes}. ${shardsFrom}`,
        },
        {
          kind: 'timeseries',
          title: 'Write Records vs Limit',
          signals: [
            { ...s.incomingRecords, perSecond: true },
            { ...s.incomingRecords, limitOf: 'writeRecords', legend: 'limit' },
          ],
          description: `Records written per second, and each stream's write limit: shards × ${SHARD_LIMIT_TEXT.writeRecords}. ${shardsFrom}`,
        },
        {
          kind: 'timeseries',
          title: 'Read Throughput vs Limit',
          signals: [
            { ...s.getRecordsBytes, perSecond: true },
            { ...s.getRecordsBytes, limitOf: 'readBytes', legend: 'limit' },
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
            { ...utilisation.writeBytes, legend: 'bytes' },
            { ...utilisation.writeRecords, legend: 'records' },
          ],
          description: `Bytes and records written per second, each as a fraction of the stream's write limit (shards × ${SHARD_LIMIT_TEXT.writeBytes}, shards × ${SHARD_LIMIT_TEXT.writeRecords}); writes past 100% are throttled. ${shardsFrom}`,
          threshold: 1,
        },
        {
          kind: 'timeseries',
          title: 'Read Utilisation',
          signals: [utilisation.readBytes],
          description: `Bytes read per second by GetRecords as a fraction of the stream's read limit (shards × ${SHARD_LIMIT_TEXT.readBytes}). ${shardsFrom}`,
          threshold: 1,
        },
        {
          kind: 'timeseries',
          title: 'Iterator Age vs Retention',
          signals: [s.iteratorAgeMax],
          description:
            `How far the slowest GetRecords consumer lags behind. The red line is half the retention period (${retentionHours} h, capacity.retentionHours): ` +
            'past it, unread records are at risk of expiring before they are read.',
          threshold: iteratorAgeLimitMs(retentionHours),
        },
      ],
    },
  ];
}
