import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/output/serialize.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { tempDir } from '../support/cli.ts';
import type { GrafanaStandin, JsonObject } from '../support/grafana-standin.ts';
import { useGrafana } from '../support/publish.ts';

const setup = useGrafana();
const generated = () => JSON.parse(serialize(synth())) as JsonObject;
/** Starts a run and resolves once the stand-in has its next write of this method (held up by a delay fault): a race made certain. */
async function held<T>(g: GrafanaStandin, method: string, start: () => Promise<T>): Promise<{ racing: Promise<T> }> {
  const before = g.requests.length;
  const racing = start();
  while (!g.requests.slice(before).some((r) => r.method === method)) await new Promise((r) => setTimeout(r, 2));
  return { racing };
}

describe('publish (legacy API)', () => {
  it('creates, then reports unchanged without writing, then updates with the live version', async () => {
    const { g, run, dashboardWrites } = await setup();
    const first = await run(['publish']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe(`created      aws-kinesis  ${g.url}/d/aws-kinesis/amazon-kinesis\n`);
    expect(g.state.getDashboard('aws-kinesis')!.version).toBe(1);

    const second = await run(['publish']);
    expect(second.stdout).toMatch(/^unchanged\s+aws-kinesis/);
    expect(dashboardWrites()).toBe(1);

    const third = await run(['publish', '--title', 'Kinesis (prod)', '--message', 'retitle']);
    expect(third.stdout).toMatch(/^updated\s+aws-kinesis\s+\S+\/d\/aws-kinesis\/kinesis-prod/);
    const stored = g.state.getDashboard('aws-kinesis')!;
    expect(stored).toMatchObject({ version: 2, message: 'retitle' });
    const post = g.requests.filter((r) => r.method === 'POST').at(-1)!.body as { dashboard: Record<string, unknown>; overwrite: boolean };
    expect(post.dashboard.version).toBe(1); // conditional on what was read
    expect(post.overwrite).toBe(false);
    expect('id' in post.dashboard).toBe(false);
  });

  it('publishes exactly what generate writes, marked as managed', async () => {
    const { g, run } = await setup();
    await run(['publish', '--profile', 'yace']);
    const stored = g.state.getDashboard('aws-kinesis')!.dashboard;
    const { id: _i, version: _v, ...rest } = stored;
    expect(rest).toEqual(JSON.parse(serialize(synth({ profile: 'yace' }))));
    expect(stored.tags).toContain('kinesis-dashboards');
  });

  it('refuses a concurrent change (412) with a clear error, exit 1', async () => {
    const { g, run } = await setup();
    await run(['publish']);
    // Someone saves between our read and our write: the POST waits while the stored version moves on.
    g.faults.push({ match: { method: 'POST', path: '/api/dashboards/db' }, kind: 'delay', ms: 150 });
    const { racing } = await held(g, 'POST', () => run(['publish', '--title', 'Ours']));
    g.state.seedDashboard({ dashboard: { ...g.state.getDashboard('aws-kinesis')!.dashboard, title: 'Theirs' }, version: 2 });
    const r = await racing;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed\s+aws-kinesis\s+changed by someone else since it was read \(HTTP 412\)/);
    expect(g.state.getDashboard('aws-kinesis')!.dashboard.title).toBe('Theirs');
  });

  it('treats the newest Grafana\'s 409 as a conflict too', async () => {
    const { g, run } = await setup({ legacyConflictStatus: 409 });
    await run(['publish']);
    g.faults.push({ match: { method: 'POST', path: '/api/dashboards/db' }, kind: 'delay', ms: 150 });
    const { racing } = await held(g, 'POST', () => run(['publish', '--title', 'Ours']));
    g.state.seedDashboard({ dashboard: { ...g.state.getDashboard('aws-kinesis')!.dashboard, title: 'Theirs' }, version: 2 });
    expect((await racing).stdout).toMatch(/changed by someone else since it was read \(HTTP 409\)/);
  });

  it('refuses a provisioned dashboard, even with --force (Grafana cannot save it)', async () => {
    const { g, run } = await setup();
    g.state.seedDashboard({ dashboard: { ...generated(), title: 'From files' }, provisioned: true, provisionedExternalId: 'kinesis.json' });
    const r = await run(['publish']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed\s+aws-kinesis.*it is provisioned from files \(kinesis\.json\); refusing to overwrite it/);
    const forced = await run(['publish', '--force']);
    expect(forced.code).toBe(1);
    expect(forced.stdout).toMatch(/provisioned from files: change it where it is provisioned/);
    expect(g.state.getDashboard('aws-kinesis')!.dashboard.title).toBe('From files');
  });

  it('refuses a same-uid dashboard it did not create unless --force', async () => {
    const { g, run } = await setup();
    g.state.seedDashboard({ dashboard: { uid: 'aws-kinesis', title: 'Hand made', tags: ['mine'], panels: [], schemaVersion: 39 } });
    const r = await run(['publish']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('was not created by kinesis-dashboards (no "kinesis-dashboards" tag); pass --force to take it over');
    expect(g.state.getDashboard('aws-kinesis')!.version).toBe(1);
    const forced = await run(['publish', '--force']);
    expect(forced).toMatchObject({ code: 0 });
    expect(forced.stdout).toMatch(/^updated/);
    expect(g.state.getDashboard('aws-kinesis')!.dashboard.title).toBe('Amazon Kinesis');
  });

  it('refuses a plugin\'s dashboard unless --force', async () => {
    const { g, run } = await setup();
    g.state.seedDashboard({ dashboard: { ...generated(), title: 'Plugin copy' }, pluginId: 'aws-kinesis-app' });
    const r = await run(['publish']);
    expect(r.stdout).toMatch(/The dashboard belongs to plugin aws-kinesis-app\. Refusing to replace a plugin's dashboard; pass --force/);
    expect((await run(['publish', '--force'])).stdout).toMatch(/^updated/);
  });

  it('writes nothing on --dry-run and prints the changes', async () => {
    const { g, run } = await setup();
    await run(['publish']);
    const writes = g.state.writes;
    const r = await run(['publish', '--dry-run', '--title', 'Renamed']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`would update aws-kinesis  ${g.url}/d/aws-kinesis/amazon-kinesis\n    ~ title: "Amazon Kinesis" → "Renamed"\n`);
    expect(g.state.writes).toBe(writes);
    const fresh = await run(['publish', '--dry-run', '--uid', 'other', '--folder-title', 'Team/Kinesis']);
    expect(fresh.stdout).toContain('would create other');
    expect(fresh.stdout).toContain('+ folder: "Team/Kinesis" (will be created)');
    expect(g.state.writes).toBe(writes);
  });

  it('prints a machine-readable result with --json', async () => {
    const { g, run } = await setup();
    const r = await run(['publish', '--json']);
    expect(JSON.parse(r.stdout)).toEqual({
      api: 'legacy',
      dryRun: false,
      results: [{ uid: 'aws-kinesis', title: 'Amazon Kinesis', status: 'created', url: `${g.url}/d/aws-kinesis/amazon-kinesis`, version: 1, changes: ['+ (new dashboard)'] }],
    });
  });

  it('publishes a dashboard file, and refuses one in the sharing format', async () => {
    const { g, run } = await setup();
    const { path: dir, cleanup } = await tempDir();
    try {
      await writeFile(join(dir, 'd.json'), JSON.stringify({ uid: 'from-file', title: 'From file', panels: [], schemaVersion: 42 }));
      const r = await run(['publish', '--file', join(dir, 'd.json')]);
      expect(r.stdout).toMatch(/^created\s+from-file/);
      expect(g.state.getDashboard('from-file')!.dashboard.tags).toEqual(['kinesis-dashboards']);
      await writeFile(join(dir, 's.json'), JSON.stringify({ uid: 'shared', title: 'S', panels: [{ datasource: { uid: '${DS_PROMETHEUS}' } }] }));
      const shared = await run(['publish', '--file', join(dir, 's.json')]);
      expect(shared.code).toBe(2);
      expect(shared.stderr).toMatch(/contains \$\{DS_PROMETHEUS\} from the import \(sharing\) format/);
      expect(g.state.getDashboard('shared')).toBeUndefined();
    } finally {
      await cleanup();
    }
  });
});

describe('folders', () => {
  it('puts the dashboard in an existing --folder-uid, and fails clearly when it does not exist', async () => {
    const { g, run } = await setup();
    g.state.seedFolder({ uid: 'team', title: 'Team' });
    expect((await run(['publish', '--folder-uid', 'team'])).code).toBe(0);
    expect(g.state.getDashboard('aws-kinesis')!.folderUid).toBe('team');
    const missing = await run(['publish', '--folder-uid', 'nope', '--uid', 'other']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/failed\s+other\s+folder uid "nope" does not exist/);
    expect(g.state.getDashboard('other')).toBeUndefined();
  });

  it('finds or creates each level of --folder-title, idempotently, and moves the dashboard there', async () => {
    const { g, run } = await setup();
    g.state.seedFolder({ uid: 'team', title: 'Team' });
    await run(['publish']);
    const r = await run(['publish', '--folder-title', 'Team/Kinesis']);
    expect(r.stdout).toMatch(/^updated/);
    const folders = [...g.state.orgs.get(1)!.folders.values()];
    const kinesis = folders.find((f) => f.title === 'Kinesis')!;
    expect(kinesis.parentUid).toBe('team');
    expect(g.state.getDashboard('aws-kinesis')!.folderUid).toBe(kinesis.uid);
    const again = await run(['publish', '--folder-title', 'Team/Kinesis']);
    expect(again.stdout).toMatch(/^unchanged/);
    expect(g.state.orgs.get(1)!.folders.size).toBe(2);
  });

  it('keeps a dashboard where a person moved it when no folder is asked for', async () => {
    const { g, run } = await setup();
    g.state.seedFolder({ uid: 'elsewhere', title: 'Elsewhere' });
    g.state.seedDashboard({ dashboard: generated(), folderUid: 'elsewhere' });
    const r = await run(['publish', '--title', 'New title']);
    expect(r.stdout).toMatch(/^updated/);
    expect(g.state.getDashboard('aws-kinesis')!.folderUid).toBe('elsewhere');
  });
});

describe('the Kubernetes-style API', () => {
  it('is discovered with --api auto: create (201), unchanged, conditional update with resourceVersion', async () => {
    const { g, run, dashboardWrites } = await setup({ k8s: { versions: ['v1beta1', 'v2beta1'] } });
    g.state.seedFolder({ uid: 'team', title: 'Team' });
    expect((await run(['publish', '--folder-uid', 'team'])).stdout).toMatch(/^created\s+aws-kinesis/);
    const created = g.requests.find((r) => r.method === 'POST')!;
    expect(created.path).toBe('/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards');
    expect(created.body).toMatchObject({ kind: 'Dashboard', metadata: { name: 'aws-kinesis', annotations: { 'grafana.app/folder': 'team' } } });
    expect((await run(['publish'])).stdout).toMatch(/^unchanged/);
    expect(dashboardWrites()).toBe(1);
    const rv = g.state.getDashboard('aws-kinesis')!.resourceVersion;
    expect((await run(['publish', '--title', 'Changed'])).stdout).toMatch(/^updated/);
    const put = g.requests.find((r) => r.method === 'PUT')!;
    expect(put.body).toMatchObject({ metadata: { resourceVersion: rv, annotations: { 'grafana.app/folder': 'team' } } });
    expect(g.state.getDashboard('aws-kinesis')!).toMatchObject({ version: 2, folderUid: 'team' });
  });

  it('prefers v1 and uses the org\'s namespace', async () => {
    const { run, g } = await setup({ k8s: { versions: ['v1beta1', 'v1', 'v2'] }, orgs: [1, 3] });
    await run(['publish', '--org-id', '3']);
    expect(g.requests.find((r) => r.method === 'POST')!.path).toBe('/apis/dashboard.grafana.app/v1/namespaces/org-3/dashboards');
  });

  // Grafana Cloud: the stack's only namespace is stacks-<id>, told by GET /bootdata (settings.namespace),
  // as Grafana's own CLI (grafanactl) finds it; on-prem servers answer with the org's namespace.
  it('finds a Grafana Cloud stack\'s namespace from /bootdata, once, and writes there', async () => {
    const { g, run, dashboardWrites } = await setup({ k8s: { versions: ['v1'] }, stackId: 12345 });
    expect((await run(['publish'])).stdout).toMatch(/^created\s+aws-kinesis/);
    expect(g.requests.filter((r) => r.path === '/bootdata')).toHaveLength(1);
    expect(g.requests.find((r) => r.method === 'POST')!.path).toBe('/apis/dashboard.grafana.app/v1/namespaces/stacks-12345/dashboards');
    expect((await run(['publish'])).stdout).toMatch(/^unchanged/);
    expect(dashboardWrites()).toBe(1);
  });

  it('keeps the org\'s namespace on-prem, and asks /bootdata only for the Kubernetes-style API', async () => {
    const onPrem = await setup({ k8s: { versions: ['v1'] }, orgs: [1, 2] });
    await onPrem.run(['publish', '--org-id', '2']);
    expect(onPrem.g.requests.find((r) => r.method === 'POST')!.path).toBe('/apis/dashboard.grafana.app/v1/namespaces/org-2/dashboards');
    const legacy = await setup({ stackId: 7 });
    await legacy.run(['publish']);
    expect(legacy.g.requests.some((r) => r.path === '/bootdata')).toBe(false);
  });

  it('falls back to the org\'s namespace when /bootdata is not there, and takes --namespace as given', async () => {
    const { g, run } = await setup({ k8s: { versions: ['v1'] }, stackId: 99 });
    g.faults.push({ match: { path: '/bootdata' }, kind: 'status', status: 404, times: 1 });
    const guessed = await run(['publish']);
    expect(guessed.code).toBe(1);
    expect(guessed.stdout).toMatch(/namespace mismatch: default/);
    expect((await run(['publish', '--namespace', 'stacks-99'])).stdout).toMatch(/^created/);
    expect(g.requests.filter((r) => r.path === '/bootdata')).toHaveLength(1);
    expect(g.requests.find((r) => r.method === 'POST' && r.path.includes('/namespaces/'))!.path).toContain('/namespaces/stacks-99/');
  });

  it.each([
    [['--namespace', 'Stacks 1'], /--namespace: "Stacks 1" is not a namespace; give one like stacks-12345/],
    [['--namespace', 'stacks-1', '--logzio-region', 'eu'], /--namespace: Logz\.io offers only the legacy dashboard API/],
  ])('refuses a bad namespace: %s', async (args, message) => {
    const { run, g } = await setup({ k8s: { versions: ['v1'] } });
    const r = await run(['publish', ...args], { LOGZIO_API_TOKEN: 'logzio-token-123456' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(g.requests).toHaveLength(0);
  });

  it('answers a concurrent change with 409 and a clear error', async () => {
    const { g, run } = await setup({ k8s: { versions: ['v1beta1'] } });
    await run(['publish']);
    g.faults.push({ match: { method: 'PUT' }, kind: 'delay', ms: 150 });
    const { racing } = await held(g, 'PUT', () => run(['publish', '--title', 'Ours']));
    g.state.seedDashboard({ dashboard: { ...g.state.getDashboard('aws-kinesis')!.dashboard, title: 'Theirs' }, version: 2 });
    const r = await racing;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/changed by someone else since it was read \(HTTP 409/);
  });

  it('retries with fieldValidation=Ignore when the server knows an older schemaVersion', async () => {
    const { g, run } = await setup({ k8s: { versions: ['v1beta1'] }, schemaVersion: 41 });
    expect((await run(['publish'])).stdout).toMatch(/^created/);
    const posts = g.requests.filter((r) => r.method === 'POST');
    expect(posts.map((p) => p.query.fieldValidation)).toEqual([undefined, 'Ignore']);
  });

  it('refuses a dashboard managed by provisioning', async () => {
    const { g, run } = await setup({ k8s: { versions: ['v1beta1'] } });
    g.state.seedDashboard({ dashboard: generated(), provisioned: true });
    const r = await run(['publish', '--title', 'x']);
    expect(r.stdout).toMatch(/failed\s+aws-kinesis.*it is managed by classic-file/);
  });

  it('uses the legacy API when asked, and refuses --api k8s on a legacy-only server', async () => {
    const k8s = await setup({ k8s: { versions: ['v1beta1'] } });
    await k8s.run(['publish', '--api', 'legacy']);
    expect(k8s.g.requests.some((r) => r.path === '/api/dashboards/db')).toBe(true);
    const legacy = await setup();
    const r = await legacy.run(['publish', '--api', 'k8s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/offers no Kubernetes-style dashboard API/);
  });
});
