import { describe, expect, it } from 'vitest';
import { getProfile, getPromqlProfile, profileNames, prometheusProfileNames, ProfileError, type QuerySpec } from '../src/profiles/index.ts';
import { lowerCase, snakeCase } from '../src/profiles/naming.ts';

const series = (metric: string, statistic: QuerySpec['statistic']): QuerySpec => ({ metric, statistic, groupBy: 'stream', across: 'avg', window: 'series' });
const expr = (profile: string, spec: QuerySpec) => (getProfile(profile).targets(spec, 'A')[0]!.build() as unknown as { expr: string }).expr;

describe('naming', () => {
  // The reference's name table, entry for entry.
  it.each([
    ['GetRecords.Bytes', 'get_records_bytes', 'getrecords_bytes'],
    ['GetRecords.IteratorAgeMilliseconds', 'get_records_iterator_age_milliseconds', 'getrecords_iteratoragemilliseconds'],
    ['GetRecords.Latency', 'get_records_latency', 'getrecords_latency'],
    ['GetRecords.Records', 'get_records_records', 'getrecords_records'],
    ['GetRecords.Success', 'get_records_success', 'getrecords_success'],
    ['IncomingBytes', 'incoming_bytes', 'incomingbytes'],
    ['IncomingRecords', 'incoming_records', 'incomingrecords'],
    ['PutRecord.Latency', 'put_record_latency', 'putrecord_latency'],
    ['PutRecords.Latency', 'put_records_latency', 'putrecords_latency'],
    ['PutRecords.TotalRecords', 'put_records_total_records', 'putrecords_totalrecords'],
    ['ReadProvisionedThroughputExceeded', 'read_provisioned_throughput_exceeded', 'readprovisionedthroughputexceeded'],
    ['SubscribeToShardEvent.MillisBehindLatest', 'subscribe_to_shard_event_millis_behind_latest', 'subscribetoshardevent_millisbehindlatest'],
  ])('%s → %s / %s', (cw, snake, lower) => {
    expect(snakeCase(cw)).toBe(snake);
    expect(lowerCase(cw)).toBe(lower);
  });
});

