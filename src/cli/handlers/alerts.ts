import { join, resolve } from 'node:path';
import { alertFile, NOT_PROMQL, type AlertFormat } from '../../alerts/index.ts';
import { loadPlan } from '../../config/load.ts';
import { AlertOptions } from '../../config/schema.ts';
import { UsageError } from '../../errors.ts';
import { profileNames, prometheusProfileNames } from '../../profiles/index.ts';
import { writeFiles } from '../../write.ts';
import type { AlertsFlags } from '../commands/alerts.ts';
import type { Context } from '../context.ts';

const FLAG = { grafanaUrl: '--grafana-url', datasourceUid: '--datasource-uid', folder: '--folder' } as const;

/** The alert flags, checked with the config's own rules; a UsageError names each bad flag. */
function alertFlags(argv: AlertsFlags): AlertOptions {
  const given = Object.fromEntries((Object.keys(FLAG) as (keyof typeof FLAG)[]).filter((k) => argv[k] !== undefined).map((k) => [k, argv[k]]));
  const parsed = AlertOptions.safeParse(given);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${FLAG[i.path[0] as keyof typeof FLAG]}: ${i.message}`).join('\n'));
  return parsed.data;
}

/** `alerts`: what runs once the command line is parsed (src/cli/commands/alerts.ts). */
export async function alerts(ctx: Context, argv: AlertsFlags): Promise<void> {
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
