import { describe, expect, it } from 'vitest';
import { catalog, metric } from '../src/catalog/index.ts';
import { Catalog, MetricEntry } from '../src/catalog/schema.ts';
import { metrics } from '../src/catalog/metrics.ts';

describe('catalog', () => {
  it('holds every metric of the AWS/Kinesis reference, once', () => {
    const ids = [...catalog().keys()];
    expect(new Set(ids).size).toBe(ids.length);
    const stream = [
      'GetRecords.Bytes', 'GetRecords.IteratorAgeMilliseconds', 'GetRecords.Latency', 'GetRecords.Records', 'GetRecords.Success',
      'IncomingBytes', 'IncomingRecords', 'PutRecord.Bytes', 'PutRecord.Latency', 'PutRecord.Success', 'PutRecords.Bytes',
      'PutRecords.Latency', 'PutRecords.Records', 'PutRecords.Success', 'PutRecords.TotalRecords', 'PutRecords.SuccessfulRecords',
      'PutRecords.FailedRecords', 'PutRecords.ThrottledRecords', 'ReadProvisionedThroughputExceeded', 'WriteProvisionedThroughputExceeded',
    ];
    const consumer = ['SubscribeToShard.RateExceeded', 'SubscribeToShard.Success', 'SubscribeToShardEvent.Bytes',
      'SubscribeToShardEvent.Records', 'SubscribeToShardEvent.MillisBehindLatest', 'SubscribeToShardEvent.Success'];
    const shard = ['IncomingBytes', 'IncomingRecords', 'OutgoingBytes', 'OutgoingRecords', 'IteratorAgeMilliseconds',
      'ReadProvisionedThroughputExceeded', 'WriteProvisionedThroughputExceeded'].map((n) => `Shard.${n}`);
    expect(ids.sort()).toEqual([...stream, ...consumer, ...shard].sort());
    for (const id of stream) expect(metric(id).level).toBe('stream');
    for (const id of consumer) expect(metric(id).dimensions).toEqual(['StreamName', 'ConsumerName']);
    for (const id of shard) expect(metric(id).dimensions).toEqual(['StreamName', 'ShardId']);
  });

  // The seed's ten metrics with the statistics its panels use.
  it.each([
    ['IncomingBytes', 'Sum', 'Bytes'],
    ['PutRecord.Latency', 'Average', 'Milliseconds'],
    ['PutRecords.Latency', 'Average', 'Milliseconds'],
    ['GetRecords.Latency', 'Average', 'Milliseconds'],
    ['GetRecords.IteratorAgeMilliseconds', 'Average', 'Milliseconds'],
    ['IncomingRecords', 'Sum', 'Count'],
    ['GetRecords.Records', 'Sum', 'Count'],
    ['GetRecords.Bytes', 'Sum', 'Bytes'],
    ['WriteProvisionedThroughputExceeded', 'Average', 'Count'],
    ['ReadProvisionedThroughputExceeded', 'Average', 'Count'],
  ] as const)('has the seed metric %s with statistic %s', (id, statistic, unit) => {
    const m = metric(id);
    expect(m.statistics).toContain(statistic);
    expect(m.defaultStatistic).toBe(statistic);
    expect(m.unit).toBe(unit);
  });

  it('marks throttling and success metrics as fractions when averaged', () => {
    const fractions = [...catalog().values()].filter((m) => m.averageIsFraction).map((m) => m.id);
    expect(fractions).toContain('WriteProvisionedThroughputExceeded');
    expect(fractions).toContain('ReadProvisionedThroughputExceeded');
    expect(fractions).toContain('PutRecord.Success');
    expect(fractions).not.toContain('IncomingBytes');
  });

  it('describes Kinesis Data Streams, not Firehose', () => {
    for (const m of catalog().values()) expect(m.description).not.toMatch(/delivery stream/i);
  });

  // A run uses the entries as written (src/catalog/index.ts): this is where they are checked.
  it('has entries that pass the schema unchanged', () => {
    const r = Catalog.safeParse(metrics);
    expect(r.error?.issues ?? []).toEqual([]);
    expect(r.data).toEqual(metrics);
  });

  const good = metrics.find((m) => m.id === 'IncomingBytes')!;
  it.each([
    ['a default statistic the metric lacks', { ...good, defaultStatistic: 'Maximum', statistics: ['Sum'] }, 'defaultStatistic'],
    ['dimensions that do not match the level', { ...good, level: 'shard' }, 'dimensions'],
    ['a Firehose description', { ...good, description: 'Bytes ingested into the delivery stream over the period.' }, 'description'],
    ['an unknown unit', { ...good, unit: 'Bits' }, 'unit'],
    ['an unknown key', { ...good, colour: 'red' }, ''],
  ])('rejects an entry with %s', (_name, entry, path) => {
    const r = MetricEntry.safeParse(entry);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('rejects duplicate ids', () => {
    const r = Catalog.safeParse([good, good]);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual([1, 'id']);
  });
});
