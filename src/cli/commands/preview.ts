import type { CommandModule } from 'yargs';
import type { ConnectionFlags } from '../../grafana/connection.ts';
import type { DashboardApiChoice } from '../../grafana/store.ts';
import type { Context } from '../context.ts';
import type { DashboardFlags } from '../../config/load.ts';
import { dashboardOptions } from './generate.ts';
import { connectionOptions } from './remote.ts';

export type PreviewFlags = DashboardFlags & ConnectionFlags & { file?: string; diff?: string; live?: boolean; out?: string; stdout?: boolean; api?: DashboardApiChoice; token?: string };

export function previewCommand(ctx: Context): CommandModule<object, PreviewFlags> {
  return {
    command: 'preview',
    describe: 'Draw the dashboard as an SVG wireframe for review (out/<uid>.svg); --diff marks what changed',
    builder: (y) =>
      connectionOptions(dashboardOptions(y))
        .option('file', { type: 'string', describe: 'draw this dashboard JSON instead of the generated one' })
        .option('diff', { type: 'string', describe: 'another version of the dashboard (JSON, e.g. the live one): mark changed, added and removed panels' })
        .option('live', { type: 'boolean', describe: 'compare with the live dashboard in Grafana or Logz.io (connection options as for publish): mark what publishing would change' })
        .conflicts('live', 'diff')
        .option('out', { type: 'string', describe: 'SVG file to write (default out/<uid>.svg)' })
        .option('stdout', { type: 'boolean', describe: 'print the SVG instead of writing a file' })
        .conflicts('out', 'stdout')
        .conflicts('file', ['profile', 'config', 'uid', 'title']),
    handler: async (argv) => (await import('../handlers/preview.ts')).preview(ctx, argv),
  };
}
