import { describe, expect, it } from 'vitest';
import { getProfile, prometheusProfileNames } from '../../src/profiles/index.ts';
import { expectValidOpenMetrics } from './openmetrics.ts';
import { FIXED_WINDOW, syntheticKinesis } from './synthetic.ts';

// The generic truth helpers are checked here against numbers worked out by hand, so the e2e proof
// compares Prometheus with the closed form, not with a second copy of the same arithmetic.
//
// Evaluation as in the e2e proof: dashboard range 3 h ending 30 s after the last sample (T = end + 30 s).
// The 3 h window then holds samples 61..240 (180 of them, whatever the selector's boundary rule);
// stepped streams change at sample 120, so the window has 59 "before" and 121 "after" samples.
const T = FIXED_WINDOW.end + 30;
const RANGE = 3 * 3600;
const data = syntheticKinesis('yace', FIXED_WINDOW);
const { truth } = data;

describe('synthetic Kinesis data: closed-form truths', () => {
  it('windows hold the samples worked out by hand', () => {
    const inWindow = truth.timesInRange(T, RANGE);
    expect(inWindow).toHaveLength(180);
    expect(inWindow[0]).toBe(FIXED_WINDOW.start + 61 * 60);
    // On the sample grid Prometheus 2.x includes the window's first sample: 181.
    expect(truth.timesInRange(FIXED_WINDOW.end, RANGE)).toHaveLength(181);
    expect(truth.timesInRange(FIXED_WINDOW.end, RANGE, { leftOpen: true, lookbackSeconds: 300 })).toHaveLength(180);
  });

  it('orders: constant 6000 records, 3,072,000 bytes a minute', () => {
    for (const t of [FIXED_WINDOW.start, T - 30]) {
      expect(truth.value('IncomingRecords', 'Sum', 'orders', t)).toBe(6000);
      expect(truth.value('IncomingBytes', 'Sum', 'orders', t)).toBe(3_072_000);
      expect(truth.value('GetRecords.Bytes', 'Sum', 'orders', t)).toBe(3_072_000);
      expect(truth.value('WriteProvisionedThroughputExceeded', 'Average', 'orders', t)).toBe(0);
    }
  });

  it('Clicks-Stream: rates double at the middle, a quarter of the records throttled throughout', () => {
    const before = FIXED_WINDOW.start + 119 * 60;
    const after = FIXED_WINDOW.start + 120 * 60;
    expect(truth.value('IncomingRecords', 'Sum', 'Clicks-Stream', before)).toBe(6000);
    expect(truth.value('IncomingRecords', 'Sum', 'Clicks-Stream', after)).toBe(12000);
    expect(truth.value('IncomingBytes', 'Sum', 'Clicks-Stream', after)).toBe(3_072_000);
    expect(truth.value('WriteProvisionedThroughputExceeded', 'Average', 'Clicks-Stream', before)).toBe(0.25);
    expect(truth.value('WriteProvisionedThroughputExceeded', 'Average', 'Clicks-Stream', after)).toBe(0.25);
    // Mean IncomingBytes Sum over the window: (59 × 1,536,000 + 121 × 3,072,000) / 180.
    expect(truth.meanOverRange('IncomingBytes', 'Sum', 'Clicks-Stream', T, RANGE)).toBeCloseTo(462_336_000 / 180, 6);
  });

  it('audit.log: iterator age climbs 1000 ms a minute; 10% of GetRecords calls throttled', () => {
    expect(truth.value('GetRecords.IteratorAgeMilliseconds', 'Average', 'audit.log', FIXED_WINDOW.start)).toBe(1000);
    expect(truth.value('GetRecords.IteratorAgeMilliseconds', 'Average', 'audit.log', FIXED_WINDOW.end)).toBe(241_000);
    // Mean of 1000 + 1000 i over i = 61..240.
    expect(truth.meanOverRange('GetRecords.IteratorAgeMilliseconds', 'Average', 'audit.log', T, RANGE)).toBe(1000 + (1000 * (61 + 240)) / 2);
    expect(truth.value('ReadProvisionedThroughputExceeded', 'Average', 'audit.log', T - 30)).toBeCloseTo(0.1, 12);
  });

  it('PutRecord and PutRecords latencies differ on every stream', () => {
    for (const s of data.streams) {
      const one = truth.value('PutRecord.Latency', 'Average', s.name, T - 30);
      const batch = truth.value('PutRecords.Latency', 'Average', s.name, T - 30);
      expect(one).toBeDefined();
      expect(batch).not.toBe(one);
    }
  });

  it('call-weighted PutRecord latency over all streams: 7,813,000 ms / 473,000 calls', () => {
    // calls in the window: orders 180 × 1200, Clicks 59 × 800 + 121 × 1600, audit.log 180 × 60, audit-log 180 × 30.
    const names = data.streams.map((s) => s.name);
    expect(truth.weightedAverage('PutRecord.Latency', names, T, RANGE)).toBeCloseTo(7_813_000 / 473_000, 9);
  });

  it('the data tells apart the aggregations a dashboard could confuse', () => {
    const names = data.streams.map((s) => s.name);
    const means = names.map((n) => truth.meanOverRange('PutRecord.Latency', 'Average', n, T, RANGE)!);
    const unweighted = means.reduce((a, b) => a + b, 0) / means.length;
    expect(unweighted).toBe((12 + 20 + 30 + 15) / 4);
    expect(Math.abs(unweighted / truth.weightedAverage('PutRecord.Latency', names, T, RANGE)! - 1)).toBeGreaterThan(0.1);
    // Mean over the range vs last value (stepped and climbing streams).
    expect(truth.meanOverRange('IncomingRecords', 'Sum', 'Clicks-Stream', T, RANGE)).not.toBeCloseTo(12000, 0);
    expect(truth.meanOverRange('GetRecords.IteratorAgeMilliseconds', 'Average', 'audit.log', T, RANGE)).not.toBeCloseTo(241_000, 0);
    // Max across streams vs average across streams.
    const ages = names.map((n) => truth.meanOverRange('GetRecords.IteratorAgeMilliseconds', 'Average', n, T, RANGE)!);
    expect(Math.max(...ages)).toBeGreaterThan(2 * (ages.reduce((a, b) => a + b, 0) / ages.length));
  });

  it('instant lookups see the latest sample within 5 minutes and nothing after that', () => {
    expect(truth.latest('IncomingRecords', 'Sum', 'orders', FIXED_WINDOW.end + 299)).toBe(6000);
    expect(truth.latest('IncomingRecords', 'Sum', 'orders', FIXED_WINDOW.end + 301)).toBeUndefined();
    expect(truth.latest('IncomingRecords', 'Sum', 'orders', FIXED_WINDOW.start - 1)).toBeUndefined();
  });
});

