import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/doctor/interpolate.ts';
import { legendLabels, selectorsOf, selectorText } from '../../src/doctor/selectors.ts';

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
