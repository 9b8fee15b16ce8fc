import type { CommandModule } from 'yargs';
import type { Context } from '../context.ts';
import { remoteOptions, type RemoteFlags } from './remote.ts';

export type DiffFlags = RemoteFlags & { exitCode?: boolean };

export function diffCommand(ctx: Context): CommandModule<object, DiffFlags> {
  return {
    command: 'diff',
    describe: 'Show what publish would change, path by path (server-managed fields ignored)',
    builder: (y) => remoteOptions(y).option('exit-code', { type: 'boolean', describe: 'exit 0 when equal, 1 when different, 2 on error (like git diff --exit-code)' }),
    handler: async (argv) => (await import('../handlers/diff.ts')).diff(ctx, argv),
  };
}
