import { describe, expect, it } from 'vitest';
import { SHARD_LIMITS } from '../src/capacity.ts';
import { metric } from '../src/catalog/index.ts';
import { querySpec, signals, signalUnit, utilisation } from '../src/signals/index.ts';
import { Signal, SignalReading } from '../src/signals/schema.ts';

// A run uses the signals as written (src/signals/index.ts): this is where they are checked.
describe('signals', () => {
  it.each(Object.entries(signals))('%s passes the signal schema unchanged and reads a statistic its metric has', (_name, s) => {
    const r = Signal.safeParse(s);
    expect(r.error?.issues ?? []).toEqual([]);
    expect(r.data).toEqual(s);
    expect(metric(s.metric).statistics).toContain(s.statistic);
  });

  it('add across streams only what adds: sums and sample counts', () => {
    for (const s of Object.values(signals)) if (s.across === 'sum') expect(['Sum', 'SampleCount']).toContain(s.statistic);
  });

  it.each(Object.entries(utilisation))('utilisation of %s is a per-second fraction of its own limit', (limit, r) => {
    expect(SignalReading.safeParse(r).success).toBe(true);
    expect(signalUnit(r)).toBe('percentunit');
    expect(querySpec(r, { window: 'series' })).toMatchObject({ perSecond: true, utilisationOf: SHARD_LIMITS[limit as keyof typeof SHARD_LIMITS], groupBy: 'stream' });
  });

  it('become one query spec: per series at their level, or one total over the range', () => {
    expect(querySpec(signals.shardIteratorAgeMax, { window: 'series', top: 5 })).toEqual({
      metric: 'Shard.IteratorAgeMilliseconds', statistic: 'Maximum', groupBy: 'shard', across: 'max', window: 'series', top: 5,
    });
    expect(querySpec(signals.incomingBytes, { window: 'range', total: true })).toEqual({ metric: 'IncomingBytes', statistic: 'Sum', groupBy: 'total', across: 'sum', window: 'range' });
    expect(querySpec({ ...signals.putRecordsFailed, ratioTo: signals.putRecordsSent }, { window: 'series' }).ratioTo).toEqual({ metric: 'PutRecords.TotalRecords', statistic: 'Sum' });
  });

  it('carry the unit their reading is shown in', () => {
    expect([signalUnit(signals.iteratorAgeMax), signalUnit(signals.writeThrottled), signalUnit(signals.incomingBytes), signalUnit({ ...signals.incomingBytes, perSecond: true })]).toEqual([
      'ms', 'percentunit', 'bytes', 'binBps',
    ]);
  });
});
