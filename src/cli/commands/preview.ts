import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { loadDashboardOptions } from '../../config/load.ts';
import { UID_PATTERN } from '../../config/schema.ts';
import { UsageError } from '../../errors.ts';
import { comparePanels, layoutItems, previewSvg } from '../../preview.ts';
import { serialize } from '../../serialize.ts';
import { synthOptions } from '../../synth.ts';
import { ensureDir, writeAtomic } from '../../write.ts';
import type { Context } from '../context.ts';
import { dashboardOptions, type DashboardFlags } from './generate.ts';

type PreviewFlags = DashboardFlags & { file?: string; diff?: string; out?: string; stdout?: boolean };

/**
 * Reads a dashboard JSON file for `flag`. Takes a dashboard, or the body of Grafana's
 * GET /api/dashboards/uid/:uid (`{dashboard, meta}`), so a saved API answer works as is.
 */
export async function readDashboardJson(ctx: Context, path: string, flag: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(resolve(ctx.cwd, path), 'utf8');
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}); pass a dashboard JSON file`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${flag} ${path}: not valid JSON (${(err as Error).message}); fix the syntax`);
  }
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(value) && !('panels' in value) && isObj(value.dashboard)) value = value.dashboard;
  if (!isObj(value)) throw new UsageError(`${flag} ${path}: not a dashboard (expected a JSON object with "panels")`);
  if (value.panels !== undefined && !Array.isArray(value.panels)) throw new UsageError(`${flag} ${path}: "panels" is not an array`);
  return value;
}

export function previewCommand(ctx: Context): CommandModule<object, PreviewFlags> {
  return {
    command: 'preview',
    describe: 'Draw the dashboard as an SVG wireframe for review (out/<uid>.svg); --diff marks what changed',
    builder: (y) =>
      dashboardOptions(y)
        .option('file', { type: 'string', describe: 'draw this dashboard JSON instead of the generated one' })
        .option('diff', { type: 'string', describe: 'another version of the dashboard (JSON, e.g. the live one): mark changed, added and removed panels' })
        .option('out', { type: 'string', describe: 'SVG file to write (default out/<uid>.svg)' })
        .option('stdout', { type: 'boolean', describe: 'print the SVG instead of writing a file' })
        .conflicts('out', 'stdout')
        .conflicts('file', ['profile', 'config', 'uid', 'title']),
    handler: async (argv) => {
      const dashboard = argv.file
        ? await readDashboardJson(ctx, argv.file, '--file')
        : // exactly what generate writes
          (JSON.parse(serialize(synthOptions((await loadDashboardOptions(ctx, argv)).options))) as Record<string, unknown>);
      const against = argv.diff ? await readDashboardJson(ctx, argv.diff, '--diff') : undefined;
      const svg = previewSvg(dashboard, { against });
      if (argv.stdout) {
        ctx.stdout(svg);
        return;
      }
      const uid = typeof dashboard.uid === 'string' && UID_PATTERN.test(dashboard.uid) ? dashboard.uid : undefined;
      const name = uid ?? basename(argv.file ?? 'dashboard', extname(argv.file ?? '')).replace(/[^A-Za-z0-9_.-]/g, '_');
      const out = argv.out ?? `out/${name}.svg`;
      const path = resolve(ctx.cwd, out);
      await ensureDir(dirname(path), argv.out !== undefined ? `--out ${out}` : `out/ (the default for --out)`);
      await writeAtomic(path, svg);
      let summary = '';
      if (against) {
        const cmp = comparePanels(layoutItems(dashboard), layoutItems(against));
        const n = (s: string) => cmp.status.filter((x) => x === s).length;
        summary = ` (${n('changed')} changed, ${n('added')} added, ${cmp.removed.length} removed)`;
      }
      ctx.stdout(`wrote ${path}${summary}\n`);
    },
  };
}
