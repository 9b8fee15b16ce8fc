import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.ts';
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
      // Heavy modules (the PromQL grammar) load only for this command.
      if (!argv.files?.length) throw new UsageError('<files>: name at least one dashboard JSON file to check, e.g. validate out/aws-kinesis.json');
      const { validateFiles } = await import('../../validate/index.ts');
      ctx.exitCode = await validateFiles(ctx, argv.files, argv.profile);
    },
  };
}
