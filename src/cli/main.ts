// The CLI's entry module: what bin/kinesis-dashboards.js loads, either the bundle built from this
// file (dist/, see scripts/build.mjs) or this file itself through tsx. Importing it does no work.
import { config } from 'zod';
import { runCli } from './parser.ts';

export { buildParser, runCli } from './parser.ts';
// The library surface the bundle exposes too (the benchmarks drive synth/serialize in-process).
export { serialize } from '../serialize.ts';
export { synth } from '../synth.ts';

/** Runs one command line in this process and sets its exit code. */
export async function main(args: string[] = process.argv.slice(2)): Promise<void> {
  // zod compiles a fast parser (new Function) for each object schema on its first parse: worth it
  // for a server parsing the same shape a million times, a loss for a CLI that parses each a few times.
  config({ jitless: true });
  process.exitCode = await runCli(args);
}
