import './zod-config.ts';
import * as z from 'zod/mini';

// Kinesis Data Streams limits and the capacity settings built on them, in one module: the dashboard's
// capacity row draws these numbers, and the alert rules judge against the same ones.
// Source: the Kinesis Data Streams developer guide, "Quotas and limits"
// (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html) and "Troubleshooting
// Kinesis Data Streams consumers" (https://docs.aws.amazon.com/streams/latest/dev/troubleshooting-consumers.html).

export const MIB = 1024 * 1024;

/**
 * What one provisioned shard accepts, per second. Writes are counted on IncomingBytes / IncomingRecords
 * (successful writes only), reads on GetRecords.Bytes (shared-throughput consumers; each enhanced
 * fan-out consumer has its own 2 MiB/s per shard on top, not counted here).
 */
export const SHARD_LIMITS = {
  writeBytes: MIB,
  writeRecords: 1000,
  readBytes: 2 * MIB,
} as const;
export type ShardLimit = keyof typeof SHARD_LIMITS;

/** The limits as AWS states them, for descriptions and alert messages. */
export const SHARD_LIMIT_TEXT: Record<ShardLimit, string> = {
  writeBytes: '1 MiB/s per shard',
  writeRecords: '1,000 records/s per shard',
  readBytes: '2 MiB/s per shard',
};

/** Kinesis publishes its metrics once a minute: every exporter reads 60 s periods unless told otherwise. */
export const DEFAULT_PERIOD_SECONDS = 60;
export const MAX_PERIOD_SECONDS = 86_400;

/** A stream keeps data 24 h unless extended (up to 365 days). */
export const DEFAULT_RETENTION_HOURS = 24;
export const MAX_RETENTION_HOURS = 365 * 24;

/** Iterator age at which unread data nears expiry: AWS's usual alarm is half the retention period. */
export const ITERATOR_AGE_RETENTION_FRACTION = 0.5;

export function iteratorAgeLimitMs(retentionHours: number): number {
  return retentionHours * 3600 * 1000 * ITERATOR_AGE_RETENTION_FRACTION;
}

/** The dashboard variable holding the shard count when the config gives no per-stream map. */
export const SHARDS_VARIABLE = 'shards';

/** The most shards a stream is said to have: AWS's default quota is 500 or 200 per account and Region; raised quotas stay far below this. */
export const MAX_SHARDS = 100_000;
/** The most streams with a shard count in one dashboard's config. */
export const MAX_SHARD_STREAMS = 1000;

/** How many shards the shard-level row draws: the hottest ones. */
export const DEFAULT_TOP_SHARDS = 10;

// ---------------------------------------------------------------------------------------------
// Settings, as zod schemas: the config validates with them, and the types come from them.

/** AWS's rule for stream names; it also keeps names safe inside PromQL strings and CloudWatch queries. */
export const StreamName = z.string().check(z.regex(/^[a-zA-Z0-9_.-]{1,128}$/, 'a stream name is 1 to 128 letters, digits, "_", "." or "-" (AWS\'s rule)'));

export const PeriodSeconds = z
  .int('a whole number of seconds')
  .check(
    z.positive('a positive number of seconds'),
    z.refine((s) => s % 60 === 0, 'Kinesis metrics have 60 s resolution: use a multiple of 60 (60, 300, 3600)'),
    // A period is a sample of the panels: beyond a day, a week's dashboard would draw seven points.
    z.maximum(MAX_PERIOD_SECONDS, `at most ${MAX_PERIOD_SECONDS} seconds (a day)`),
  );

// zod/mini: a check without its own message takes the schema's (here the int's), so each check names its own.
export const TopShards = z.int('a whole number of shards').check(z.minimum(1, 'at least 1 shard'), z.maximum(100, 'at most 100 shards'));

export const CapacityOptions = z.strictObject({
  /**
   * Open shards per stream, e.g. { "orders": 4 }. Without it the dashboard offers a `shards` variable
   * that applies to every selected stream.
   */
  shards: z.optional(
    z.record(z.string(), z.int('a whole number of shards').check(z.minimum(1, 'a stream has at least one shard'), z.maximum(MAX_SHARDS, `at most ${MAX_SHARDS} shards (far above AWS's quotas)`))).check(
      z.superRefine((m, ctx) => {
        if (!Object.keys(m).length) ctx.addIssue({ code: 'custom', message: 'name at least one stream, or leave "shards" out to use the dashboard\'s shards variable' });
        // Each stream's count is written into the capacity queries: thousands would make every query that long.
        if (Object.keys(m).length > MAX_SHARD_STREAMS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_SHARD_STREAMS} streams; leave "shards" out for a fleet that large (the dashboard's shards variable)` });
        // Checked here rather than as the record's key schema: zod reports a bad key only as "Invalid key in record".
        for (const name of Object.keys(m)) {
          const r = StreamName.safeParse(name);
          if (!r.success) ctx.addIssue({ code: 'custom', path: [name], message: r.error.issues[0]!.message });
        }
      }),
    ),
  ),
  retentionHours: z._default(
    z.int('a whole number of hours').check(
      z.minimum(DEFAULT_RETENTION_HOURS, 'a stream keeps data at least 24 hours'),
      z.maximum(MAX_RETENTION_HOURS, 'a stream keeps data at most 8760 hours (365 days)'),
    ),
    DEFAULT_RETENTION_HOURS,
  ),
});
export type CapacityOptions = z.infer<typeof CapacityOptions>;
