import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/doctor/interpolate.ts';
import { areAlternatives, legendLabels, selectorsOf, selectorText } from '../../src/doctor/selectors.ts';

describe('doctor: the selectors a query reads', () => {
  it('every vector selector once, in order, with its matchers as written', () => {
    const expr =
      'sum by (s) (avg_over_time(a_sum{s=~"x\\\\.y", shard=""}[5m])) / sum by (s) (a_count{s=~"x\\\\.y", shard=""}) * 0 + on(s) group_left() (label_replace(vector(2), "s", "v", "", "")) + a_sum{s=~"x\\\\.y", shard=""}';
    const sels = selectorsOf(expr);
    expect(sels.map((s) => selectorText(s))).toEqual(['a_sum{s=~"x\\\\.y", shard=""}', 'a_count{s=~"x\\\\.y", shard=""}']);
    expect(sels[0]!.matchers[0]).toEqual({ label: 's', op: '=~', literal: '"x\\\\.y"', value: 'x\\.y' });
  });

  it('legend labels', () => {
    expect(legendLabels('{{stream_name}} {{ shard_id }} ({{region}})')).toEqual(['stream_name', 'shard_id', 'region']);
    expect(legendLabels('selected streams')).toEqual([]);
  });
});

describe('doctor: queries as Grafana sends them at the dashboard defaults', () => {
  const variables = [
    { name: 'datasource', type: 'datasource' },
    { name: 'stream', type: 'query', allValue: '(?:orders|audit\\\\.log)' },
    { name: 'region', type: 'query', allValue: '.*' },
    { name: 'shards', type: 'textbox', current: { value: '1' } },
  ];
  it('query variables at All (their allValue, as it is), text boxes at their value, $__range the window', () => {
    expect(interpolate('x{s=~"$stream", r=~"${region}"}[$__range] * ($shards * 2) ${datasource} $unknown', variables, 3600)).toBe(
      'x{s=~"(?:orders|audit\\\\.log)", r=~".*"}[3600s] * (1 * 2) ${datasource} $unknown',
    );
  });
});

describe('doctor: alternatives in one query', () => {
  it("tells the two sides of metric streams' _max join apart from selectors that must all read data", () => {
    const [labelled, bare, count] = selectorsOf(
      'max by (s, region) (m_max{s=~"a", shardid="", region!=""}) or (max by (s) (m_max{s=~"a", shardid="", region=""}) * on(s) group_right() group by (s, region) (m_count{s=~"a", shardid=""}))',
    );
    expect([areAlternatives(labelled!, bare!), areAlternatives(bare!, labelled!)]).toEqual([true, true]);
    expect([areAlternatives(labelled!, count!), areAlternatives(bare!, count!)]).toEqual([false, false]);
    // The same presence matcher on both sides, or another series name: not alternatives.
    const [a, b] = selectorsOf('m{shardid=""} / n{shardid=""}');
    const [c, d] = selectorsOf('m{region=""} or m{region=~"x"}');
    expect([areAlternatives(a!, b!), areAlternatives(c!, d!)]).toEqual([false, false]);
  });
});
