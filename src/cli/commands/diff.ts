import type { Argv } from 'yargs';
import { publishAll } from '../../publish/publisher.ts';
import type { Context } from '../context.ts';
import { remoteOptions, type RemoteFlags } from '../options.ts';
import { openWhileMaking, plan, refuseTokenFlag, withConnection } from '../remote.ts';

export type DiffFlags = RemoteFlags & { exitCode?: boolean };

export function builder(y: Argv) {
  return remoteOptions(y).option('exit-code', { type: 'boolean', describe: 'exit 0 when equal, 1 when different, 2 on error (like git diff --exit-code)' });
}

/** What runs once the command line is parsed. */
export async function handler(ctx: Context, argv: DiffFlags): Promise<void> {
  try {
    await run(ctx, argv);
  } catch (err) {
    // git diff --exit-code: 1 means "different", so any error must be 2.
    if (!argv.exitCode) throw err;
    ctx.stderr(`kinesis-dashboards: ${(err as Error).message}\n`);
    ctx.exitCode = 2;
  }
}

async function run(ctx: Context, argv: DiffFlags) {
  refuseTokenFlag(argv);
  const { items: making, connection, api, schema, owner, listed } = await plan(ctx, argv);
  await withConnection(ctx, connection, async (conn, out) => {
    const { store, list: items } = await openWhileMaking(conn, api, making, schema);
    // A dry-run publish that ignores ownership: diff shows changes, publish decides about them.
    const results = await publishAll(conn, store, items, { dryRun: true, force: true, message: '' });
    // With --prune: what publish --prune would delete, and what it would keep and why (not a failure of diff).
    const pruned = argv.prune && owner ? await (await import('../../publish/prune.ts')).pruneAll(conn, store, owner.id, listed, { dryRun: true, force: false }) : [];
    if (argv.json) out.stdout(`${JSON.stringify({ api: store.api, ...(owner ? { owner: owner.id } : {}), results: [...results, ...pruned] }, null, 2)}\n`);
    else {
      for (const r of pruned) {
        if (r.status === 'would delete') out.stdout(`${r.uid}: would be deleted (no longer listed)\n  - (dashboard ${JSON.stringify(r.title)})\n`);
        else if (r.status === 'failed') out.stdout(`${r.uid}: no longer listed, but kept: ${r.error}\n`);
      }
      for (const r of results) {
        if (r.status === 'failed') out.stdout(`failed ${r.uid}: ${r.error}\n`);
        else if (!r.changes.length) out.stdout(`${r.uid}: no changes\n`);
        else out.stdout(`${r.uid}: ${r.status === 'would create' ? 'not in Grafana yet' : `${r.changes.length} change${r.changes.length > 1 ? 's' : ''}`}\n${r.changes.map((c) => `  ${c}`).join('\n')}\n`);
      }
    }
    const failed = results.some((r) => r.status === 'failed');
    const different = results.some((r) => r.changes.length > 0) || pruned.some((r) => r.status === 'would delete');
    if (failed) ctx.exitCode = argv.exitCode ? 2 : 1;
    else if (argv.exitCode && different) ctx.exitCode = 1;
  });
}
