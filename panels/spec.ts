import '../src/zod-config.ts';
import * as z from 'zod/mini';
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
  statistic: z.optional(Statistic),
  /** Series name prefix when a panel draws several signals. */
  legend: z.optional(z.string()),
  /** Divide by this metric of the same streams: the signal as a fraction of it (e.g. failed of all records sent). */
  ratioTo: z.optional(z.strictObject({ metric: z.string(), statistic: z.optional(Statistic) })),
  /** Per second instead of per CloudWatch period (a Sum ÷ the period's seconds). */
  perSecond: z.optional(z.boolean()),
  /** The per-second rate as a fraction of the stream's capacity for this limit (shards × limit). */
  utilisationOf: z.optional(ShardLimitName),
  /** Instead of the metric: the stream's capacity for this limit (shards × limit per second), for each stream that has the metric. */
  limitOf: z.optional(ShardLimitName),
});

export const PanelSpec = z.strictObject({
  kind: z.enum(['stat', 'timeseries']),
  title: z.string().check(z.minLength(1)),
  signals: z.array(SignalSpec).check(z.minLength(1)),
  /** How the selected streams combine in a stat (time series draw one series per stream); absent: avg (acrossOf, panels/defaults.ts). */
  across: z.optional(z.enum(['sum', 'avg', 'max'])),
  /** Replaces the catalog's description when the panel draws several signals. */
  description: z.optional(z.string()),
  /** Only the n highest series (shard panels: the hottest shards). */
  top: z.optional(z.int().check(z.positive())),
  /** A red line at this value, in the panel's unit: the limit the series are judged against. */
  threshold: z.optional(z.number().check(z.positive())),
});

export const RowSpec = z.strictObject({
  /** No title: panels above the first row, as Grafana draws them (or more panels under the row above). */
  title: z.optional(z.string()),
  height: z.int().check(z.positive()),
  panels: z.array(PanelSpec).check(z.minLength(1), z.maxLength(24)),
});

export type SignalSpec = z.infer<typeof SignalSpec>;
export type PanelSpec = z.infer<typeof PanelSpec>;
export type RowSpec = z.infer<typeof RowSpec>;
