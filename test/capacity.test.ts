import { describe, expect, it } from 'vitest';
import { CapacityOptions, iteratorAgeLimitMs, MIB, PeriodSeconds, SHARD_LIMITS } from '../src/capacity.ts';
import { DashboardOptions } from '../src/config/schema.ts';

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('Kinesis limits', () => {
  it('are the per-shard limits AWS documents', () => {
    expect(MIB).toBe(1048576);
    expect(SHARD_LIMITS).toEqual({ writeBytes: 1048576, writeRecords: 1000, readBytes: 2097152 });
  });

  it('put the iterator-age alarm at half the retention period', () => {
    expect(iteratorAgeLimitMs(24)).toBe(12 * 3600 * 1000);
    expect(iteratorAgeLimitMs(168)).toBe(84 * 3600 * 1000);
  });
});

describe('capacity settings', () => {
  it('default the retention to 24 hours and leave shard counts to the dashboard variable', () => {
    expect(CapacityOptions.parse({})).toEqual({ retentionHours: 24 });
    expect(CapacityOptions.parse({ shards: { orders: 4, 'click.stream-2': 1 }, retentionHours: 48 })).toEqual({ shards: { orders: 4, 'click.stream-2': 1 }, retentionHours: 48 });
  });

  it.each([
    [{ shards: {} }, /shards: name at least one stream/],
    [{ shards: { 'no spaces': 2 } }, /shards.no spaces: a stream name is 1 to 128 letters/],
    [{ shards: { orders: 0 } }, /shards.orders: a stream has at least one shard/],
    [{ shards: { orders: 1.5 } }, /shards.orders: a whole number of shards/],
    [{ retentionHours: 12 }, /retentionHours: a stream keeps data at least 24 hours/],
    [{ retentionHours: 9000 }, /retentionHours: a stream keeps data at most 8760 hours/],
    [{ shard: { orders: 1 } }, /Unrecognized key: "shard"/],
  ])('refuse %j with a clear message', (input, message) => {
    expect(issues(CapacityOptions.safeParse(input)).join('\n')).toMatch(message);
  });

  it('take periods in whole minutes', () => {
    expect(PeriodSeconds.parse(300)).toBe(300);
    expect(issues(PeriodSeconds.safeParse(90)).join('\n')).toMatch(/multiple of 60/);
  });
});

describe('dashboard options for the rows beyond the seed', () => {
  it('are all off by default, with no capacity row and 60 s periods', () => {
    const o = DashboardOptions.parse({});
    expect(o.rows).toEqual({ successRates: false, recordOutcomes: false, fanOut: false, shards: false });
    expect(o.capacity).toBeUndefined();
    expect(o.periodSeconds).toBe(60);
  });

  it('take a shard row as true or with a top-n', () => {
    expect(DashboardOptions.parse({ rows: { shards: true } }).rows.shards).toBe(true);
    expect(DashboardOptions.parse({ rows: { shards: { top: 5 } } }).rows.shards).toEqual({ top: 5 });
  });

  it.each([
    [{ rows: { shards: 'yes' } }, /rows.shards: true, false, or \{ "top": n \}/],
    [{ rows: { shards: { top: 0 } } }, /rows.shards.top: at least 1 shard/],
    [{ rows: { shards: { top: 101 } } }, /rows.shards.top: at most 100 shards/],
    [{ rows: { shards: { top: 2.5 } } }, /rows.shards: true, false, or \{ "top": n \}/],
    [{ rows: { fanout: true } }, /Unrecognized key: "fanout"/],
    [{ rows: { successRates: 'on' } }, /rows.successRates/],
    [{ periodSeconds: 30 }, /periodSeconds: Kinesis metrics have 60 s resolution/],
    [{ periodSeconds: -60 }, /periodSeconds: a positive number of seconds/],
  ])('refuse %j with a clear message', (input, message) => {
    expect(issues(DashboardOptions.safeParse(input)).join('\n')).toMatch(message);
  });
});
