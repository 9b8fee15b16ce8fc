import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.ts';
import type { JsonObject, StandinOptions } from '../support/grafana-standin.ts';
import { useGrafana } from '../support/publish.ts';

const setup = useGrafana();
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ path: dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

/** Writes a config with this owner listing these uids; returns its path. */
async function config(name: string, owner: string | undefined, uids: string[]): Promise<string> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify({ ...(owner ? { owner } : {}), dashboards: uids.map((uid) => ({ uid, title: `Kinesis ${uid}` })) }));
  return path;
}

const APIS: Array<[string, StandinOptions]> = [
  ['legacy API', {}],
  ['Kubernetes-style API', { k8s: { versions: ['v1beta1'] } }],
];

for (const [api, options] of APIS) {
  describe(`publish --prune (${api})`, () => {
    it('deletes the one of three the config no longer lists; the others are untouched; --json says deleted', async () => {
      const { g, run } = await setup(options);
      expect((await run(['publish', '--config', await config('three', 'team-a', ['k-a', 'k-b', 'k-c'])])).code).toBe(0);
      const two = await config('three', 'team-a', ['k-a', 'k-b']);
      const r = await run(['publish', '--config', two, '--prune', '--json']);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      const out = JSON.parse(r.stdout);
      expect(out.owner).toBe('team-a');
      expect(out.results.map((x: { uid: string; status: string }) => [x.uid, x.status])).toEqual([
        ['k-a', 'unchanged'],
        ['k-b', 'unchanged'],
        ['k-c', 'deleted'],
      ]);
      expect(g.state.getDashboard('k-c')).toBeUndefined();
      expect(g.state.getDashboard('k-a')).toBeDefined();
      const del = g.requests.filter((x) => x.method === 'DELETE');
      expect(del).toHaveLength(1);
      if (options.k8s) {
        // Conditional on the object as read: its uid and resourceVersion.
        expect(del[0]!.path).toBe('/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards/k-c');
        expect(del[0]!.body).toMatchObject({ kind: 'DeleteOptions', preconditions: { uid: expect.any(String), resourceVersion: expect.any(String) } });
      } else expect(del[0]!.path).toBe('/api/dashboards/uid/k-c');
      // Again: nothing left to prune.
      const again = await run(['publish', '--config', two, '--prune']);
      expect(again.stdout).not.toMatch(/k-c/);
    });

    it("never touches another owner's dashboards, nor dashboards without the marks", async () => {
      const { g, run } = await setup(options);
      await run(['publish', '--config', await config('b', 'team-b', ['other'])]);
      await run(['publish', '--uid', 'by-hand']); // managed tag, no owner
      await run(['publish', '--config', await config('a', 'team-a', ['mine', 'gone'])]);
      const r = await run(['publish', '--config', await config('a', 'team-a', ['mine']), '--prune']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^deleted\s+gone/m);
      expect(r.stdout).not.toMatch(/other|by-hand/);
      expect(g.state.getDashboard('other')).toBeDefined();
      expect(g.state.getDashboard('by-hand')).toBeDefined();
      expect(g.state.getDashboard('gone')).toBeUndefined();
    });

    it('refuses a dashboard changed in Grafana since it was written (exit 1, says why); --force deletes it', async () => {
      const { g, run } = await setup(options);
      await run(['publish', '--config', await config('a', 'team-a', ['keep', 'edited'])]);
      const stored = g.state.getDashboard('edited')!;
      stored.dashboard = { ...stored.dashboard, title: 'Edited by hand' };
      const one = await config('a', 'team-a', ['keep']);
      const r = await run(['publish', '--config', one, '--prune']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^failed\s+edited\s+\S+\s+it was changed in Grafana since this tool wrote it .*; pass --force to delete it anyway$/m);
      expect(g.state.getDashboard('edited')).toBeDefined();
      expect(g.requests.filter((x) => x.method === 'DELETE')).toHaveLength(0);
      const forced = await run(['publish', '--config', one, '--prune', '--force']);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toMatch(/^deleted\s+edited/m);
      expect(g.state.getDashboard('edited')).toBeUndefined();
    });

    it('refuses a provisioned dashboard, even with --force', async () => {
      const { g, run } = await setup(options);
      await run(['publish', '--config', await config('a', 'team-a', ['keep', 'prov'])]);
      g.state.getDashboard('prov')!.provisioned = true;
      const r = await run(['publish', '--config', await config('a', 'team-a', ['keep']), '--prune', '--force']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^failed\s+prov\s+.*(provisioned|managed by).*never deleted/m);
      expect(g.state.getDashboard('prov')).toBeDefined();
    });

    it('--dry-run lists the deletion and deletes nothing; diff --prune shows it (exit 1 with --exit-code)', async () => {
      const { g, run } = await setup(options);
      await run(['publish', '--config', await config('a', 'team-a', ['keep', 'drop'])]);
      const one = await config('a', 'team-a', ['keep']);
      const dry = await run(['publish', '--config', one, '--prune', '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/^would delete\s+drop/m);
      expect(dry.stdout).toMatch(/0 to create, 0 to update, 1 to delete, 1 unchanged, 0 failed/);
      const diff = await run(['diff', '--config', one, '--prune', '--exit-code']);
      expect(diff.code).toBe(1);
      expect(diff.stdout).toContain('drop: would be deleted (no longer listed)\n');
      expect(g.state.getDashboard('drop')).toBeDefined();
      expect(g.requests.filter((x) => x.method === 'DELETE')).toHaveLength(0);
    });
  });
}

describe('publish --prune: a delete whose answer is lost', () => {
  it('is settled by the read that follows: gone means deleted', async () => {
    const { g, run } = await setup();
    await run(['publish', '--config', await config('a', 'team-a', ['keep', 'drop'])]);
    g.faults.push({ match: { method: 'DELETE' }, kind: 'resetAfterApply' });
    const r = await run(['publish', '--config', await config('a', 'team-a', ['keep']), '--prune']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deleted\s+drop/m);
    expect(g.requests.filter((x) => x.method === 'DELETE')).toHaveLength(1);
  });

  it('is unknown when that read fails too: exit 1, nothing sent again, says how to check', async () => {
    const { g, run } = await setup({ k8s: { versions: ['v1beta1'] } });
    await run(['publish', '--config', await config('a', 'team-a', ['keep', 'drop'])]);
    const path = '/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards/drop';
    g.faults.push({ match: { method: 'DELETE' }, kind: 'resetAfterApply' }, { match: { method: 'GET', path }, skip: 1, kind: 'status', status: 503, times: 20 });
    const r = await run(['publish', '--config', await config('a', 'team-a', ['keep']), '--prune', '--json']);
    expect(r.code).toBe(1);
    const drop = JSON.parse(r.stdout).results.find((x: { uid: string }) => x.uid === 'drop');
    expect(drop).toMatchObject({ status: 'unknown' });
    expect(drop.error).toMatch(/DELETE .*the write may or may not have been applied; the read that should have told failed too .*HTTP 503.*diff --prune/);
    expect(g.requests.filter((x) => x.method === 'DELETE')).toHaveLength(1);
  });

  it.each(APIS)("counts Grafana's own 404 on the delete as deleted (gone already), never a proxy's 404 page (%s)", async (_api, options) => {
    const { g, run } = await setup(options);
    await run(['publish', '--config', await config('a', 'team-a', ['keep', 'drop'])]);
    const notFound: JsonObject = options.k8s
      ? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, details: { name: 'drop', group: 'dashboard.grafana.app', kind: 'dashboards' }, message: 'dashboards.dashboard.grafana.app "drop" not found' }
      : { message: 'Dashboard not found', status: 'not-found' };
    g.faults.push({ match: { method: 'DELETE' }, kind: 'status', status: 404, body: notFound });
    const gone = await run(['publish', '--config', await config('a', 'team-a', ['keep']), '--prune']);
    expect(gone.code).toBe(0);
    expect(gone.stdout).toMatch(/^deleted\s+drop/m);

    await run(['publish', '--config', await config('b', 'team-b', ['keep2', 'drop2'])]);
    g.faults.push({ match: { method: 'DELETE' }, kind: 'status', status: 404, body: '<html><body>404 Not Found</body></html>' });
    const proxied = await run(['publish', '--config', await config('b', 'team-b', ['keep2']), '--prune']);
    // The page is no answer: the re-read finds it still there, the delete is sent again, and only then is it deleted.
    expect(proxied.stdout).toMatch(/^deleted\s+drop2/m);
    expect(g.requests.filter((x) => x.method === 'DELETE' && x.path.endsWith('/drop2'))).toHaveLength(2);
    expect(g.state.getDashboard('drop2')).toBeUndefined();
  });

  it('is refused when someone changed it meanwhile (the conditional delete says 409)', async () => {
    const { g, run } = await setup({ k8s: { versions: ['v1beta1'] } });
    await run(['publish', '--config', await config('a', 'team-a', ['keep', 'drop'])]);
    // Between our read and our delete, another write moves the resourceVersion.
    g.faults.push({ match: { method: 'DELETE' }, kind: 'delay', ms: 100 });
    const racing = run(['publish', '--config', await config('a', 'team-a', ['keep']), '--prune']);
    while (!g.requests.some((x) => x.method === 'DELETE')) await new Promise((res) => setTimeout(res, 2));
    g.state.getDashboard('drop')!.resourceVersion = '999999';
    const r = await racing;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed\s+drop\s+.*HTTP 409.*Precondition failed: ResourceVersion/m);
    expect(g.state.getDashboard('drop')).toBeDefined();
  });
});

