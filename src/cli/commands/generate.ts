import { join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadDashboardOptions } from '../../config/load.ts';
import { serialize } from '../../serialize.ts';
import { synth } from '../../synth.ts';
import { ensureDir, writeAtomic } from '../../write.ts';
import type { Context } from '../context.ts';

export interface DashboardFlags {
  profile?: string;
  config?: string;
  uid?: string;
  title?: string;
}

/** Options shared by every command that makes a dashboard (generate, and later publish/diff). */
export function dashboardOptions<T>(y: Argv<T>) {
  return y
    .option('profile', { type: 'string', describe: 'how metrics reach Prometheus: cloudwatch-exporter (default), yace, logzio-metric-streams' })
    .option('config', { type: 'string', describe: 'JSON config file; flags win over it' })
    .option('uid', { type: 'string', describe: 'dashboard uid (default aws-kinesis)' })
    .option('title', { type: 'string', describe: 'dashboard title (default "Amazon Kinesis")' });
}

export function generateCommand(ctx: Context): CommandModule<object, DashboardFlags & { out?: string; stdout?: boolean }> {
  return {
    command: 'generate',
    describe: 'Write the Kinesis dashboard as Grafana JSON (out/<uid>.json)',
    builder: (y) =>
      dashboardOptions(y)
        .option('out', { type: 'string', describe: 'output directory (default out/)' })
        .option('stdout', { type: 'boolean', describe: 'print the JSON instead of writing a file' })
        .conflicts('out', 'stdout'),
    handler: async (argv) => {
      const { options, file } = await loadDashboardOptions(ctx, argv);
      const json = serialize(synth(options));
      if (argv.stdout ?? file.stdout) {
        ctx.stdout(json);
        return;
      }
      const out = argv.out ?? file.out ?? 'out';
      const dir = resolve(ctx.cwd, out);
      await ensureDir(dir, argv.out !== undefined ? `--out ${out}` : `config.out ${out}`);
      const path = join(dir, `${options.uid}.json`);
      await writeAtomic(path, json);
      ctx.stdout(`wrote ${path}\n`);
    },
  };
}
