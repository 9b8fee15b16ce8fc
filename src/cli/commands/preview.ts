import { basename, extname, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadDashboardOptions, type DashboardFlags } from '../../config/load.ts';
import { UID_PATTERN } from '../../config/schema.ts';
import { UsageError } from '../../errors.ts';
import { isObject } from '../../json.ts';
import { comparePanels, layoutItems, notPreviewable, previewSvg } from '../../output/preview.ts';
import { openStore } from '../../publish/publisher.ts';
import { MAX_BYTES, readJsonFile } from '../../read.ts';
import { serialize } from '../../output/serialize.ts';
import { synthOptions } from '../../dashboard/synth.ts';
import { isV2Document } from '../../dashboard/v2.ts';
import { writeAtomic } from '../../output/write.ts';
import type { Context } from '../context.ts';
import { connectionOptions, dashboardOptions, type ConnectionOptionFlags } from '../options.ts';
import { refuseTokenFlag, withConnection } from '../remote.ts';

export type PreviewFlags = DashboardFlags & ConnectionOptionFlags & { file?: string; diff?: string; live?: boolean; out?: string; stdout?: boolean };

export function builder(y: Argv) {
  return connectionOptions(dashboardOptions(y))
          .option('file', { type: 'string', describe: 'draw this dashboard JSON instead of the generated one' })
          .option('diff', { type: 'string', describe: 'another version of the dashboard (JSON, e.g. the live one): mark changed, added and removed panels' })
          .option('live', { type: 'boolean', describe: 'compare with the live dashboard in Grafana or Logz.io (connection options as for publish): mark what publishing would change' })
          .conflicts('live', 'diff')
          .option('out', { type: 'string', describe: 'SVG file to write (default out/<uid>.svg)' })
          .option('stdout', { type: 'boolean', describe: 'print the SVG instead of writing a file' })
          .conflicts('out', 'stdout')
          .conflicts('file', ['profile', 'config', 'uid', 'title']);
}

/**
 * Reads a dashboard JSON file for `flag`. Takes a dashboard, or the body of Grafana's
 * GET /api/dashboards/uid/:uid (`{dashboard, meta}`), so a saved API answer works as is.
 */
export async function readDashboardJson(ctx: Context, path: string, flag: string): Promise<Record<string, unknown>> {
  let value = readJsonFile(ctx.cwd, path, `${flag} ${path}`, MAX_BYTES.dashboard, 'pass a dashboard JSON file');
  if (isObject(value) && !('panels' in value) && isObject(value.dashboard)) value = value.dashboard;
  if (isV2Document(value)) throw new UsageError(`${flag} ${path}: a v2 dashboard resource; the preview draws classic dashboard JSON (generate without --schema v2)`);
  const problem = notPreviewable(value);
  if (problem) throw new UsageError(`${flag} ${path}: ${problem}; pass a dashboard JSON file`);
  return value as Record<string, unknown>;
}

/** The live dashboard with the same uid; an empty one when it is not there yet (every panel is then new). */
async function liveDashboard(ctx: Context, flags: PreviewFlags, dashboard: Record<string, unknown>): Promise<Record<string, unknown>> {
  refuseTokenFlag(flags);
  if (typeof dashboard.uid !== 'string') throw new UsageError('--live: the dashboard has no uid to look up');
  const uid = dashboard.uid;
  return withConnection(ctx, flags, async (conn) => {
    const store = await openStore(conn, flags.api ?? 'auto');
    return (await store.read(uid))?.dashboard ?? { panels: [] };
  });
}

/** What runs once the command line is parsed. */
export async function handler(ctx: Context, argv: PreviewFlags): Promise<void> {
  const dashboard = argv.file
    ? await readDashboardJson(ctx, argv.file, '--file')
    : // exactly what generate writes
      (JSON.parse(serialize(synthOptions((await loadDashboardOptions(ctx.cwd, argv)).options))) as Record<string, unknown>);
  const against = argv.live ? await liveDashboard(ctx, argv, dashboard) : argv.diff ? await readDashboardJson(ctx, argv.diff, '--diff') : undefined;
  const svg = previewSvg(dashboard, { against });
  if (argv.stdout) {
    ctx.stdout(svg);
    return;
  }
  const uid = typeof dashboard.uid === 'string' && UID_PATTERN.test(dashboard.uid) ? dashboard.uid : undefined;
  const name = uid ?? basename(argv.file ?? 'dashboard', extname(argv.file ?? '')).replace(/[^A-Za-z0-9_.-]/g, '_');
  const out = argv.out ?? `out/${name}.svg`;
  const path = resolve(ctx.cwd, out);
  // The picture must not replace the dashboard it is drawn from.
  for (const [flag, input] of [['--file', argv.file], ['--diff', argv.diff]] as const) {
    if (input !== undefined && resolve(ctx.cwd, input) === path) throw new UsageError(`--out ${out}: is the ${flag} file; the SVG would replace the dashboard: choose another file`);
  }
  writeAtomic(path, svg, argv.out !== undefined ? `--out ${out}` : `out/ (the default for --out)`);
  let summary = '';
  if (against) {
    const cmp = comparePanels(layoutItems(dashboard), layoutItems(against));
    const n = (s: string) => cmp.status.filter((x) => x === s).length;
    summary = ` (${n('changed')} changed, ${n('added')} added, ${cmp.removed.length} removed)`;
  }
  ctx.stdout(`wrote ${path}${summary}\n`);
}
