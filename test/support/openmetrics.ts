import { expect } from 'vitest';

/**
 * A structural check of the OpenMetrics text the synthetic data sets write (gauges only): every family and every
 * series contiguous, each series' samples in time order, every line a `# TYPE name gauge` or a sample
 * `name{labels} value time`, values numbers. The `# EOF` line is not looked at: callers check the ending.
 */
export interface OpenMetricsCheck {
  /** Every problem found, one sentence each (empty: the text is well formed). */
  problems: string[];
  /** How many distinct series the samples belong to. */
  seriesCount: number;
}

export function checkOpenMetrics(text: string): OpenMetricsCheck {
  // Plain checks collected into one list: ~40,000 lines, one expect each would be slow.
  const problems: string[] = [];
  const seenFamilies = new Set<string>();
  const seenSeries = new Set<string>();
  let family = '';
  let series = '';
  let lastTime = -Infinity;
  for (const line of text.trimEnd().split('\n').slice(0, -1)) {
    const type = /^# TYPE (\S+) gauge$/.exec(line);
    if (type) {
      if (seenFamilies.has(type[1]!)) problems.push(`family ${type[1]} split`);
      seenFamilies.add((family = type[1]!));
      continue;
    }
    const m = /^(\S+?)(\{.*\}) (\S+) (\d+)$/.exec(line);
    if (!m) {
      problems.push(`bad line: ${line}`);
      continue;
    }
    if (m[1] !== family) problems.push(`sample outside its family: ${line}`);
    const key = m[1]! + m[2]!;
    if (key !== series) {
      if (seenSeries.has(key)) problems.push(`series split: ${key}`);
      seenSeries.add((series = key));
      lastTime = -Infinity;
    }
    if (Number(m[4]) <= lastTime) problems.push(`out of order: ${line}`);
    lastTime = Number(m[4]);
    if (!Number.isFinite(Number(m[3]))) problems.push(`not a number: ${line}`);
  }
  return { problems, seriesCount: seenSeries.size };
}

/** Asserts that `text` is well-formed OpenMetrics ending in `# EOF`, holding exactly `seriesCount` series. */
export function expectValidOpenMetrics(text: string, seriesCount: number): void {
  expect(text.endsWith('\n# EOF\n')).toBe(true);
  const found = checkOpenMetrics(text);
  expect(found.problems.slice(0, 5)).toEqual([]);
  expect(found.seriesCount).toBe(seriesCount);
}
