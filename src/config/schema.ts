import { z } from 'zod';
import { CapacityOptions, DEFAULT_PERIOD_SECONDS, DEFAULT_TOP_SHARDS, PeriodSeconds, StreamName, TopShards } from '../capacity.ts';
import { profileNames } from '../profiles/index.ts';

/** Grafana's rule for dashboard uids. */
export const UID_PATTERN = /^[a-zA-Z0-9_-]{1,40}$/;

export const Uid = z
  .string()
  .regex(UID_PATTERN, 'a dashboard uid is 1 to 40 letters, digits, "-" or "_" (Grafana\'s rule)');

export const ProfileName = z.string().refine((p) => profileNames().includes(p), {
  message: `unknown profile: use one of ${profileNames().join(', ')}`,
});

/** Opt-in rows beyond the seed, built from the catalog; all off by default, so the seed stays the seed. */
export const RowOptions = z.strictObject({
  /** PutRecord, PutRecords and GetRecords success rates (their *.Success Average). */
  successRates: z.boolean().default(false),
  /** PutRecords records: successful, throttled and failed, each as a fraction of all records sent. */
  recordOutcomes: z.boolean().default(false),
  /** Enhanced fan-out consumers: bytes, records and lag pushed per consumer; SubscribeToShard rate exceeded. */
  fanOut: z.boolean().default(false),
  /** Shard-level metrics (enhanced monitoring must be on): the hottest shards; `{ "top": n }` sets how many (default 10). */
  shards: z
    .union([z.boolean(), z.strictObject({ top: TopShards })], {
      error: `true, false, or { "top": n } with n the number of hottest shards to draw (default ${DEFAULT_TOP_SHARDS})`,
    })
    .default(false),
});
export type RowOptions = z.infer<typeof RowOptions>;

export const Title = z.string().trim().min(1, 'a title cannot be empty').max(200);

/** Which streams a dashboard is about: exact names, or a regular expression over stream names. */
export const StreamFilter = z.union(
  [
    z.array(StreamName).min(1, 'name at least one stream, or leave "streams" out for all'),
    z
      .string()
      .min(1)
      .refine((r) => {
        try {
          new RegExp(r);
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression'),
  ],
  { error: 'a list of stream names, or a regular expression such as "^orders-.*"' },
);

/** What one dashboard is: everything `synth` needs. */
export const DashboardOptions = z.strictObject({
  profile: ProfileName.default('cloudwatch-exporter'),
  uid: Uid.default('aws-kinesis'),
  title: Title.default('Amazon Kinesis'),
  tags: z.array(z.string().min(1)).default([]),
  /** Only these streams (names, or a regex over names); all streams when absent. */
  streams: StreamFilter.optional(),
  rows: RowOptions.prefault({}),
  /** Limit lines and utilisation per stream, and iterator age against retention: a "Capacity" row when set. */
  capacity: CapacityOptions.optional(),
  /**
   * Seconds per CloudWatch period: what the exporter requests (cloudwatch_exporter, YACE and metric
   * streams: 60) and the cloudwatch profile's period for rates and stat values. Rates are the Sum ÷ this.
   */
  periodSeconds: PeriodSeconds.default(DEFAULT_PERIOD_SECONDS),
});
export type DashboardOptions = z.infer<typeof DashboardOptions>;
export type DashboardOptionsInput = z.input<typeof DashboardOptions>;
