import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toV2Resource } from '../../src/dashboard/v2.ts';
import { serialize } from '../../src/output/serialize.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { tempDir } from '../support/cli.ts';
import { useGrafana } from '../support/publish.ts';

const setup = useGrafana();
const V2 = { k8s: { versions: ['v1beta1', 'v2beta1'] } };
const COLLECTION = '/apis/dashboard.grafana.app/v2beta1/namespaces/default/dashboards';
const v2Spec = (options = {}) => JSON.parse(serialize(toV2Resource(synth(options)))).spec;

describe('publish --schema v2', () => {
  it('creates through v2beta1, then reports unchanged without writing, then updates conditionally on resourceVersion', async () => {
    const { g, run, dashboardWrites } = await setup(V2);
    const first = await run(['publish', '--schema', 'v2']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^created\s+aws-kinesis/);
    const post = g.requests.find((r) => r.method === 'POST')!;
    expect(post.path).toBe(COLLECTION);
    expect(post.body).toMatchObject({ apiVersion: 'dashboard.grafana.app/v2beta1', kind: 'Dashboard', metadata: { name: 'aws-kinesis' } });
    // Exactly what `generate --schema v2` writes (it already carries the managed tag).
    expect((post.body as { spec: unknown }).spec).toEqual(v2Spec());
    expect(g.state.getDashboard('aws-kinesis')!.storedVersion).toBe('v2beta1');

    expect((await run(['publish', '--schema', 'v2'])).stdout).toMatch(/^unchanged\s+aws-kinesis/);
    expect(dashboardWrites()).toBe(1);

    const rv = g.state.getDashboard('aws-kinesis')!.resourceVersion;
    const third = await run(['publish', '--schema', 'v2', '--title', 'Kinesis (prod)']);
    expect(third.stdout).toMatch(/^updated\s+aws-kinesis/);
    const put = g.requests.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe(`${COLLECTION}/aws-kinesis`);
    expect(put.body).toMatchObject({ metadata: { resourceVersion: rv }, spec: { title: 'Kinesis (prod)' } });
  });

  it('diff compares v2 with v2: nothing after publish, the spec paths that change after an edit', async () => {
    const { g, run } = await setup(V2);
    await run(['publish', '--schema', 'v2']);
    const same = await run(['diff', '--schema', 'v2', '--exit-code']);
    expect(same).toMatchObject({ code: 0, stdout: 'aws-kinesis: no changes\n' });
    const changed = await run(['diff', '--schema', 'v2', '--exit-code', '--title', 'Other']);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toBe('aws-kinesis: 1 change\n  ~ title: "Amazon Kinesis" → "Other"\n');
    // A v2 element path, not a classic panels[] path.
    const profile = await run(['diff', '--schema', 'v2', '--profile', 'yace']);
    expect(profile.stdout).toMatch(/~ elements\["panel-1"\]\.spec\.data\.spec\.queries\[0\]\.spec\.query\.spec\.expr: /);
    expect(g.requests.filter((r) => r.method !== 'GET')).toHaveLength(1);
  });

  it('takes the schema from the config file', async () => {
    const { g, run } = await setup(V2);
    const { path: dir, cleanup } = await tempDir();
    try {
      await writeFile(join(dir, 'c.json'), JSON.stringify({ schema: 'v2', uid: 'k2', title: 'K2' }));
      expect((await run(['publish', '--config', join(dir, 'c.json')])).stdout).toMatch(/^created\s+k2/);
      expect(g.requests.find((r) => r.method === 'POST')!.path).toBe(COLLECTION);
    } finally {
      await cleanup();
    }
  });

  it('publishes a v2 file as it is; refuses --schema v1 for it and a bare spec without a uid', async () => {
    const { g, run } = await setup(V2);
    const { path: dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'aws-kinesis.v2.json');
      await writeFile(file, serialize(toV2Resource(synth({ profile: 'yace' }))));
      expect((await run(['publish', '--file', file])).stdout).toMatch(/^created\s+aws-kinesis/);
      expect((g.requests.find((r) => r.method === 'POST')!.body as { spec: unknown }).spec).toEqual(v2Spec({ profile: 'yace' }));
      const wrong = await run(['publish', '--file', file, '--schema', 'v1']);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/it is a v2 dashboard resource; drop --schema v1/);
      await writeFile(join(dir, 'bare.json'), JSON.stringify(v2Spec()));
      const bare = await run(['publish', '--file', join(dir, 'bare.json')]);
      expect(bare.code).toBe(2);
      expect(bare.stderr).toMatch(/a bare v2 spec has no uid/);
    } finally {
      await cleanup();
    }
  });

  it('refuses clearly, exit 2 and nothing written, where v2 cannot go', async () => {
    const noV2 = await setup({ k8s: { versions: ['v1beta1'] } });
    const r = await noV2.run(['publish', '--schema', 'v2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--schema v2: this Grafana does not offer dashboard\.grafana\.app\/v2beta1 \(GET \/apis\/dashboard\.grafana\.app\/ lists v1beta1\); publish classic JSON/);
    const legacyOnly = await setup();
    const l = await legacyOnly.run(['diff', '--schema', 'v2']);
    expect(l.code).toBe(2);
    expect(l.stderr).toMatch(/lists no versions/);
    const forced = await setup(V2);
    const f = await forced.run(['publish', '--schema', 'v2', '--api', 'legacy']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--schema v2: the legacy API stores classic JSON only; drop --api legacy/);
    expect(noV2.dashboardWrites() + legacyOnly.dashboardWrites() + forced.dashboardWrites()).toBe(0);
  });

  it('does not write over a dashboard stored in the other schema that Grafana could not convert; the legacy API refuses a v2 one (406)', async () => {
    const { g, run } = await setup(V2);
    await run(['publish']); // classic, through v1beta1
    const v2 = await run(['publish', '--schema', 'v2']);
    expect(v2.code).toBe(1);
    expect(v2.stdout).toMatch(/^failed\s+aws-kinesis\s+\S+\s+it is stored as v1beta1 and Grafana could not read it as v2beta1 \(.*\); publish it with the schema it is stored in; refusing to overwrite it/);
    g.state.getDashboard('aws-kinesis')!.storedVersion = 'v2beta1';
    const legacy = await run(['publish', '--api', 'legacy']);
    expect(legacy.code).toBe(1);
    expect(legacy.stdout).toMatch(/^failed\s+aws-kinesis\s+.*406.*dashboard api version not supported/);
  });
});
