import type { Argv, CommandModule } from 'yargs';
import type { DashboardFlags } from '../../config/load.ts';
import { DEFAULT_PROVISIONING_PATH } from '../../provisioning-layout.ts';
import type { ProvisioningFlags } from '../../provisioning.ts';
import type { Context } from '../context.ts';

// Each command module holds what yargs needs to parse a command line and print help; the code that
// runs the command is imported by its handler (src/cli/handlers/), so a run loads only its own.

export type GenerateFlags = DashboardFlags & ProvisioningFlags & { out?: string; stdout?: boolean; format?: string; schema?: 'v1' | 'v2' };

/** Options shared by every command that makes a dashboard (generate, and later publish/diff). */
export function dashboardOptions<T>(y: Argv<T>) {
  return y
    .option('profile', { type: 'string', describe: 'where the metrics come from: cloudwatch-exporter (default), yace, logzio-metric-streams (Prometheus), or cloudwatch (Grafana\'s CloudWatch datasource)' })
    .option('config', { type: 'string', describe: 'JSON config file; flags win over it' })
    .option('uid', { type: 'string', describe: 'dashboard uid (default aws-kinesis)' })
    .option('title', { type: 'string', describe: 'dashboard title (default "Amazon Kinesis")' });
}

export function generateCommand(ctx: Context): CommandModule<object, GenerateFlags> {
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
        .option('schema', {
          choices: ['v1', 'v2'] as const,
          describe: 'v1 (default): the classic dashboard JSON, <uid>.json; v2: a dashboard.grafana.app/v2beta1 resource (Grafana 12, rows layout), <uid>.v2.json',
        })
        .option('provisioning', { type: 'string', describe: 'write Grafana file provisioning: DIR/kinesis-dashboards.yaml and DIR/dashboards/<uid>.json' })
        .option('folder-title', { type: 'string', describe: 'with --provisioning: the Grafana folder (default General)' })
        .option('folder-uid', { type: 'string', describe: 'with --provisioning and --folder-title: that folder\'s uid' })
        .option('provisioning-path', { type: 'string', describe: `with --provisioning: where Grafana reads the JSON files (default ${DEFAULT_PROVISIONING_PATH})` })
        .conflicts('out', 'stdout')
        .conflicts('provisioning', 'stdout'),
    handler: async (argv) => (await import('../handlers/generate.ts')).generate(ctx, argv),
  };
}
