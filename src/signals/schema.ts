import '../zod-config.ts';
import * as z from 'zod/mini';
import { SHARD_LIMITS, type ShardLimit } from '../capacity.ts';
import { Statistic } from '../catalog/schema.ts';

// What a signal is, as zod schemas. The signals are code, not input: test/signals.test.ts checks each
// against these schemas and the catalog, so a run builds neither the schemas nor parses the signals.

/** How the selected streams combine into one value: sums add; averages and ages (the worst counts) do not. */
export const Across = z.enum(['sum', 'avg', 'max']);
export type Across = z.infer<typeof Across>;

/** A signal: a catalog metric, the statistic it is read with, and how streams combine. */
export const Signal = z.strictObject({
  /** Catalog id, e.g. "IncomingBytes". */
  metric: z.string(),
  statistic: Statistic,
  across: Across,
});
export type Signal = z.infer<typeof Signal>;

/** A per-shard limit by name (src/capacity.ts holds the numbers). */
export const ShardLimitName = z.enum(Object.keys(SHARD_LIMITS) as [ShardLimit, ...ShardLimit[]]);

/** How a signal may be derived: a rate, a utilisation, a limit line (a ratio is `ratioTo`, another signal). */
export const derivations = {
  /** Per second instead of per CloudWatch period (a Sum ÷ the period's seconds). */
  perSecond: z.optional(z.boolean()),
  /** The per-second rate as a fraction of the stream's capacity for this limit (shards × limit). */
  utilisationOf: z.optional(ShardLimitName),
  /** Instead of the signal: the stream's capacity for this limit (shards × limit per second), for each stream that has the metric. */
  limitOf: z.optional(ShardLimitName),
};

/** A signal as it is drawn or judged: as it is, or derived (a ratio, a rate, a utilisation, a limit line). */
export const SignalReading = z.strictObject({
  ...Signal.shape,
  /** Divided by this signal of the same streams: a fraction of it (e.g. failed of all records sent). */
  ratioTo: z.optional(Signal),
  ...derivations,
});
export type SignalReading = z.infer<typeof SignalReading>;

/**
 * A signal as a panel spec may write it (the library's users too): the statistic defaults to the catalog's,
 * the streams to their mean (`completeReading`, src/signals/index.ts).
 */
export const SignalAsWritten = z.strictObject({
  metric: z.string(),
  statistic: z.optional(Statistic),
  across: z.optional(Across),
  ratioTo: z.optional(z.strictObject({ metric: z.string(), statistic: z.optional(Statistic), across: z.optional(Across) })),
  ...derivations,
});
export type SignalAsWritten = z.infer<typeof SignalAsWritten>;
