import { describe, expect, it } from 'vitest';
import {
  ALL,
  formatGrafanaInterval,
  interpolate,
  parseLabelValuesQuery,
  renderLegend,
  type TemplateVariable,
} from './grafana-interpolate.ts';

const stream: TemplateVariable = { name: 'stream', type: 'query', multi: true, includeAll: true, allValue: '.*' };
const region: TemplateVariable = { name: 'region', type: 'query', multi: true, includeAll: true, allValue: '.*' };
const plain: TemplateVariable = { name: 'plain', type: 'custom', multi: false, includeAll: false };
const variables = [stream, region, plain, { name: 'datasource', type: 'datasource' }];
const range = { from: 1_000_000, to: 1_000_000 + 3 * 3600 };

const run = (text: string, values: Record<string, string | string[]>, extra: object = {}) =>
  interpolate(text, { variables, values, range, ...extra });

describe('Grafana interpolation for Prometheus', () => {
  it('escapes one value of a multi variable as a regex, inside a PromQL string', () => {
    // Grafana writes audit\\.log: PromQL's string unescapes it to the regex audit\.log.
    expect(run('x{s=~"$stream"}', { stream: ['audit.log'] })).toBe('x{s=~"audit\\\\.log"}');
    expect(run('x{s=~"$stream"}', { stream: 'a+b(c)' })).toBe('x{s=~"a\\\\+b\\\\(c\\\\)"}');
  });

  it('joins several values as (a|b), each escaped', () => {
    expect(run('x{s=~"$stream"}', { stream: ['orders', 'audit.log'] })).toBe('x{s=~"(orders|audit\\\\.log)"}');
  });

  it('uses a custom allValue as it is for All', () => {
    expect(run('x{s=~"$stream", r=~"${region}"}', { stream: [ALL], region: ALL })).toBe('x{s=~".*", r=~".*"}');
  });

  it('joins every option for All without a custom allValue', () => {
    const v: TemplateVariable = { ...stream, allValue: null, options: [{ value: ALL }, { value: 'a.b' }, { value: 'c' }] };
    expect(interpolate('$stream', { variables: [v], values: { stream: ALL } })).toBe('(a\\\\.b|c)');
  });

  it('escapes only backslashes and quotes for a plain variable', () => {
    expect(run("[[plain]]", { plain: "it's.x" })).toBe("it\\\\'s.x");
  });

  it('fills the range built-ins and leaves unknown names and the datasource alone', () => {
    expect(run('f(x[$__range]) $__range_s $__range_ms $unknown ${datasource}', {})).toBe('f(x[10800s]) 10800 10800000 $unknown ${datasource}');
  });

  it('fills $__interval and $__rate_interval as Grafana prints them (whole units, truncated)', () => {
    expect(run('$__interval $__interval_ms $__rate_interval', {}, { intervalMs: 30_000 })).toBe('30s 30000 1m');
    // 75 s + 15 s = 90 s: Grafana prints "1m" (FormatInterval truncates).
    expect(run('$__rate_interval', {}, { intervalMs: 75_000 })).toBe('1m');
    expect(formatGrafanaInterval(7_200_000)).toBe('2h');
  });

  it('refuses what it does not implement instead of guessing', () => {
    expect(() => run('${stream:csv}', { stream: ['a'] })).toThrow(/not supported/);
    expect(() => run('$stream', {})).toThrow(/no value/);
  });

  it('parses label_values queries', () => {
    expect(parseLabelValuesQuery('label_values(m{a=~"$x"}, dimension_StreamName)')).toEqual({ label: 'dimension_StreamName', match: 'm{a=~"$x"}' });
    expect(parseLabelValuesQuery('label_values(region)')).toEqual({ label: 'region' });
  });

  it('renders legends: labels by name, missing labels as nothing', () => {
    expect(renderLegend('PutRecord {{ s }} ({{r}})', { s: 'orders', r: 'us-east-1' })).toBe('PutRecord orders (us-east-1)');
    expect(renderLegend('{{s}} ({{r}})', { s: 'orders' })).toBe('orders ()');
  });
});
