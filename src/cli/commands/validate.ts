import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.ts';
import { JsonSyntaxError, MAX_BYTES, readJsonFile } from '../../read.ts';
import type { Context } from '../context.ts';

export function validateCommand(ctx: Context): CommandModule<object, { files?: string[]; profile?: string }> {
  return {
    command: 'validate [files..]',
    describe: 'Check dashboard JSON files (classic JSON or dashboard.grafana.app/v2 resources): schema, PromQL, layout, Kinesis metric names',
    builder: (y) =>
      y
        .positional('files', { type: 'string', array: true, describe: 'dashboard JSON files' })
        .option('profile', { type: 'string', describe: 'profile whose metric names are expected (default cloudwatch-exporter)' }),
    handler: async (argv) => {
      if (!argv.files?.length) throw new UsageError('<files>: name at least one dashboard JSON file to check, e.g. validate out/aws-kinesis.json');
      // Heavy modules (the PromQL grammar) load only for this command.
      const [{ validateDashboard }, { DEFAULT_PROFILE, getProfile }] = await Promise.all([import('../../validate/index.ts'), import('../../profiles/index.ts')]);
      const profile = argv.profile ?? DEFAULT_PROFILE;
      getProfile(profile); // an unknown profile is bad input, before any file is read
      let failed = 0;
      for (const file of argv.files) {
        let problems: { path: string; message: string }[];
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
    },
  };
}
