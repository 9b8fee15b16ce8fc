import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { serialize } from '../src/serialize.ts';
import { synth } from '../src/synth.ts';

describe('out/', () => {
  // The committed dashboard is what reviewers read: it must be what the code makes now.
  it('out/aws-kinesis.json is up to date (run `npm run generate` and commit it)', async () => {
    const committed = await readFile(new URL('../out/aws-kinesis.json', import.meta.url), 'utf8');
    expect(committed).toBe(serialize(synth()));
  });
});
