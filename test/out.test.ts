import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { serialize } from '../src/output/serialize.ts';
import { synth } from '../src/dashboard/synth.ts';
import { toV2Resource } from '../src/dashboard/v2.ts';

describe('out/', () => {
  // The committed dashboard is what reviewers read: it must be what the code makes now.
  it('out/aws-kinesis.json is up to date (run `npm run generate` and commit it)', async () => {
    const committed = await readFile(new URL('../out/aws-kinesis.json', import.meta.url), 'utf8');
    expect(committed).toBe(serialize(synth()));
  });
});

describe('out/ (v2)', () => {
  it('out/aws-kinesis.v2.json is up to date (run `npm run generate` and commit it)', async () => {
    const committed = await readFile(new URL('../out/aws-kinesis.v2.json', import.meta.url), 'utf8');
    expect(committed).toBe(serialize(toV2Resource(synth())));
  });
});
