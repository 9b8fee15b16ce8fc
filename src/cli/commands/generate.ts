import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadPlan, type DashboardFlags } from '../../config/load.ts';
import { UsageError } from '../../errors.ts';
import { getProfile } from '../../profiles/index.ts';
import { DEFAULT_PROVISIONING_PATH } from '../../output/provisioning-layout.ts';
import type { ProvisioningFlags } from '../../output/provisioning.ts';
import { serialize } from '../../output/serialize.ts';
import { synthOptions } from '../../dashboard/synth.ts';
import { writeFiles, type OutputFile } from '../../output/write.ts';
import type { Context } from '../context.ts';
import { dashboardOptions } from '../options.ts';

export type GenerateFlags = DashboardFlags & ProvisioningFlags & { out?: string; stdout?: boolean; format?: string; schema?: 'v1' | 'v2' };

export function builder(y: Argv) {
  return dashboardOptions(y)
          .option('out', { type: 'string', describe: 'output directory (default out/)' })
          .option('stdout', { type: 'boolean', describe: 'print the JSON instead of writing a file' })
          .option('format', {
            type: 'string',
            choices: ['json', 'import'],
            describe: 'json (default): the dashboard, for publish and provisioning; import: Grafana\'s "export for sharing externally" form (__inputs, ${DS_...}) for the Import dashboard screen, written to <uid>.import.json',
          })
          .option('schema', {
            choices: ['v1', 'v2'] as const,
            describe: 'v1 (default): the classic dashboard JSON, <uid>.json; v2: a dashboard.grafana.app/v2beta1 resource (Grafana 12, rows layout), <uid>.v2.json',
          })
          .option('provisioning', { type: 'string', describe: 'write Grafana file provisioning: DIR/kinesis-dashboards.yaml and DIR/dashboards/<uid>.json' })
          .option('folder-title', { type: 'string', describe: 'with --provisioning: the Grafana folder (default General)' })
          .option('folder-uid', { type: 'string', describe: 'with --provisioning and --folder-title: that folder\'s uid' })
          .option('provisioning-path', { type: 'string', describe: `with --provisioning: where Grafana reads the JSON files (default ${DEFAULT_PROVISIONING_PATH})` })
          .conflicts('out', 'stdout')
          .conflicts('provisioning', 'stdout');
}

/** What runs once the command line is parsed. */
export async function handler(ctx: Context, argv: GenerateFlags): Promise<void> {
  const { dashboards, file } = await loadPlan(ctx.cwd, argv);
  // Flags win over the config file's `provisioning` and `format`.
  const fromFile = file.provisioning;
  const provisioningFlags: ProvisioningFlags = {
    provisioning: argv.provisioning ?? fromFile?.dir,
    folderTitle: argv.folderTitle ?? fromFile?.folderTitle,
    folderUid: argv.folderUid ?? fromFile?.folderUid,
    provisioningPath: argv.provisioningPath ?? fromFile?.path,
  };
  // The provisioning code (and its schema) loads only when one of its settings is given.
  const prov = Object.values(provisioningFlags).some((v) => v !== undefined) ? await import('../../output/provisioning.ts') : undefined;
  // Checked before anything is written; a setting from the config file is named as its field.
  const fromConfig = (flag: keyof ProvisioningFlags, field: string) => (argv[flag] === undefined && provisioningFlags[flag] !== undefined ? { [flag]: `config.provisioning.${field}` } : {});
  const provisioning = prov?.provisioningFromFlags(provisioningFlags, {
    ...fromConfig('folderTitle', 'folderTitle'),
    ...fromConfig('folderUid', 'folderUid'),
    ...fromConfig('provisioningPath', 'path'),
  });
  const format = argv.format ?? file.format ?? 'json';
  if (format === 'import' && provisioning) {
    throw new UsageError('--format import: Grafana file provisioning stores ${DS_...} placeholders verbatim (only the import screen fills them in); drop --format import or --provisioning');
  }
  const schema = argv.schema ?? file.schema ?? 'v1';
  if (schema === 'v2' && format === 'import') throw new UsageError("--schema v2: the import (sharing) form exists only for classic JSON; drop --format import or --schema v2");
  if (schema === 'v2' && provisioning) throw new UsageError('--schema v2: file provisioning here writes classic JSON; drop --provisioning or --schema v2');
  if (provisioning && file.stdout) throw new UsageError('config.stdout: cannot be combined with --provisioning; drop one');
  const toStdout = !provisioning && (argv.stdout ?? file.stdout);
  if (toStdout && dashboards.length > 1) {
    throw new UsageError(`--stdout: the config lists ${dashboards.length} dashboards; write them to a directory with --out`);
  }
  const sharing = format === 'import' ? await import('../../output/sharing.ts') : undefined;
  const v2 = schema === 'v2' ? await import('../../dashboard/v2.ts') : undefined;
  // Every dashboard is made before any is written: an error leaves no half-written fleet. Its text is
  // made when it is written and not kept (serializing cannot fail): a fleet holding a thousand texts
  // at once spent its time on the garbage collector moving them.
  const made = dashboards.map(({ options }) => {
    const dashboard = synthOptions(options);
    const text = () => serialize(v2 ? v2.toV2Resource(dashboard) : dashboard);
    // The import form goes to its own file (<uid>.import.json): it never replaces the plain <uid>.json, which publish and provisioning need.
    const shared = sharing && serialize(sharing.toSharingFormat(JSON.parse(text()), getProfile(options.profile)));
    return {
      uid: options.uid,
      name: format === 'import' ? `${options.uid}.import.json` : v2 ? `${options.uid}.v2.json` : `${options.uid}.json`,
      get json() {
        return text();
      },
      get output() {
        return shared ?? text();
      },
    };
  });
  if (toStdout) {
    ctx.stdout(made[0]!.output);
    return;
  }
  // --provisioning alone writes only the provisioning directory; with --out (or config.out) both.
  const out = argv.out ?? file.out ?? (provisioning ? undefined : 'out');
  const where = argv.out !== undefined ? `--out ${out}` : file.out !== undefined ? `config.out ${out}` : 'out/ (the default of --out)';
  const files: OutputFile[] = [];
  if (prov && provisioning) {
    // One provider file for the fleet, one JSON per dashboard.
    const what = argv.provisioning !== undefined ? `--provisioning ${provisioning.dir}` : `config.provisioning.dir ${provisioning.dir}`;
    const unique = new Map(made.flatMap((m) => prov.provisioningFiles(m, provisioning.options)).map((f) => [f.path, f]));
    files.push(...prov.provisioningOutputs(resolve(ctx.cwd, provisioning.dir), [...unique.values()], what));
  }
  if (out !== undefined) {
    const dir = resolve(ctx.cwd, out);
    for (const m of made) files.push({ path: join(dir, m.name), content: () => m.output, what: where });
  }
  // Every destination is checked before anything is written; the set is written whole or not at all.
  // Said in one write once the files are out: a fleet's thousand lines were a thousand system calls.
  ctx.stdout(writeFiles(files).map((p) => `wrote ${p}\n`).join(''));
}
