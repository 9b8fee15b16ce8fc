import type { CommandModule } from 'yargs';
import type { Context } from '../context.ts';
import { remoteOptions, type RemoteFlags } from './remote.ts';

export type PublishFlags = RemoteFlags & { message?: string; dryRun?: boolean; force?: boolean };

export function publishCommand(ctx: Context): CommandModule<object, PublishFlags> {
  return {
    command: 'publish',
    describe: 'Create or update the dashboard in Grafana or Logz.io (safe: conditional writes, no blind overwrites)',
    builder: (y) =>
      remoteOptions(y)
        .option('message', { type: 'string', describe: 'version message shown in Grafana\'s history' })
        .option('dry-run', { type: 'boolean', describe: 'write nothing; print what would change' })
        .option('force', { type: 'boolean', describe: 'overwrite concurrent changes and dashboards this tool did not create' }),
    handler: async (argv) => (await import('../handlers/publish.ts')).publish(ctx, argv),
  };
}