describe('profiles', () => {
  it('offers the three Prometheus profiles, cloudwatch-exporter first, then the native CloudWatch one', () => {
    expect(profileNames()).toEqual(['cloudwatch-exporter', 'yace', 'logzio-metric-streams', 'cloudwatch']);
    expect(prometheusProfileNames()).toEqual(['cloudwatch-exporter', 'yace', 'logzio-metric-streams']);
  });

  it.each([
    ['cloudwatch-exporter', 'stream_name', undefined, undefined],
    ['yace', 'dimension_StreamName', 'region', 'account_id'],
    ['logzio-metric-streams', 'streamname', 'region', 'account'],
  ])('%s labels streams %s, regions %s, accounts %s', (name, stream, region, account) => {
    const p = getProfile(name);
    expect(p.labels.stream).toBe(stream);
    expect(p.labels.region).toBe(region);
    expect(p.labels.account).toBe(account);
    const vars = p.variables().map((v) => v.build().name);
    expect(vars).toEqual(['datasource', ...(region ? ['region'] : []), ...(account ? ['account'] : []), 'stream']);
  });

  it.each([
    ['cloudwatch-exporter', 'IncomingBytes', 'Sum', ['aws_kinesis_incoming_bytes_sum']],
    ['cloudwatch-exporter', 'GetRecords.IteratorAgeMilliseconds', 'Average', ['aws_kinesis_get_records_iterator_age_milliseconds_average']],
    ['cloudwatch-exporter', 'IncomingRecords', 'SampleCount', ['aws_kinesis_incoming_records_sample_count']],
    ['yace', 'PutRecord.Latency', 'Maximum', ['aws_kinesis_put_record_latency_maximum']],
    ['logzio-metric-streams', 'IncomingBytes', 'Sum', ['aws_kinesis_incomingbytes_sum']],
    ['logzio-metric-streams', 'GetRecords.IteratorAgeMilliseconds', 'Maximum', ['aws_kinesis_getrecords_iteratoragemilliseconds_max']],
    ['logzio-metric-streams', 'PutRecord.Latency', 'Average', ['aws_kinesis_putrecord_latency_sum', 'aws_kinesis_putrecord_latency_count']],
    ['logzio-metric-streams', 'IncomingRecords', 'SampleCount', ['aws_kinesis_incomingrecords_count']],
  ] as const)('%s reads %s %s from %j', (profile, metric, statistic, names) => {
    expect(getProfile(profile).seriesNames(metric, statistic)).toEqual(names);
  });

  it('filters every query by every variable of the profile', () => {
    expect(expr('cloudwatch-exporter', series('IncomingBytes', 'Sum'))).toBe('sum by (stream_name) (aws_kinesis_incoming_bytes_sum{stream_name=~"$stream", shard_id="", consumer_name=""})');
    expect(expr('yace', series('IncomingBytes', 'Sum'))).toBe(
      'sum by (dimension_StreamName, region, account_id) (aws_kinesis_incoming_bytes_sum{dimension_StreamName=~"$stream", region=~"$region", account_id=~"$account", dimension_ShardId="", dimension_ConsumerName=""})',
    );
  });

  it('computes a metric-streams Average as sum / count, weighted across streams', () => {
    const spec: QuerySpec = { metric: 'PutRecord.Latency', statistic: 'Average', groupBy: 'total', across: 'avg', window: 'range' };
    const sel = 'streamname=~"$stream", region=~"$region", account=~"$account", shardid="", consumername=""';
    expect(expr('logzio-metric-streams', spec)).toBe(
      `sum(sum_over_time(aws_kinesis_putrecord_latency_sum{${sel}}[$__range])) / sum(sum_over_time(aws_kinesis_putrecord_latency_count{${sel}}[$__range]))`,
    );
    expect(expr('logzio-metric-streams', series('PutRecord.Latency', 'Average'))).toBe(
      `sum by (streamname, region, account) (aws_kinesis_putrecord_latency_sum{${sel}}) / sum by (streamname, region, account) (aws_kinesis_putrecord_latency_count{${sel}})`,
    );
  });

  it('keeps ages from adding: the max across streams of each stream\'s mean', () => {
    const spec: QuerySpec = { metric: 'GetRecords.IteratorAgeMilliseconds', statistic: 'Average', groupBy: 'total', across: 'max', window: 'range' };
    expect(expr('cloudwatch-exporter', spec)).toBe(
      'max(avg by (stream_name) (avg_over_time(aws_kinesis_get_records_iterator_age_milliseconds_average{stream_name=~"$stream", shard_id="", consumer_name=""}[$__range])))',
    );
  });

  it("takes metric streams' maximum with or without region and account: bare series are located by their count series", () => {
    const age = series('GetRecords.IteratorAgeMilliseconds', 'Maximum');
    const name = 'aws_kinesis_getrecords_iteratoragemilliseconds';
    const dims = 'shardid="", consumername=""';
    expect(expr('logzio-metric-streams', age)).toBe(
      `max by (streamname, region, account) (${name}_max{streamname=~"$stream", region=~"$region", account=~"$account", ${dims}, region!=""}) or ` +
        `(max by (streamname) (${name}_max{streamname=~"$stream", ${dims}, region=""}) * on(streamname) group_right() ` +
        `group by (streamname, region, account) (${name}_count{streamname=~"$stream", region=~"$region", account=~"$account", ${dims}}))`,
    );
    // Outside Grafana (alert rules) the same join gives the alert its region and account.
    const plain = getPromqlProfile('logzio-metric-streams', { periodSeconds: 60, variables: false }).expr(age);
    expect(plain).toBe(
      `max by (streamname, region, account) (${name}_max{${dims}, region!=""}) or (max by (streamname) (${name}_max{${dims}, region=""}) * on(streamname) group_right() group by (streamname, region, account) (${name}_count{${dims}}))`,
    );
    // A reduction over the range reads every series over the range, and combines the joined groups.
    const stat: QuerySpec = { ...age, groupBy: 'total', across: 'max', window: 'range' };
    expect(expr('logzio-metric-streams', stat)).toMatch(/^max\(max by \(streamname, region, account\) \(max_over_time\(.*\[\$__range\]\)\) or \(.*group by \(streamname, region, account\) \(max_over_time\(aws_kinesis_getrecords_iteratoragemilliseconds_count\{.*\}\[\$__range\]\)\)\)\)$/);
    // Only there, and only for a maximum; its panels say what cannot be exact.
    expect(expr('yace', age)).not.toContain('group_right');
    expect(expr('logzio-metric-streams', series('GetRecords.IteratorAgeMilliseconds', 'Minimum'))).not.toContain('group_right');
    expect(getProfile('logzio-metric-streams').caveat!(age)).toMatch(/several regions or accounts shows the highest/);
    expect(getProfile('logzio-metric-streams').caveat!(series('GetRecords.IteratorAgeMilliseconds', 'Average'))).toBeUndefined();
    expect(getProfile('yace').caveat!(age)).toBeUndefined();
  });

  it('refuses what it cannot express, with a clear error', () => {
    expect(() => expr('cloudwatch-exporter', series('GetRecords.Latency', 'Sum'))).toThrow(ProfileError);
    expect(() => expr('cloudwatch-exporter', series('GetRecords.Latency', 'Sum'))).toThrow(/GetRecords.Latency has no Sum statistic/);
    expect(() => expr('yace', { ...series('PutRecord.Latency', 'Average'), groupBy: 'total', across: 'sum' })).toThrow(/cannot be summed/);
    expect(() => getProfile('nope')).toThrow(/use one of cloudwatch-exporter, yace, logzio-metric-streams/);
  });
});
