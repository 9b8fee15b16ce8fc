import type { CommandModule } from 'yargs';
import { ALERT_FORMATS, DEFAULT_ALERT_FOLDER } from '../../alerts/formats.ts';
import type { Context } from '../context.ts';
import type { DashboardFlags } from '../../config/load.ts';
import { dashboardOptions } from './generate.ts';

export interface AlertsFlags extends DashboardFlags {
  out?: string;
  stdout?: boolean;
  format?: string;
  grafanaUrl?: string;
  datasourceUid?: string;
  folder?: string;
}

export function alertsCommand(ctx: Context): CommandModule<object, AlertsFlags> {
  return {
    command: 'alerts',
    describe: 'Write alert rules from the same catalog and thresholds as the dashboard (out/alerts/<uid>.rules.yml)',
    builder: (y) =>
      dashboardOptions(y)
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
        .conflicts('out', 'stdout'),
    handler: async (argv) => (await import('../handlers/alerts.ts')).alerts(ctx, argv),
  };
}
