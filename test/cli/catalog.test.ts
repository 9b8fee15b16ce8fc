import { describe, expect, it } from 'vitest';
import { catalog } from '../../src/catalog/index.ts';
import { cli } from '../support/cli.ts';

describe('catalog', () => {
  it('prints a table with a line per metric', async () => {
    const r = await cli(['catalog']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^METRIC\s+LEVEL\s+UNIT\s+DEFAULT\s+STATISTICS$/);
    expect(lines).toHaveLength(catalog().size + 1);
    expect(r.stdout).toMatch(/GetRecords\.IteratorAgeMilliseconds\s+stream\s+Milliseconds\s+Average\s+Minimum,Maximum,Average,SampleCount/);
  });

  it('prints JSON for machines', async () => {
    const r = await cli(['catalog', '--json']);
    expect(JSON.parse(r.stdout)).toEqual([...catalog().values()]);
  });
});
