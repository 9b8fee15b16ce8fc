import type { Argv } from 'yargs';
import { UsageError } from '../../errors.ts';
import pkg from '../../../package.json' with { type: 'json' };
import { publishAll, summarize, type Result } from '../../publish/publisher.ts';
import type { Context } from '../context.ts';
import { remoteOptions, type RemoteFlags } from '../options.ts';
import { openWhileMaking, plan, refuseTokenFlag, withConnection } from '../remote.ts';

export type PublishFlags = RemoteFlags & { message?: string; dryRun?: boolean; force?: boolean; pruneFolders?: boolean };

export function builder(y: Argv) {
  return remoteOptions(y)
          .option('message', { type: 'string', describe: 'version message shown in Grafana\'s history' })
          .option('dry-run', { type: 'boolean', describe: 'write nothing; print what would change' })
          .option('force', { type: 'boolean', describe: 'overwrite concurrent changes and dashboards this tool did not create' })
          .option('prune-folders', { type: 'boolean', describe: 'with --prune: also delete a folder this tool created once pruning leaves it empty (and its parents likewise)' });
}

/** One line per dashboard: status, uid, URL or reason; dry runs list their changes. */
export function formatResults(results: Result[], showChanges: boolean): string {
  return results
    .map((r) => {
      const head = `${r.status.padEnd(12)} ${r.uid}${r.url ? `  ${r.url}` : ''}${r.error ? `  ${r.error}` : ''}`;
      return showChanges && r.changes.length ? [head, ...r.changes.map((c) => `    ${c}`)].join('\n') : head;
    })
    .join('\n') + '\n';
}

/** On a terminal, a one-line counter on stderr while a fleet is published; nothing in logs. */
export function progress(out: Context, json?: boolean) {
  if (!out.isTTY || json) return undefined;
  return (r: Result, done: number, total: number) => {
    out.stderr(`\r\x1b[2K[${done}/${total}] ${r.uid} ${r.status}${done === total ? '\n' : ''}`);
  };
}

/** What runs once the command line is parsed. */
export async function handler(ctx: Context, argv: PublishFlags): Promise<void> {
  refuseTokenFlag(argv);
  if (argv.pruneFolders && !argv.prune) throw new UsageError('--prune-folders: only with --prune (it removes folders that pruning left empty)');
  const { items: making, connection, api, schema, owner, listed } = await plan(ctx, argv);
  await withConnection(ctx, connection, async (conn, out) => {
    const { store, list: items } = await openWhileMaking(conn, api, making, schema);
    const message = argv.message ?? `Published by kinesis-dashboards ${pkg.version}`;
    const results = await publishAll(conn, store, items, { dryRun: !!argv.dryRun, force: !!argv.force, message, onResult: progress(out, argv.json) });
    // Deletions after the writes: a dashboard renamed in the config (a new uid) exists before its old one goes.
    if (argv.prune && owner) {
      const { pruneAll, pruneFolders } = await import('../../publish/prune.ts');
      const pruned = await pruneAll(conn, store, owner.id, listed, { dryRun: !!argv.dryRun, force: !!argv.force });
      results.push(...pruned);
      if (argv.pruneFolders && !argv.dryRun) results.push(...(await pruneFolders(conn, pruned.flatMap((r) => (r.status === 'deleted' && r.folderUid ? [r.folderUid] : [])))));
    }
    if (argv.json) out.stdout(`${JSON.stringify({ api: store.api, dryRun: !!argv.dryRun, ...(owner ? { owner: owner.id } : {}), results }, null, 2)}\n`);
    else out.stdout(formatResults(results, !!argv.dryRun) + (results.length > 1 ? `${summarize(results)}\n` : ''));
    if (results.some((r) => r.status === 'failed' || r.status === 'unknown')) ctx.exitCode = 1;
  });
}
