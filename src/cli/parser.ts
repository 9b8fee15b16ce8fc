import yargs from 'yargs';
import pkg from '../../package.json' with { type: 'json' };
import { UsageError } from '../errors.ts';
import { alertsCommand } from './commands/alerts.ts';
import { catalogCommand } from './commands/catalog.ts';
import { doctorCommand } from './commands/doctor.ts';
import { diffCommand } from './commands/diff.ts';
import { generateCommand } from './commands/generate.ts';
import { previewCommand } from './commands/preview.ts';
import { publishCommand } from './commands/publish.ts';
import { validateCommand } from './commands/validate.ts';
import { processContext, type Context } from './context.ts';
import { checkFlagValues, checkNumberValues } from './flags.ts';

export function buildParser(ctx: Context) {
  return yargs()
    .scriptName('kinesis-dashboards')
    .usage('$0 <command> [options]\n\nDashboards as code for Amazon Kinesis Data Streams.')
    .command(generateCommand(ctx))
    .command(catalogCommand(ctx))
    .command(validateCommand(ctx))
    .command(publishCommand(ctx))
    .command(diffCommand(ctx))
    .command(previewCommand(ctx))
    .command(alertsCommand(ctx))
    .command(doctorCommand(ctx))
    // yargs' own: the script asks this CLI for completions (--get-yargs-completions) as you type.
    .completion('completion', 'print a bash/zsh completion script (add it to ~/.bashrc or ~/.zshrc)')
    .option('debug', { type: 'boolean', describe: 'show stack traces', global: true })
    .middleware((argv) => checkFlagValues(argv))
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .version(pkg.version)
    .help()
    .alias('h', 'help')
    // Not process.stdout.columns: touching process.stdout creates the stream, milliseconds of every run.
    .wrap(Math.max(40, Math.min(110, Number(process.env.COLUMNS) || 100)))
    .exitProcess(false)
    // yargs' own complaints (unknown option, missing value, conflicts) are bad input: exit 2.
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
}

/** Runs one command line; returns the exit code (0 ok, 1 failure, 2 bad input). The one top-level error handler. */
export async function runCli(args: string[], ctx: Context = processContext()): Promise<number> {
  const debug = args.includes('--debug');
  try {
    let output = '';
    checkNumberValues(args);
    await buildParser(ctx).parseAsync(args, {}, (_err, _argv, out) => {
      output = out;
    });
    // --help and --version: yargs hands us the text instead of printing it.
    if (output) ctx.stdout(output.endsWith('\n') ? output : `${output}\n`);
    return ctx.exitCode;
  } catch (err) {
    const e = err as Error;
    const usage = e instanceof UsageError || e.name === 'YError';
    ctx.stderr(`kinesis-dashboards: ${debug && e.stack ? e.stack : e.message}\n`);
    return usage ? 2 : 1;
  }
}
