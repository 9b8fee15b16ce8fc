import { capacityRows } from './capacity.ts';
import { fanOutRows } from './fan-out.ts';
import { kinesisRows } from './kinesis.ts';
import { recordOutcomeRows } from './record-outcomes.ts';
import { shardRows } from './shards.ts';
import type { RowSpec } from './spec.ts';
import { successRateRows } from './success-rates.ts';

/**
 * Every row set, named as the config's `rows` switches them on (`seed` is always there, `capacity` comes
 * with the config's `capacity`), in the order a dashboard shows them. Sets that take a setting are functions.
 */
export const rowSets: {
  readonly seed: readonly RowSpec[];
  readonly successRates: readonly RowSpec[];
  readonly recordOutcomes: readonly RowSpec[];
  readonly fanOut: readonly RowSpec[];
  /** The `top` hottest shards (default 10). */
  readonly shards: (top?: number) => RowSpec[];
  /** Capacity against the per-shard limits, iterator age against this retention (default 24 h). */
  readonly capacity: (retentionHours?: number) => RowSpec[];
} = {
  seed: kinesisRows,
  successRates: successRateRows,
  recordOutcomes: recordOutcomeRows,
  fanOut: fanOutRows,
  shards: shardRows,
  capacity: capacityRows,
};
