import { DEFAULT_TOP_SHARDS, SHARD_LIMITS } from '../src/capacity.ts';
import { signals as s } from '../src/signals/index.ts';
import type { RowSpec } from './spec.ts';

/**
 * Shard-level metrics (published only with enhanced monitoring on): the hottest shards of the selected
 * streams. A stream can be far from its limit while one shard, hit by a hot partition key, is throttled.
 */
export function shardRows(top: number = DEFAULT_TOP_SHARDS): RowSpec[] {
  return [
    {
      title: 'Shards (enhanced monitoring)',
      height: 8,
      panels: [
        {
          kind: 'timeseries',
          title: 'Hottest Shards: Incoming Bytes',
          signals: [{ ...s.shardIncomingBytes, perSecond: true }],
          top,
          // The per-shard write limit applies to each series as drawn: a shard above the line is throttled.
          threshold: SHARD_LIMITS.writeBytes,
        },
        {
          kind: 'timeseries',
          title: 'Hottest Shards: Max Iterator Age',
          signals: [s.shardIteratorAgeMax],
          top,
        },
      ],
    },
  ];
}