describe('synthetic Kinesis data: per-profile series', () => {
  for (const name of prometheusProfileNames()) {
    describe(name, () => {
      const d = syntheticKinesis(name, FIXED_WINDOW);
      const profile = getProfile(name);

      it('is deterministic', () => {
        expect(syntheticKinesis(name, FIXED_WINDOW).openmetrics).toBe(d.openmetrics);
      });

      it("holds every series the profile reads for the seed's metrics, with the profile's label names", () => {
        const families = new Set([...d.openmetrics.matchAll(/^# TYPE (\S+) gauge$/gm)].map((m) => m[1]));
        for (const [metricId, statistic] of [
          ['IncomingBytes', 'Sum'],
          ['IncomingRecords', 'Sum'],
          ['PutRecord.Latency', 'Average'],
          ['PutRecords.Latency', 'Average'],
          ['GetRecords.Latency', 'Average'],
          ['GetRecords.Records', 'Sum'],
          ['GetRecords.Bytes', 'Sum'],
          ['GetRecords.IteratorAgeMilliseconds', 'Average'],
          ['WriteProvisionedThroughputExceeded', 'Average'],
          ['ReadProvisionedThroughputExceeded', 'Average'],
        ] as const) {
          for (const series of profile.seriesNames(metricId, statistic)) expect(families, `${metricId} ${statistic}`).toContain(series);
        }
        for (const s of d.streams) {
          expect(s.labels[profile.labels.stream]).toBe(s.labelValue);
          if (profile.labels.region) expect(s.labels[profile.labels.region]).toBe(s.region);
          else expect(Object.values(s.labels)).not.toContain(s.region);
        }
      });

      it('is valid OpenMetrics: families and series contiguous, samples in time order, # EOF last', () => {
        expectValidOpenMetrics(d.openmetrics, d.seriesCount);
      });

      if (name === 'logzio-metric-streams') {
        it('lowercases stream names, as metric streams do', () => {
          expect(d.streams.map((s) => s.labelValue)).toContain('clicks-stream');
          expect(d.openmetrics).not.toContain('Clicks-Stream');
        });
      }
    });
  }
});
