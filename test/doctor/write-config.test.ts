import { describe, expect, it } from 'vitest';
import type { Discovery } from '../../src/doctor/discover.ts';
import { updateConfig } from '../../src/doctor/write-config.ts';

const found = (over: Partial<Discovery> = {}): Discovery => ({
  profileCounts: { 'cloudwatch-exporter': 0, yace: 12, 'logzio-metric-streams': 0 },
  detected: 'yace',
  profileFinding: { status: 'ok', message: '' },
  profile: 'yace',
  streams: [
    { stream: 'orders', region: 'us-east-1', account: '1' },
    { stream: 'clicks', region: 'us-east-1', account: '1' },
    { stream: 'orders', region: 'eu-west-1', account: '1' },
  ],
  streamsTruncated: false,
  shards: [
    { stream: 'orders', region: 'us-east-1', account: '1', shards: 2 },
    { stream: 'orders', region: 'eu-west-1', account: '1', shards: 4 },
  ],
  consumers: [],
  quirks: [],
  ...over,
});

describe('doctor --write-config: what the metrics say, keeping what the user wrote', () => {
  it('a new file: the detected profile, the streams found, shard counts (a name in two regions: the larger)', () => {
    const { config, changes } = updateConfig(undefined, found());
    expect(config).toEqual({ profile: 'yace', streams: ['clicks', 'orders'], capacity: { shards: { orders: 4 } } });
    expect(changes).toEqual(['profile: "yace"', 'streams: clicks, orders', 'capacity.shards.orders: 4']);
  });

  it('an existing file: its keys stay where and as they were; its streams filter stays; shard counts merge', () => {
    const existing = { title: 'Kinesis (prod)', profile: 'cloudwatch-exporter', streams: '^ord', rows: { shards: true }, capacity: { retentionHours: 48, shards: { orders: 1, legacy: 3 } } };
    const { config, changes } = updateConfig(existing, found());
    expect(Object.keys(config)).toEqual(['title', 'profile', 'streams', 'rows', 'capacity']);
    expect(config).toEqual({ title: 'Kinesis (prod)', profile: 'yace', streams: '^ord', rows: { shards: true }, capacity: { retentionHours: 48, shards: { orders: 4, legacy: 3 } } });
    expect(changes).toEqual(['profile: "cloudwatch-exporter" → "yace"', 'capacity.shards.orders: 1 → 4']);
    expect(existing.capacity.shards.orders).toBe(1); // the input is not changed
  });

  it('nothing detected: nothing invented; a fleet keeps its per-dashboard streams', () => {
    const { detected: _d, ...none } = found({ streams: [], shards: [] });
    expect(updateConfig({ uid: 'x' }, none).config).toEqual({ uid: 'x' });
    const fleet = { dashboards: [{ uid: 'a', title: 'A', streams: ['orders'] }] };
    expect(updateConfig(fleet, found()).config).toEqual({ ...fleet, profile: 'yace', capacity: { shards: { orders: 4 } } });
  });
});
