import { describe, expect, it } from 'vitest';
import { getProfile, prometheusProfileNames } from '../../src/profiles/index.ts';
import { expectValidOpenMetrics } from './openmetrics.ts';
import { apportion, EXTENDED_METRICS, FIXED_WINDOW, HOT_RECORDS, HOT_WRITES, SHARD_METRICS, SHARD_TWINS, SYNTHETIC_METRICS, syntheticKinesis, type Source } from './synthetic.ts';

// The extended synthetic data (rows beyond the seed, capacity) checked against numbers worked out by
// hand, so the e2e proof (test/e2e/rows-prometheus.test.ts) compares Prometheus with the closed form.
// Sample i is at FIXED_WINDOW.start + 60 i; stepped series change at i = 120 (02:00); the e2e window holds 61..240.

const MIB = 1024 * 1024;
const at = (i: number) => FIXED_WINDOW.start + 60 * i;
const BEFORE = at(119);
const AFTER = at(120);
const data = syntheticKinesis('yace', { ...FIXED_WINDOW, extended: true });
const { truth } = data;
const stream = (name: string) => data.streams.find((s) => s.name === name)!;
const shardOf = (name: string, k: number): Source => ({ stream: name, part: stream(name).shards[k]!.name });
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('extended synthetic data: closed-form truths', () => {
  it('splits whole numbers over weights in whole numbers that add up', () => {
    expect(apportion(3_072_000 / 512, [11, 5])).toEqual([4125, 1875]);
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [5])).toEqual([7]);
  });

  it('hot-writes: 4 shards, writes at exactly 80% of 4 × 1 MiB/s, reads at exactly 80% of 4 × 2 MiB/s', () => {
    expect(stream(HOT_WRITES).shards).toHaveLength(4);
    const written = truth.value('IncomingBytes', 'Sum', HOT_WRITES, AFTER)!;
    expect(written).toBe(201_326_592);
    expect(written).toBe((4 * MIB * 60 * 4) / 5);
    expect(written / 60 / (4 * MIB)).toBeCloseTo(0.8, 15);
    expect(truth.value('GetRecords.Bytes', 'Sum', HOT_WRITES, AFTER)).toBe((4 * 2 * MIB * 60 * 4) / 5);
    // 49,152 records a minute: 20.48% of 4 × 1000/s.
    expect(truth.value('IncomingRecords', 'Sum', HOT_WRITES, AFTER)! / 60 / 4000).toBeCloseTo(0.2048, 15);
    // Its hottest shard takes 7/16: past the 1 MiB/s per-shard limit.
    expect(truth.value('Shard.IncomingBytes', 'Sum', shardOf(HOT_WRITES, 0), AFTER)! / 60).toBeCloseTo(1_468_006.4, 6);
  });

  it('hot-records: 2 shards, 96,000 records a minute written = 80% of 2 × 1000/s; outcomes of 102,400 attempted', () => {
    expect(stream(HOT_RECORDS).shards).toHaveLength(2);
    expect(truth.value('IncomingRecords', 'Sum', HOT_RECORDS, AFTER)).toBe(0.8 * 2 * 1000 * 60);
    expect(truth.value('WriteProvisionedThroughputExceeded', 'Average', HOT_RECORDS, AFTER)).toBe(1600 / 102_400);
    expect(truth.value('PutRecords.TotalRecords', 'Sum', HOT_RECORDS, AFTER)).toBe(96_000);
    expect(truth.value('PutRecords.SuccessfulRecords', 'Sum', HOT_RECORDS, AFTER)).toBe(89_700);
    expect(truth.value('PutRecords.ThrottledRecords', 'Sum', HOT_RECORDS, AFTER)).toBe(1500);
    expect(truth.value('PutRecords.FailedRecords', 'Sum', HOT_RECORDS, AFTER)).toBe(4800);
    expect(truth.value('PutRecord.Success', 'Average', HOT_RECORDS, AFTER)).toBe(6300 / 6400);
    expect(truth.value('PutRecords.Success', 'Average', HOT_RECORDS, AFTER)).toBe(184 / 192);
    expect(truth.value('GetRecords.Success', 'Average', HOT_RECORDS, AFTER)).toBe(0.9);
  });

  it('the seed streams: success rates and record outcomes follow their throttling', () => {
    expect(truth.value('PutRecord.Success', 'Average', 'Clicks-Stream', BEFORE)).toBe(0.75);
    expect(truth.value('PutRecords.ThrottledRecords', 'Sum', 'Clicks-Stream', BEFORE)).toBe(1800);
    expect(truth.value('PutRecords.ThrottledRecords', 'Sum', 'Clicks-Stream', AFTER)).toBe(3600);
    expect(truth.value('PutRecords.TotalRecords', 'Sum', 'Clicks-Stream', AFTER)).toBe(14_400);
    expect(truth.value('PutRecords.Success', 'Average', 'Clicks-Stream', AFTER)).toBe(1);
    expect(truth.value('GetRecords.Success', 'Average', 'audit.log', AFTER)).toBeCloseTo(0.9, 15);
    expect(truth.value('PutRecords.SuccessfulRecords', 'Sum', 'orders', AFTER)).toBe(4800);
  });

  it("throttling falls on the first shard: shards' fractions differ from the stream's, their counts add up to it", () => {
    const shard = (name: string, k: number): Source => ({ stream: name, part: stream(name).shards[k]!.name });
    // Clicks-Stream: 2000 of 8000 attempted records throttled, all on its first shard (4000 attempted).
    expect(truth.value('WriteProvisionedThroughputExceeded', 'Average', 'Clicks-Stream', BEFORE)).toBe(0.25);
    expect([0, 1, 2].map((k) => truth.value('Shard.WriteProvisionedThroughputExceeded', 'Average', shard('Clicks-Stream', k), BEFORE))).toEqual([0.5, 0, 0]);
    // orders: 6 of 300 GetRecords calls throttled (2%), all on its first shard (207 calls).
    expect(truth.value('ReadProvisionedThroughputExceeded', 'Average', 'orders', AFTER)).toBe(0.02);
    expect([0, 1].map((k) => truth.value('Shard.ReadProvisionedThroughputExceeded', 'Average', shard('orders', k), AFTER))).toEqual([6 / 207, 0]);
    for (const [m, name] of [['WriteProvisionedThroughputExceeded', 'Clicks-Stream'], ['ReadProvisionedThroughputExceeded', 'orders'], ['ReadProvisionedThroughputExceeded', HOT_RECORDS]] as const) {
      const parts = stream(name).shards.map((_, k) => truth.summary(`Shard.${m}`, shard(name, k), AFTER)!);
      const whole = truth.summary(m, name, AFTER)!;
      expect([sum(parts.map((x) => x.sum)), sum(parts.map((x) => x.count))], `${name} ${m}`).toEqual([whole.sum, whole.count]);
    }
  });

  it('with shardsPerStream, every stream has that many shards: a hot one with three shares, the others one each', () => {
    const two = syntheticKinesis('yace', { ...FIXED_WINDOW, enhanced: true, shardsPerStream: 2 });
    expect(two.streams.map((s) => s.shards.length)).toEqual([2, 2, 2, 2]);
    const part = (name: string, k: number): Source => ({ stream: name, part: two.streams.find((s) => s.name === name)!.shards[k]!.name });
    expect([0, 1].map((k) => two.truth.value('Shard.IncomingRecords', 'Sum', part('orders', k), AFTER))).toEqual([4500, 1500]);
    // audit.log: 10 of 100 GetRecords calls throttled, all on the hot shard's 75.
    expect([0, 1].map((k) => two.truth.value('Shard.ReadProvisionedThroughputExceeded', 'Average', part('audit.log', k), AFTER))).toEqual([10 / 75, 0]);
    expect(() => syntheticKinesis('yace', { ...FIXED_WINDOW, enhanced: true, shardsPerStream: 0 })).toThrow(/whole number above 0/);
  });

  it("each stream-level Sum is the sum of its shards' (the shard series are twins, not extra traffic)", () => {
    for (const s of data.streams) {
      expect(s.shards.length, s.name).toBeGreaterThan(0);
      for (const t of [at(0), BEFORE, AFTER, FIXED_WINDOW.end]) {
        for (const m of ['IncomingBytes', 'IncomingRecords']) {
          const shards = s.shards.map((x) => truth.value(`Shard.${m}`, 'Sum', { stream: s.name, part: x.name }, t)!);
          expect(sum(shards), `${s.name} ${m}`).toBe(truth.value(m, 'Sum', s.name, t));
        }
      }
    }
  });

  it('shard bytes a minute, before and after Clicks-Stream doubles', () => {
    const bytes = (name: string, t: number) => stream(name).shards.map((_, k) => truth.value('Shard.IncomingBytes', 'Sum', shardOf(name, k), t));
    expect(bytes('orders', AFTER)).toEqual([2_112_000, 960_000]);
    expect(bytes('Clicks-Stream', BEFORE)).toEqual([768_000, 576_000, 192_000]);
    expect(bytes('Clicks-Stream', AFTER)).toEqual([1_536_000, 1_152_000, 384_000]);
    expect(bytes(HOT_WRITES, AFTER)).toEqual([88_080_384, 50_331_648, 37_748_736, 25_165_824]);
    expect(bytes(HOT_RECORDS, AFTER)).toEqual([6_000_000, 3_600_000]);
    expect(bytes('audit.log', AFTER)).toEqual([1_228_800]);
    expect(bytes('audit-log', AFTER)).toEqual([6000]);
  });

  it('shard iterator ages (Maximum): the stream age + 500 ms, less 7 ms per shard in data order; a Clicks-Stream shard falls 1 s behind', () => {
    const age = (name: string, k: number, t: number) => truth.value('Shard.IteratorAgeMilliseconds', 'Maximum', shardOf(name, k), t);
    expect(age('Clicks-Stream', 0, BEFORE)).toBe(536);
    expect(age('Clicks-Stream', 0, AFTER)).toBe(1536);
    expect(age('audit.log', 0, at(61))).toBe(1465 + 61_000);
    expect(age('audit-log', 0, AFTER)).toBe(2458);
    expect(age(HOT_RECORDS, 1, AFTER)).toBe(716);
  });

  it('the 10 hottest of 13 shards change at the step, and no two shards are ever equal', () => {
    const all = data.streams.flatMap((s) => s.shards.map((x) => ({ stream: s.name, part: x.name })));
    expect(all).toHaveLength(13);
    const name = (x: { stream: string; part: string }) => `${x.stream}/${x.part.slice(-1)}`;
    const top10 = (metric: string, statistic: 'Sum' | 'Maximum', t: number) =>
      all
        .map((x) => ({ x, v: truth.value(metric, statistic, x, t)! }))
        .sort((a, b) => b.v - a.v)
        .slice(0, 10)
        .map(({ x }) => name(x))
        .sort();
    const diff = (a: string[], b: string[]) => [a.filter((x) => !b.includes(x)), b.filter((x) => !a.includes(x))];
    expect(diff(top10('Shard.IncomingBytes', 'Sum', BEFORE), top10('Shard.IncomingBytes', 'Sum', AFTER))).toEqual([['orders/1'], ['Clicks-Stream/1']]);
    expect(diff(top10('Shard.IteratorAgeMilliseconds', 'Maximum', BEFORE), top10('Shard.IteratorAgeMilliseconds', 'Maximum', AFTER))).toEqual([
      [`${HOT_RECORDS}/1`],
      ['Clicks-Stream/0'],
    ]);
    for (const t of truth.times) {
      for (const [metric, statistic] of [['Shard.IncomingBytes', 'Sum'], ['Shard.IteratorAgeMilliseconds', 'Maximum']] as const) {
        const values = all.map((x) => truth.value(metric, statistic, x, t));
        if (new Set(values).size !== values.length) expect.fail(`two shards equal in ${metric} at sample ${(t - FIXED_WINDOW.start) / 60}: ${values.join(', ')}`);
      }
    }
  });

  it('enhanced fan-out consumers: everything written is pushed; lag and rate exceeded as designed', () => {
    expect(stream('orders').consumers.map((c) => c.name)).toEqual(['analytics', 'Archiver']);
    expect(stream(HOT_WRITES).consumers).toEqual([]);
    const c = (s: string, name: string): Source => ({ stream: s, part: name });
    expect(truth.value('SubscribeToShardEvent.Bytes', 'Sum', c('orders', 'Archiver'), AFTER)).toBe(3_072_000);
    expect(truth.value('SubscribeToShardEvent.Records', 'Sum', c('Clicks-Stream', 'analytics'), AFTER)).toBe(12_000);
    expect(truth.value('SubscribeToShardEvent.Bytes', 'Sum', c('Clicks-Stream', 'analytics'), BEFORE)).toBe(1_536_000);
    expect(truth.value('SubscribeToShardEvent.MillisBehindLatest', 'Maximum', c('audit.log', 'siem'), FIXED_WINDOW.end)).toBe(5000 + 2000 * 240 + 300);
    expect(truth.value('SubscribeToShardEvent.MillisBehindLatest', 'Maximum', c('audit-log', 'siem'), FIXED_WINDOW.end)).toBe(340);
    expect(truth.value('SubscribeToShard.RateExceeded', 'Sum', c('audit.log', 'siem'), AFTER)).toBe(2);
    expect(truth.value('SubscribeToShard.RateExceeded', 'Sum', c(HOT_RECORDS, 'replicator'), AFTER)).toBe(1);
  });

  it('refuses a level mix-up rather than guessing', () => {
    expect(() => truth.value('Shard.IncomingBytes', 'Sum', 'orders', AFTER)).toThrow(/per shard/);
    expect(() => truth.value('IncomingBytes', 'Sum', shardOf('orders', 0), AFTER)).toThrow(/per stream/);
    expect(() => truth.value('SubscribeToShardEvent.Bytes', 'Sum', { stream: HOT_WRITES, part: 'analytics' }, AFTER)).toThrow(/no consumer/);
    const seed = syntheticKinesis('yace', FIXED_WINDOW);
    expect(() => seed.truth.value('PutRecords.TotalRecords', 'Sum', 'orders', AFTER)).toThrow(/not in the synthetic data/);
  });
});

