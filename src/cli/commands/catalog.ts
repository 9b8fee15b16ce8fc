import type { Argv } from 'yargs';
import { catalog } from '../../catalog/index.ts';
import type { Context } from '../context.ts';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export function builder(y: Argv) {
  return y.option('json', { type: 'boolean', describe: 'print JSON for machines' });
}

/** What runs once the command line is parsed. */
export function handler(ctx: Context, argv: { json?: boolean }): void {
  const entries = [...catalog().values()];
  if (argv.json) {
    ctx.stdout(`${JSON.stringify(entries, null, 2)}\n`);
    return;
  }
  ctx.stdout(
    table([
      ['METRIC', 'LEVEL', 'UNIT', 'DEFAULT', 'STATISTICS'],
      ...entries.map((e) => [e.id, e.level, e.unit, e.defaultStatistic, e.statistics.join(',')]),
    ]),
  );
}
