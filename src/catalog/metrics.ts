import type { MetricEntry, Statistic } from './schema.ts';

// The AWS/Kinesis CloudWatch metrics, one entry each, as plain data.
// Source: the Kinesis Data Streams developer guide, "Monitoring the Amazon Kinesis Data Streams Service
// with Amazon CloudWatch" (https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html);
// descriptions are our own words.

const ALL5: Statistic[] = ['Minimum', 'Maximum', 'Average', 'Sum', 'SampleCount'];
const TIMING: Statistic[] = ['Minimum', 'Maximum', 'Average'];
const AGE: Statistic[] = ['Minimum', 'Maximum', 'Average', 'SampleCount'];
const SUCCESS: Statistic[] = ['Average', 'Sum', 'SampleCount'];

type Placement = Pick<MetricEntry, 'namespace' | 'level' | 'dimensions'>;
const stream = { namespace: 'AWS/Kinesis', level: 'stream', dimensions: ['StreamName'] } satisfies Placement;
const shard = { namespace: 'AWS/Kinesis', level: 'shard', dimensions: ['StreamName', 'ShardId'] } satisfies Placement;
const consumer = { namespace: 'AWS/Kinesis', level: 'consumer', dimensions: ['StreamName', 'ConsumerName'] } satisfies Placement;

