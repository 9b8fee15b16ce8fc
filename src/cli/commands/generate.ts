import { join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadPlan } from '../../config/load.ts';
import { UsageError } from '../../errors.ts';
import { toSharingFormat } from '../../export/sharing.ts';
import { getProfile } from '../../profiles/index.ts';
import { DEFAULT_PROVISIONING_PATH, provisioningFiles, provisioningFromFlags, writeProvisioning, type ProvisioningFlags } from '../../provisioning.ts';
import { serialize } from '../../serialize.ts';
import { synthOptions } from '../../synth.ts';
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
    .option('profile', { type: 'string', describe: 'where the metrics come from: cloudwatch-exporter (default), yace, logzio-metric-streams (Prometheus), or cloudwatch (Grafana\'s CloudWatch datasource)' })
    .option('config', { type: 'string', describe: 'JSON config file; flags win over it' })
    .option('uid', { type: 'string', describe: 'dashboard uid (default aws-kinesis)' })
    .option('title', { type: 'string', describe: 'dashboard title (default "Amazon Kinesis")' });
}

export function generateCommand(ctx: Context): CommandModule<object, DashboardFlags & ProvisioningFlags & { out?: string; stdout?: boolean; format?: string }> {
  return {
    command: 'generate',
    describe: 'Write the Kinesis dashboard as Grafana JSON (out/<uid>.json)',
    builder: (y) =>
      dashboardOptions(y)
        .option('out', { type: 'string', describe: 'output directory (default out/)' })
        .option('stdout', { type: 'boolean', describe: 'print the JSON instead of writing a file' })
        .option('format', {
          type: 'string',
          choices: ['json', 'import'],
          describe: 'json (default): the dashboard, for publish and provisioning; import: Grafana\'s "export for sharing externally" form (__inputs, ${DS_...}) for the Import dashboard screen, written to <uid>.import.json',
        })
        .option('provisioning', { type: 'string', describe: 'write Grafana file provisioning: DIR/kinesis-dashboards.yaml and DIR/dashboards/<uid>.json' })
        .option('folder-title', { type: 'string', describe: 'with --provisioning: the Grafana folder (default General)' })
        .option('folder-uid', { type: 'string', describe: 'with --provisioning and --folder-title: that folder\'s uid' })
        .option('provisioning-path', { type: 'string', describe: `with --provisioning: where Grafana reads the JSON files (default ${DEFAULT_PROVISIONING_PATH})` })
        .conflicts('out', 'stdout')
        .conflicts('provisioning', 'stdout'),
    handler: async (argv) => {
      const { dashboards, file } = await loadPlan(ctx, argv);
      // Flags win over the config file's `provisioning` and `format`.
      const fromFile = file.provisioning;
      const provisioning = provisioningFromFlags({
        provisioning: argv.provisioning ?? fromFile?.dir,
        folderTitle: argv.folderTitle ?? fromFile?.folderTitle,
        folderUid: argv.folderUid ?? fromFile?.folderUid,
        provisioningPath: argv.provisioningPath ?? fromFile?.path,
      }); // checked before anything is written
      const format = argv.format ?? file.format ?? 'json';
      if (format === 'import' && provisioning) {
        throw new UsageError('--format import: Grafana file provisioning stores ${DS_...} placeholders verbatim (only the import screen fills them in); drop --format import or --provisioning');
      }
      if (provisioning && file.stdout) throw new UsageError('config.stdout: cannot be combined with --provisioning; drop one');
      const toStdout = !provisioning && (argv.stdout ?? file.stdout);
      if (toStdout && dashboards.length > 1) {
        throw new UsageError(`--stdout: the config lists ${dashboards.length} dashboards; write them to a directory with --out`);
      }
      // Every dashboard is made before any is written: an error leaves no half-written fleet.
      const made = dashboards.map(({ options }) => {
        const json = serialize(synthOptions(options));
        // The import form goes to its own file (<uid>.import.json): it never replaces the plain <uid>.json, which publish and provisioning need.
        const output = format === 'import' ? serialize(toSharingFormat(JSON.parse(json), getProfile(options.profile))) : json;
        return { uid: options.uid, json, output, name: format === 'import' ? `${options.uid}.import.json` : `${options.uid}.json` };
      });
      if (toStdout) {
        ctx.stdout(made[0]!.output);
        return;
      }
      // --provisioning alone writes only the provisioning directory; with --out (or config.out) both.
      const out = argv.out ?? file.out ?? (provisioning ? undefined : 'out');
      const dir = out === undefined ? undefined : resolve(ctx.cwd, out);
      if (dir !== undefined) await ensureDir(dir, argv.out !== undefined ? `--out ${out}` : `config.out ${out}`);
      if (provisioning) {
        // One provider file for the fleet, one JSON per dashboard.
        const files = new Map(made.flatMap((m) => provisioningFiles(m, provisioning.options)).map((f) => [f.path, f]));
        for (const path of await writeProvisioning(resolve(ctx.cwd, provisioning.dir), [...files.values()], `--provisioning ${provisioning.dir}`)) ctx.stdout(`wrote ${path}\n`);
      }
      if (dir === undefined) return;
      for (const m of made) {
        const path = join(dir, m.name);
        await writeAtomic(path, m.output);
        ctx.stdout(`wrote ${path}\n`);
      }
    },
  };
}
