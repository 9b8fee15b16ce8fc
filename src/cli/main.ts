// The CLI's entry module, which scripts/build.mjs bundles into dist/cli.cjs for
// bin/kinesis-dashboards.js to run. Importing it does no work.
import { runCli } from './parser.ts';

export { buildParser, runCli } from './parser.ts';
// The library surface the bundle exposes too (the benchmarks drive synth/serialize in-process).
export { serialize } from '../output/serialize.ts';
export { synth } from '../dashboard/synth.ts';

/** Runs one command line in this process and sets its exit code. */
export async function main(args: string[] = process.argv.slice(2)): Promise<void> {
  process.exitCode = await runCli(args);
}