export const metrics: MetricEntry[] = [
  // Stream level: reads (GetRecords)
  { ...stream, id: 'GetRecords.Bytes', metricName: 'GetRecords.Bytes', unit: 'Bytes', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Bytes returned by GetRecords calls on the stream during the period.' },
  { ...stream, id: 'GetRecords.IteratorAgeMilliseconds', metricName: 'GetRecords.IteratorAgeMilliseconds', unit: 'Milliseconds', statistics: AGE, defaultStatistic: 'Average',
    description: 'Age of the last record returned by GetRecords calls: how far consumers lag behind the newest data in the stream (0 means caught up).' },
  { ...stream, id: 'GetRecords.Latency', metricName: 'GetRecords.Latency', unit: 'Milliseconds', statistics: TIMING, defaultStatistic: 'Average',
    description: 'Time each GetRecords call took, measured by Kinesis.' },
  { ...stream, id: 'GetRecords.Records', metricName: 'GetRecords.Records', unit: 'Count', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Records returned by GetRecords calls on the stream during the period.' },
  { ...stream, id: 'GetRecords.Success', metricName: 'GetRecords.Success', unit: 'Count', statistics: SUCCESS, defaultStatistic: 'Average', averageIsFraction: true,
    description: 'Successful GetRecords calls; its Average is the fraction of GetRecords calls that succeeded.' },

  // Stream level: writes (PutRecord / PutRecords)
  { ...stream, id: 'IncomingBytes', metricName: 'IncomingBytes', unit: 'Bytes', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Bytes successfully written to the stream by PutRecord and PutRecords during the period; throttled writes are not counted.' },
  { ...stream, id: 'IncomingRecords', metricName: 'IncomingRecords', unit: 'Count', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Records successfully written to the stream by PutRecord and PutRecords during the period; throttled records are not counted.' },
  { ...stream, id: 'PutRecord.Bytes', metricName: 'PutRecord.Bytes', unit: 'Bytes', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Bytes written to the stream by PutRecord calls during the period.' },
  { ...stream, id: 'PutRecord.Latency', metricName: 'PutRecord.Latency', unit: 'Milliseconds', statistics: TIMING, defaultStatistic: 'Average',
    description: 'Time each PutRecord call took, measured by Kinesis.' },
  { ...stream, id: 'PutRecord.Success', metricName: 'PutRecord.Success', unit: 'Count', statistics: SUCCESS, defaultStatistic: 'Average', averageIsFraction: true,
    description: 'Successful PutRecord calls; its Average is the fraction of PutRecord calls that succeeded.' },
  { ...stream, id: 'PutRecords.Bytes', metricName: 'PutRecords.Bytes', unit: 'Bytes', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Bytes written to the stream by PutRecords calls during the period.' },
  { ...stream, id: 'PutRecords.Latency', metricName: 'PutRecords.Latency', unit: 'Milliseconds', statistics: TIMING, defaultStatistic: 'Average',
    description: 'Time each PutRecords (batch) call took, measured by Kinesis.' },
  { ...stream, id: 'PutRecords.Records', metricName: 'PutRecords.Records', unit: 'Count', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Records written successfully by PutRecords calls (deprecated by AWS: prefer PutRecords.SuccessfulRecords).' },
  { ...stream, id: 'PutRecords.Success', metricName: 'PutRecords.Success', unit: 'Count', statistics: SUCCESS, defaultStatistic: 'Average', averageIsFraction: true,
    description: 'PutRecords calls in which at least one record was written; its Average is the fraction of such calls.' },
  { ...stream, id: 'PutRecords.TotalRecords', metricName: 'PutRecords.TotalRecords', unit: 'Count', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'All records sent in PutRecords calls, whether they were written, throttled or failed.' },
  { ...stream, id: 'PutRecords.SuccessfulRecords', metricName: 'PutRecords.SuccessfulRecords', unit: 'Count', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Records sent in PutRecords calls that were written to the stream.' },
  { ...stream, id: 'PutRecords.FailedRecords', metricName: 'PutRecords.FailedRecords', unit: 'Count', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Records sent in PutRecords calls that were rejected by an internal Kinesis failure.' },
  { ...stream, id: 'PutRecords.ThrottledRecords', metricName: 'PutRecords.ThrottledRecords', unit: 'Count', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Records sent in PutRecords calls that were rejected because the stream was over its write throughput.' },

  // Stream level: throttling
  { ...stream, id: 'ReadProvisionedThroughputExceeded', metricName: 'ReadProvisionedThroughputExceeded', unit: 'Count', statistics: ALL5, defaultStatistic: 'Average', averageIsFraction: true,
    description: 'GetRecords calls throttled because the stream was over its read throughput; its Average is the fraction of GetRecords calls throttled.' },
  { ...stream, id: 'WriteProvisionedThroughputExceeded', metricName: 'WriteProvisionedThroughputExceeded', unit: 'Count', statistics: ALL5, defaultStatistic: 'Average', averageIsFraction: true,
    description: 'Records rejected because the stream was over its write throughput; its Average is the fraction of records written with PutRecord or PutRecords that were throttled.' },

  // Enhanced fan-out consumers (SubscribeToShard)
  // AWS lists no unit or statistics for SubscribeToShard.RateExceeded / .Success; they are 0/1 counts like the other *.Success metrics.
  { ...consumer, id: 'SubscribeToShard.RateExceeded', metricName: 'SubscribeToShard.RateExceeded', unit: 'Count', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'SubscribeToShard calls refused because the consumer already had an active subscription on the shard or called too often.' },
  { ...consumer, id: 'SubscribeToShard.Success', metricName: 'SubscribeToShard.Success', unit: 'Count', statistics: SUCCESS, defaultStatistic: 'Average', averageIsFraction: true,
    description: 'SubscribeToShard subscriptions established; its Average is the fraction of subscription attempts that succeeded.' },
  { ...consumer, id: 'SubscribeToShardEvent.Bytes', metricName: 'SubscribeToShardEvent.Bytes', unit: 'Bytes', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Bytes pushed to the enhanced fan-out consumer by its shard subscriptions during the period.' },
  { ...consumer, id: 'SubscribeToShardEvent.Records', metricName: 'SubscribeToShardEvent.Records', unit: 'Count', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Records pushed to the enhanced fan-out consumer by its shard subscriptions during the period.' },
  { ...consumer, id: 'SubscribeToShardEvent.MillisBehindLatest', metricName: 'SubscribeToShardEvent.MillisBehindLatest', unit: 'Milliseconds', statistics: AGE, defaultStatistic: 'Average',
    description: 'How far the records pushed to the enhanced fan-out consumer lag behind the newest record in the shard.' },
  { ...consumer, id: 'SubscribeToShardEvent.Success', metricName: 'SubscribeToShardEvent.Success', unit: 'Count', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Events published successfully to the enhanced fan-out consumer while a subscription was active.' },

  // Enhanced shard-level metrics (only with enhanced monitoring enabled on the stream)
  { ...shard, id: 'Shard.IncomingBytes', metricName: 'IncomingBytes', unit: 'Bytes', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Bytes successfully written to the shard during the period.' },
  { ...shard, id: 'Shard.IncomingRecords', metricName: 'IncomingRecords', unit: 'Count', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Records successfully written to the shard during the period.' },
  { ...shard, id: 'Shard.OutgoingBytes', metricName: 'OutgoingBytes', unit: 'Bytes', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Bytes read from the shard during the period.' },
  { ...shard, id: 'Shard.OutgoingRecords', metricName: 'OutgoingRecords', unit: 'Count', statistics: ALL5, defaultStatistic: 'Sum',
    description: 'Records read from the shard during the period.' },
  { ...shard, id: 'Shard.IteratorAgeMilliseconds', metricName: 'IteratorAgeMilliseconds', unit: 'Milliseconds', statistics: AGE, defaultStatistic: 'Average',
    description: 'Age of the last record read from the shard by GetRecords: how far consumers of this shard lag behind.' },
  { ...shard, id: 'Shard.ReadProvisionedThroughputExceeded', metricName: 'ReadProvisionedThroughputExceeded', unit: 'Count', statistics: ALL5, defaultStatistic: 'Average', averageIsFraction: true,
    description: 'GetRecords calls on the shard throttled because it was over its read throughput.' },
  { ...shard, id: 'Shard.WriteProvisionedThroughputExceeded', metricName: 'WriteProvisionedThroughputExceeded', unit: 'Count', statistics: ALL5, defaultStatistic: 'Average', averageIsFraction: true,
    description: 'Records rejected by the shard because it was over its write throughput.' },
];
