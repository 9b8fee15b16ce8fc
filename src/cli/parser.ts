import yargs, { type Argv, type CommandModule } from 'yargs';
import pkg from '../../package.json' with { type: 'json' };
import { UsageError } from '../errors.ts';
import { processContext, type Context } from './context.ts';
import { checkFlagValues, checkNumberValues } from './flags.ts';

/** A command's module (src/cli/commands/): its options, and what runs once they are parsed. */
interface CommandParts {
  builder(y: Argv): Argv<object>;
  handler(ctx: Context, argv: never): void | Promise<void>;
}

/**
 * The commands, as the top-level help lists them. A command's module loads when that command runs (or
 * its help is asked for), so a run loads its own command's code and not the others'.
 */
const COMMANDS: readonly { command: string; describe: string; load: () => Promise<CommandParts> }[] = [
  { command: 'generate', describe: 'Write the Kinesis dashboard as Grafana JSON (out/<uid>.json)', load: () => import('./commands/generate.ts') },
  { command: 'catalog', describe: 'List the AWS/Kinesis metrics the dashboards are built from', load: () => import('./commands/catalog.ts') },
  {
    command: 'validate [files..]',
    describe: 'Check dashboard JSON files (classic JSON or dashboard.grafana.app/v2 resources): schema, PromQL, layout, Kinesis metric names',
    load: () => import('./commands/validate.ts'),
  },
  {
    command: 'publish',
    describe: 'Create or update the dashboard in Grafana or Logz.io (safe: conditional writes, no blind overwrites)',
    load: () => import('./commands/publish.ts'),
  },
  {
    command: 'diff',
    describe: 'Show what publish would change, path by path (server-managed fields ignored)',
    load: () => import('./commands/diff.ts'),
  },
  {
    command: 'preview',
    describe: 'Draw the dashboard as an SVG wireframe for review (out/<uid>.svg); --diff marks what changed',
    load: () => import('./commands/preview.ts'),
  },
  {
    command: 'alerts',
    describe: 'Write alert rules from the same catalog and thresholds as the dashboard (out/alerts/<uid>.rules.yml)',
    load: () => import('./commands/alerts.ts'),
  },
  {
    command: 'doctor',
    describe: 'Check the dashboard against your real metrics before anyone sees an empty panel (read only)',
    load: () => import('./commands/doctor.ts'),
  },
];

/** One yargs CommandModule: the name and description from the list, the options and handler from the command's module. */
function commandModule(ctx: Context, { command, describe, load }: (typeof COMMANDS)[number]): CommandModule {
  return {
    command,
    describe,
    builder: async (y) => (await load()).builder(y),
    handler: async (argv) => (await load()).handler(ctx, argv as never),
  };
}

export function buildParser(ctx: Context) {
  let parser = yargs().scriptName('kinesis-dashboards').usage('$0 <command> [options]\n\nDashboards as code for Amazon Kinesis Data Streams.');
  for (const c of COMMANDS) parser = parser.command(commandModule(ctx, c));
  return parser
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
