import type { Argv } from 'yargs';
import { UsageError } from '../../errors.ts';
import { DEFAULT_PROFILE, getProfile } from '../../profiles/index.ts';
import { JsonSyntaxError, MAX_BYTES, readJsonFile } from '../../read.ts';
import { validateDashboard, type Problem } from '../../validate/index.ts';
import type { Context } from '../context.ts';

export function builder(y: Argv) {
  return y
    .positional('files', { type: 'string', array: true, describe: 'dashboard JSON files' })
    .option('profile', { type: 'string', describe: 'profile whose metric names are expected (default cloudwatch-exporter)' });
}

/** What runs once the command line is parsed: a line per problem (or "ok") per file; exit 1 when a file has problems. */
export async function handler(ctx: Context, argv: { files?: string[]; profile?: string }): Promise<void> {
  if (!argv.files?.length) throw new UsageError('<files>: name at least one dashboard JSON file to check, e.g. validate out/aws-kinesis.json');
  const profile = argv.profile ?? DEFAULT_PROFILE;
  getProfile(profile); // an unknown profile is bad input, before any file is read
  let failed = 0;
  for (const file of argv.files) {
    let problems: Problem[];
    try {
      problems = validateDashboard(readJsonFile(ctx.cwd, file, file, MAX_BYTES.dashboard, 'pass an existing dashboard JSON file'), profile);
    } catch (err) {
      // A file that is not JSON is that file's problem; the others are still checked.
      if (!(err instanceof JsonSyntaxError)) throw err;
      problems = [{ path: '$', message: err.problem }];
    }
    if (problems.length) failed++;
    for (const p of problems) ctx.stdout(`${file}: ${p.path}: ${p.message}\n`);
    if (!problems.length) ctx.stdout(`${file}: ok\n`);
  }
  ctx.exitCode = failed ? 1 : 0;
}