describe('publish --prune: the marks must all be there', () => {
  it('keeps a dashboard with the owner label but without the owner tag (Kubernetes-style API), even with --force', async () => {
    const { g, run } = await setup({ k8s: { versions: ['v1beta1'] } });
    await run(['publish', '--config', await config('a', 'team-a', ['keep', 'untagged'])]);
    const stored = g.state.getDashboard('untagged')!;
    stored.dashboard = { ...stored.dashboard, tags: (stored.dashboard.tags as string[]).filter((t) => !t.startsWith('kinesis-dashboards-owner:')) };
    expect(stored.labels['kinesis-dashboards/owner']).toBe('team-a'); // still found by the label
    const r = await run(['publish', '--config', await config('a', 'team-a', ['keep']), '--prune', '--force']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed\s+untagged\s+\S+\s+it lacks the "kinesis-dashboards-owner:team-a" tag: only dashboards carrying all of this owner's marks are deleted; never deleted$/m);
    expect(g.state.getDashboard('untagged')).toBeDefined();
    expect(g.requests.filter((x) => x.method === 'DELETE')).toHaveLength(0);
  });
});

describe('--prune needs a declared owner', () => {
  it('refuses without config.owner (the default from the file name could be shared), exit 2, nothing sent', async () => {
    const { g, run } = await setup();
    const r = await run(['publish', '--config', await config('dashboards', undefined, ['k-a']), '--prune']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--prune: config\.owner is not set; the default \("dashboards", from the file's name\) could be another repository's too/);
    const flagsOnly = await run(['publish', '--prune']);
    expect(flagsOnly.code).toBe(2);
    expect(flagsOnly.stderr).toMatch(/--prune: needs a config file/);
    expect(g.requests).toHaveLength(0);
  });

  it('marks every published dashboard with the owner: tag (both APIs) and label (Kubernetes-style)', async () => {
    const { g, run } = await setup({ k8s: { versions: ['v1beta1'] } });
    await run(['publish', '--config', await config('a', 'team-a', ['k-a'])]);
    const d = g.state.getDashboard('k-a')!;
    expect(d.dashboard.tags).toContain('kinesis-dashboards-owner:team-a');
    expect(d.labels['kinesis-dashboards/owner']).toBe('team-a');
    // Without an owner in the config, the file's name is the owner: visible in the tags and in --json.
    const r = await run(['publish', '--config', await config('kinesis-prod', undefined, ['k-b']), '--json']);
    expect(JSON.parse(r.stdout).owner).toBe('kinesis-prod');
    expect(g.state.getDashboard('k-b')!.dashboard.tags).toContain('kinesis-dashboards-owner:kinesis-prod');
  });
});

describe('publish --prune --prune-folders', () => {
  it('removes a folder the tool created once pruning empties it (and its parent), keeps a folder made by hand or not empty', async () => {
    const { g, run } = await setup();
    g.state.seedFolder({ uid: 'manual', title: 'Manual' });
    const path = join(dir, 'f.json');
    const write = (entries: object[]) => writeFile(path, JSON.stringify({ owner: 'team-a', dashboards: entries }));
    await write([
      { uid: 'keep', title: 'Keep' },
      { uid: 'drop', title: 'Drop', folder: 'Team/Kinesis' },
      { uid: 'drop2', title: 'Drop 2', folder: 'Manual' },
      { uid: 'drop3', title: 'Drop 3', folder: 'Shared' },
      { uid: 'stay', title: 'Stay', folder: 'Shared' },
    ]);
    expect((await run(['publish', '--config', path])).code).toBe(0);
    const created = [...g.state.orgs.get(1)!.folders.values()].filter((f) => f.uid !== 'manual');
    expect(created.map((f) => f.title).sort()).toEqual(['Kinesis', 'Shared', 'Team']);
    expect(created.every((f) => f.uid.startsWith('kd-'))).toBe(true);

    await write([{ uid: 'keep', title: 'Keep' }, { uid: 'stay', title: 'Stay', folder: 'Shared' }]);
    const r = await run(['publish', '--config', path, '--prune', '--prune-folders', '--json']);
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout).results as Array<{ uid: string; title: string; status: string; error?: string }>;
    expect(results.filter((x) => x.status === 'deleted').map((x) => x.title).sort()).toEqual(['Drop', 'Drop 2', 'Drop 3', 'Kinesis', 'Team']);
    expect(results.find((x) => x.uid === 'manual')).toMatchObject({ status: 'unchanged', error: 'folder kept: not created by kinesis-dashboards where it is now' });
    expect(results.find((x) => x.title === 'Shared')).toMatchObject({ status: 'unchanged', error: 'folder kept: it is not empty' });
    const left = [...g.state.orgs.get(1)!.folders.values()].map((f) => f.title).sort();
    expect(left).toEqual(['Manual', 'Shared']);
    expect(g.state.getDashboard('stay')).toBeDefined();
  });

  it('leaves folders alone without the flag, and refuses the flag without --prune (exit 2, nothing sent)', async () => {
    const { g, run } = await setup();
    const path = join(dir, 'f.json');
    await writeFile(path, JSON.stringify({ owner: 'team-a', dashboards: [{ uid: 'keep', title: 'Keep' }, { uid: 'drop', title: 'Drop', folder: 'Kinesis' }] }));
    await run(['publish', '--config', path]);
    await writeFile(path, JSON.stringify({ owner: 'team-a', dashboards: [{ uid: 'keep', title: 'Keep' }] }));
    const before = g.requests.length;
    const bad = await run(['publish', '--config', path, '--prune-folders']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--prune-folders: only with --prune/);
    expect(g.requests.length).toBe(before);
    expect((await run(['publish', '--config', path, '--prune'])).stdout).toMatch(/^deleted\s+drop/m);
    expect([...g.state.orgs.get(1)!.folders.values()].map((f) => f.title)).toEqual(['Kinesis']);
  });
});