describe('extended synthetic data: per-profile series', () => {
  for (const name of prometheusProfileNames()) {
    describe(name, () => {
      const seed = syntheticKinesis(name, FIXED_WINDOW);
      const d = syntheticKinesis(name, { ...FIXED_WINDOW, extended: true });
      const profile = getProfile(name);

      it('without `extended`, is the seed data set: no consumers, no shards, the seed metrics only', () => {
        expect(seed.extended).toBe(false);
        expect(seed.metrics).toEqual(SYNTHETIC_METRICS);
        expect(seed.streams.every((s) => !s.consumers.length && !s.shards.length)).toBe(true);
        expect(d.metrics).toEqual([...SYNTHETIC_METRICS, ...EXTENDED_METRICS, ...SHARD_METRICS]);
      });

      it('only adds to the seed data: every seed sample is in the extended text, unchanged', () => {
        const extended = new Set(d.openmetrics.split('\n'));
        const missing = seed.openmetrics.split('\n').filter((l) => !l.startsWith('#') && l && !extended.has(l));
        expect(missing.slice(0, 3)).toEqual([]);
        expect(d.streams.slice(0, seed.streams.length).map((s) => s.labels)).toEqual(seed.streams.map((s) => s.labels));
      });

      it('stores shard series under the stream-level names, told apart by the shard label', () => {
        const shardLabel = `${profile.labels.shard}="`;
        for (const [metric, statistic] of SHARD_TWINS) {
          const [series] = profile.seriesNames(metric, statistic);
          expect(profile.seriesNames(`Shard.${metric}`, statistic)[0]).toBe(series);
          const last = d.openmetrics.split('\n').filter((l) => l.startsWith(`${series}{`) && l.endsWith(` ${FIXED_WINDOW.end}`));
          expect(last.filter((l) => !l.includes(shardLabel)), series).toHaveLength(d.streams.length);
          expect(last.filter((l) => l.includes(shardLabel)), series).toHaveLength(13);
        }
      });

      it('is valid OpenMetrics: families and series contiguous, samples in time order, # EOF last', () => {
        expectValidOpenMetrics(d.openmetrics, d.seriesCount);
      });

      it('with `enhanced` alone, is the seed data set plus shard series under the stream-level names', () => {
        const e = syntheticKinesis(name, { ...FIXED_WINDOW, enhanced: true });
        expect([e.extended, e.enhanced]).toEqual([false, true]);
        expect(e.metrics).toEqual([...SYNTHETIC_METRICS, ...SHARD_METRICS]);
        expect(e.streams.map((s) => s.shards.length)).toEqual([2, 3, 1, 1]);
        expect(e.streams.every((s) => !s.consumers.length)).toBe(true);
        const lines = new Set(e.openmetrics.split('\n'));
        expect(seed.openmetrics.split('\n').filter((l) => !l.startsWith('#') && l && !lines.has(l)).slice(0, 3)).toEqual([]);
        // Extended without enhanced monitoring: no shard label anywhere.
        const off = syntheticKinesis(name, { ...FIXED_WINDOW, extended: true, enhanced: false });
        expect(off.streams.every((s) => !s.shards.length)).toBe(true);
        expect(off.openmetrics).not.toContain(`${profile.labels.shard}="`);
        expect(off.metrics).toEqual([...SYNTHETIC_METRICS, ...EXTENDED_METRICS]);
      });

      it('labels every series as the exporter does', () => {
        const first = d.openmetrics.split('\n').find((l) => l.startsWith('aws_kinesis_'))!;
        const want = { 'cloudwatch-exporter': 'job="aws_kinesis"', yace: 'name="arn:aws:kinesis:', 'logzio-metric-streams': 'job="metric-streams"' }[name];
        expect(first).toContain(want);
        if (name === 'yace') {
          // A shard series carries its stream's ARN.
          const shardLine = d.openmetrics.split('\n').find((l) => l.includes('dimension_ShardId="shardId-000000000000"') && l.includes('dimension_StreamName="orders"'))!;
          expect(shardLine).toContain('name="arn:aws:kinesis:us-east-1:111122223333:stream/orders"');
        }
      });

      if (name !== 'logzio-metric-streams') {
        it('refuses Maximum series without region and account: this exporter always labels them', () => {
          expect(() => syntheticKinesis(name, { ...FIXED_WINDOW, bareMaximum: true })).toThrow(/always labels/);
        });
      }

      if (name === 'logzio-metric-streams') {
        it('with `bareMaximum`, leaves region and account off the _max series only, as the current metric-stream Lambda does', () => {
          const bare = syntheticKinesis(name, { ...FIXED_WINDOW, extended: true, bareMaximum: true });
          const lines = bare.openmetrics.split('\n').filter((l) => l.startsWith('aws_kinesis_'));
          const max = lines.filter((l) => /^\w+_max\{/.test(l));
          expect(max.length).toBeGreaterThan(0);
          for (const l of max) expect(l).not.toMatch(/[{,](region|account)=/);
          for (const l of lines.filter((x) => !/^\w+_max\{/.test(x))) expect(l).toMatch(/[{,]account="\d+",.*region="/);
          expect(bare.seriesCount).toBe(d.seriesCount);
        });

        it('lowercases consumer names and shard ids too, as metric streams do', () => {
          const orders = d.streams.find((s) => s.name === 'orders')!;
          expect(orders.consumers.map((c) => c.labelValue)).toEqual(['analytics', 'archiver']);
          expect(orders.shards[0]!.labelValue).toBe('shardid-000000000000');
        });
      }
    });
  }
});
