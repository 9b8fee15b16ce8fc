import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { re2Problem, StreamFilter } from '../src/config/schema.ts';
import { toYaml } from '../src/output/yaml.ts';
import { describeWithPrometheus } from './support/prometheus.ts';
import { filesIn, promtool } from './support/promtool.ts';

// The `streams` pattern goes into PromQL label matchers, which Prometheus reads with Go's RE2. What the
// config accepts must be a pattern promtool accepts; what it refuses as not RE2, promtool refuses too.

const ACCEPTED = ['^orders-.*$', 'a|b', '[a-z]+\\d{2}', '\\w+\\.prod', '\\x41', '\\pL+', 'a\\/b', '(?:x)?y', 'a\\-b', '\\Aorders\\z', '\\t', '[^x]'];
const REFUSED_AS_NOT_RE2 = ['(?=a)b', '(?!a)b', '(?<=a)b', '(?<!a)b', '(a)\\1', '\\k<n>', '\\u0041', '\\cA', '\\y', '\\e', '\\Qa', '\\C', 'a[^]'];

describeWithPrometheus('streams pattern: the config accepts only what Prometheus (RE2) accepts', () => {
  const files = filesIn({});
  afterAll(() => files.cleanup());
  /** promtool's verdict on the pattern as a label matcher, written as the profiles write it (backslashes and quotes escaped). */
  const promAccepts = async (pattern: string) => {
    const expr = `up{job=~"${pattern.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"}`;
    const path = join(files.dir, 'r.yml');
    writeFileSync(path, toYaml({ groups: [{ name: 'g', rules: [{ record: 'r', expr }] }] }));
    return (await promtool(['check', 'rules', path])).code === 0;
  };

  it.each(ACCEPTED)('accepted by both: %s', async (p) => {
    expect(StreamFilter.safeParse(p).success).toBe(true);
    expect(await promAccepts(p)).toBe(true);
  });

  it.each(REFUSED_AS_NOT_RE2)('refused by both: %s', async (p) => {
    expect(re2Problem(p)).toBeDefined();
    expect(StreamFilter.safeParse(p).success).toBe(false);
    expect(await promAccepts(p)).toBe(false);
  });
});
