import '../zod-config.ts';
import * as z from 'zod/mini';

/** CloudWatch statistics, spelled as CloudWatch spells them. */
export const Statistic = z.enum(['Minimum', 'Maximum', 'Average', 'Sum', 'SampleCount']);
export type Statistic = z.infer<typeof Statistic>;

/** CloudWatch units used by AWS/Kinesis. */
export const Unit = z.enum(['Bytes', 'Milliseconds', 'Count']);
export type Unit = z.infer<typeof Unit>;

/** Where a metric is published: per stream, per shard (enhanced monitoring), per enhanced fan-out consumer. */
export const Level = z.enum(['stream', 'shard', 'consumer']);
export type Level = z.infer<typeof Level>;

export const Dimension = z.enum(['StreamName', 'ShardId', 'ConsumerName']);
export type Dimension = z.infer<typeof Dimension>;

const dimensionsByLevel: Record<Level, readonly Dimension[]> = {
  stream: ['StreamName'],
  shard: ['StreamName', 'ShardId'],
  consumer: ['StreamName', 'ConsumerName'],
};

export const MetricEntry = z
  .strictObject({
    /** Catalog key: the CloudWatch name, prefixed `Shard.` for the enhanced shard-level twin of a stream metric. */
    id: z.string().check(z.regex(/^[A-Za-z.]+$/)),
    namespace: z.literal('AWS/Kinesis'),
    /** Metric name exactly as CloudWatch publishes it. */
    metricName: z.string().check(z.regex(/^[A-Z][A-Za-z]*(\.[A-Z][A-Za-z]*)?$/, 'a CloudWatch metric name such as "GetRecords.Bytes"')),
    unit: Unit,
    statistics: z.array(Statistic).check(z.minLength(1)),
    defaultStatistic: Statistic,
    level: Level,
    dimensions: z.array(Dimension).check(z.minLength(1)),
    /**
     * True when the metric counts 1 per successful (or throttled) call or record and 0 otherwise,
     * so its Average is a fraction between 0 and 1 and is shown as a percent. Absent: false.
     */
    averageIsFraction: z.optional(z.boolean()),
    description: z.string().check(
      z.minLength(20),
      z.maxLength(300),
      z.refine((d) => !/delivery stream/i.test(d), {
        message: 'describe Kinesis Data Streams, not Firehose ("delivery stream")',
      }),
    ),
  })
  .check(
    z.superRefine((m, ctx) => {
      if (!m.statistics.includes(m.defaultStatistic)) {
        ctx.addIssue({ code: 'custom', path: ['defaultStatistic'], message: `must be one of the entry's statistics (${m.statistics.join(', ')})` });
      }
      const expected = dimensionsByLevel[m.level];
      if (m.dimensions.join(',') !== expected.join(',')) {
        ctx.addIssue({ code: 'custom', path: ['dimensions'], message: `a ${m.level}-level metric has dimensions ${expected.join(', ')}` });
      }
      const expectedId = m.level === 'shard' ? `Shard.${m.metricName}` : m.metricName;
      if (m.id !== expectedId) {
        ctx.addIssue({ code: 'custom', path: ['id'], message: `must be "${expectedId}"` });
      }
    }),
  );
export type MetricEntry = z.infer<typeof MetricEntry>;

export const Catalog = z.array(MetricEntry).check(
  z.superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((e, i) => {
      if (seen.has(e.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id "${e.id}"` });
      seen.add(e.id);
    });
  }),
);
