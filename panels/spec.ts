import { z } from 'zod';
import { SHARD_LIMITS, type ShardLimit } from '../src/capacity.ts';
import { Statistic } from '../src/catalog/schema.ts';

// A dashboard described as data: rows of panels, each panel a list of catalog signals.
// Units, descriptions and queries are derived from the catalog and the profile; nothing here names a series.
// The rows are code, not input: test/panels/rows.test.ts checks every row set against these schemas,
// so a run builds neither the schemas nor parses the rows (no defaults here: a row as written is a row as parsed).

/** A per-shard limit by name (src/capacity.ts holds the numbers). */
export const ShardLimitName = z.enum(Object.keys(SHARD_LIMITS) as [ShardLimit, ...ShardLimit[]]);

export const SignalSpec = z.strictObject({
  metric: z.string(),
  /** Defaults to the catalog's default statistic. */
  statistic: Statistic.optional(),
  /** Series name prefix when a panel draws several signals. */
  legend: z.string().optional(),
  /** Divide by this metric of the same streams: the signal as a fraction of it (e.g. failed of all records sent). */
  ratioTo: z.strictObject({ metric: z.string(), statistic: Statistic.optional() }).optional(),
  /** Per second instead of per CloudWatch period (a Sum ÷ the period's seconds). */
  perSecond: z.boolean().optional(),
  /** The per-second rate as a fraction of the stream's capacity for this limit (shards × limit). */
  utilisationOf: ShardLimitName.optional(),
  /** Instead of the metric: the stream's capacity for this limit (shards × limit per second), for each stream that has the metric. */
  limitOf: ShardLimitName.optional(),
});

export const PanelSpec = z.strictObject({
  kind: z.enum(['stat', 'timeseries']),
  title: z.string().min(1),
  signals: z.array(SignalSpec).min(1),
  /** How the selected streams combine in a stat (time series draw one series per stream); absent: avg (acrossOf, panels/defaults.ts). */
  across: z.enum(['sum', 'avg', 'max']).optional(),
  /** Replaces the catalog's description when the panel draws several signals. */
  description: z.string().optional(),
  /** Only the n highest series (shard panels: the hottest shards). */
  top: z.number().int().positive().optional(),
  /** A red line at this value, in the panel's unit: the limit the series are judged against. */
  threshold: z.number().positive().optional(),
});

export const RowSpec = z.strictObject({
  /** No title: panels above the first row, as Grafana draws them (or more panels under the row above). */
  title: z.string().optional(),
  height: z.number().int().positive(),
  panels: z.array(PanelSpec).min(1).max(24),
});

export type SignalSpec = z.infer<typeof SignalSpec>;
export type PanelSpec = z.infer<typeof PanelSpec>;
export type RowSpec = z.infer<typeof RowSpec>;
