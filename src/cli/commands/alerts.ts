import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { ALERT_FORMATS, DEFAULT_ALERT_FOLDER } from '../../alerts/formats.ts';
import { alertFile, NOT_PROMQL, type AlertFormat } from '../../alerts/index.ts';
import { loadPlan, type DashboardFlags } from '../../config/load.ts';
import { AlertOptions } from '../../config/schema.ts';
import { UsageError } from '../../errors.ts';
import { profileNames, prometheusProfileNames } from '../../profiles/index.ts';
import { writeFiles } from '../../output/write.ts';
import type { Context } from '../context.ts';
import { dashboardOptions } from '../options.ts';

export interface AlertsFlags extends DashboardFlags {
  out?: string;
  stdout?: boolean;
  format?: string;
  grafanaUrl?: string;
  datasourceUid?: string;
  folder?: string;
}

export function builder(y: Argv) {
  return dashboardOptions(y)
          .option('out', { type: 'string', describe: 'output directory (default out/alerts/, or <config out>/alerts/)' })
          .option('stdout', { type: 'boolean', describe: 'print the rules instead of writing a file' })
          .option('format', {
            type: 'string',
            choices: [...ALERT_FORMATS],
            describe:
              'prometheus (default): a Prometheus rule file, <uid>.rules.yml; grafana: Grafana-managed rules in the provisioning format, <uid>.grafana-alerts.yaml',
          })
          .option('grafana-url', { type: 'string', describe: "Grafana's address: each alert links to the dashboard filtered to its stream (config: alerts.grafanaUrl)" })
          .option('datasource-uid', { type: 'string', describe: 'with --format grafana (required): the Prometheus datasource the rules query (config: alerts.datasourceUid)' })
          .option('folder', { type: 'string', describe: `with --format grafana: the folder of the rules (default ${DEFAULT_ALERT_FOLDER}; config: alerts.folder)` })
          .conflicts('out', 'stdout');
}

const FLAG = { grafanaUrl: '--grafana-url', datasourceUid: '--datasource-uid', folder: '--folder' } as const;

/** The alert flags, checked with the config's own rules; a UsageError names each bad flag. */
function alertFlags(argv: AlertsFlags): AlertOptions {
  const given = Object.fromEntries((Object.keys(FLAG) as (keyof typeof FLAG)[]).filter((k) => argv[k] !== undefined).map((k) => [k, argv[k]]));
  const parsed = AlertOptions.safeParse(given);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${FLAG[i.path[0] as keyof typeof FLAG]}: ${i.message}`).join('\n'));
  return parsed.data;
}

/** What runs once the command line is parsed. */
export async function handler(ctx: Context, argv: AlertsFlags): Promise<void> {
  const format = (argv.format ?? 'prometheus') as AlertFormat;
  const flags = alertFlags(argv);
  if (format === 'prometheus') {
    const stray = (['datasourceUid', 'folder'] as const).filter((k) => argv[k] !== undefined);
    if (stray.length) throw new UsageError(stray.map((k) => `${FLAG[k]}: only used with --format grafana; add it or drop this flag`).join('\n'));
  }
  if (argv.profile !== undefined && profileNames().includes(argv.profile) && !prometheusProfileNames().includes(argv.profile)) {
    throw new UsageError(`--profile ${argv.profile}: ${NOT_PROMQL}`);
  }
  const { dashboards, file } = await loadPlan(ctx.cwd, argv);
  const toStdout = argv.stdout ?? file.stdout;
  if (toStdout && dashboards.length > 1) {
    throw new UsageError(`--stdout: the config lists ${dashboards.length} dashboards; write them to a directory with --out`);
  }
  // Every file is made before any is written: an error leaves no half-written set.
  const made = dashboards.map(({ options }) => {
    const settings = { ...options.alerts, ...flags };
    if (format === 'grafana' && !settings.datasourceUid) {
      throw new UsageError(
        `--datasource-uid: Grafana-managed rules name the Prometheus datasource they query by its uid (Connections → Data sources → the datasource's URL ends in it); ` +
          `give --datasource-uid UID or alerts.datasourceUid in the config`,
      );
    }
    return alertFile(options, format, settings);
  });
  if (toStdout) {
    ctx.stdout(made[0]!.content);
    return;
  }
  const out = argv.out ?? join(file.out ?? 'out', 'alerts');
  const dir = resolve(ctx.cwd, out);
  const what = argv.out !== undefined ? `--out ${out}` : file.out !== undefined ? `config.out ${file.out} (alerts go to its alerts/)` : 'out/alerts/ (the default of --out)';
  // Checked whole before anything is written, and written whole or not at all.
  const written = writeFiles(made.map((m) => ({ path: join(dir, m.name), content: () => m.content, what })));
  for (const [i, m] of made.entries()) {
    ctx.stdout(`wrote ${written[i]} (${m.plan.rules.length} rules)\n`);
    for (const note of m.plan.notes) ctx.stdout(`  note: ${note}\n`);
  }
}
