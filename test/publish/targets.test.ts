import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.ts';
import { startGrafanaStandin, type GrafanaStandin } from '../support/grafana-standin.ts';

let dir: string;
let cleanup: () => Promise<void>;
const servers: GrafanaStandin[] = [];
beforeEach(async () => ({ path: dir, cleanup } = await tempDir()));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await cleanup();
});

const env = { DEV_TOKEN: 'dev-token-123456', PROD_LOGZIO_TOKEN: 'prod-token-654321', KINESIS_DASHBOARDS_RETRY_BASE_MS: '5' };

async function fleet() {
  const dev = await startGrafanaStandin({ auth: { tokens: [env.DEV_TOKEN] }, latencyMs: 15 });
  const prod = await startGrafanaStandin({ basePath: '/v1/grafana', auth: { tokens: [env.PROD_LOGZIO_TOKEN], apiTokenHeader: 'X-API-TOKEN' }, requireNoIdOnCreate: true });
  servers.push(dev, prod);
  const config = {
    profile: 'yace',
    targets: {
      dev: { url: dev.url, tokenEnv: 'DEV_TOKEN', folder: 'Dev/Kinesis', concurrency: 2 },
      prod: { logzio: { apiUrl: prod.url }, tokenEnv: 'PROD_LOGZIO_TOKEN', folder: 'Kinesis' },
    },
    dashboards: [
      { uid: 'kinesis-orders', title: 'Kinesis: orders', targets: ['dev', 'prod'], tags: ['team-orders'] },
      { uid: 'kinesis-clicks', title: 'Kinesis: clicks', targets: ['dev'] },
      { uid: 'kinesis-audit', title: 'Kinesis: audit', targets: ['dev', 'prod'], profile: 'logzio-metric-streams', folder: 'Audit' },
      { uid: 'kinesis-spare', title: 'Kinesis: spare', targets: ['dev'] },
    ],
  };
  await writeFile(join(dir, 'kd.json'), JSON.stringify(config));
  const run = (args: string[]) => cli([...args, '--config', 'kd.json'], { cwd: dir, env });
  return { dev, prod, run };
}

describe('targets: several dashboards, several places', () => {
  it('publishes each target\'s dashboards to it, into its folder, within its concurrency, with a summary', async () => {
    const { dev, prod, run } = await fleet();
    const r = await run(['publish', '--target', 'dev']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^created\s+kinesis-orders\s+http/),
      expect.stringMatching(/^created\s+kinesis-clicks/),
      expect.stringMatching(/^created\s+kinesis-audit/),
      expect.stringMatching(/^created\s+kinesis-spare/),
      '4 created, 0 updated, 0 unchanged, 0 failed',
    ]);
    expect(dev.maxConcurrent).toBeLessThanOrEqual(2);
    const devFolders = [...dev.state.orgs.get(1)!.folders.values()].map((f) => f.title).sort();
    expect(devFolders).toEqual(['Audit', 'Dev', 'Kinesis']);
    const kinesis = [...dev.state.orgs.get(1)!.folders.values()].find((f) => f.title === 'Kinesis')!;
    expect(dev.state.getDashboard('kinesis-orders')!.folderUid).toBe(kinesis.uid);
    // The entry's own tag, and the marks of the config's owner (by default the config file's name) added when publishing.
    expect(dev.state.getDashboard('kinesis-orders')!.dashboard.tags).toEqual(['aws', 'kinesis', 'kinesis-dashboards', 'team-orders', 'kinesis-dashboards-owner:kd', expect.stringMatching(/^kinesis-dashboards-sha:[0-9a-f]{16}$/)]);
    expect(JSON.stringify(dev.state.getDashboard('kinesis-audit')!.dashboard)).toContain('aws_kinesis_incomingbytes_sum');
    // entries inherit the top level's profile unless they set their own
    expect(JSON.stringify(dev.state.getDashboard('kinesis-clicks')!.dashboard)).toContain('dimension_StreamName');
    expect(prod.requests).toEqual([]);

    const p = await run(['publish', '--target', 'prod']);
    expect(p.stdout).toMatch(/2 created, 0 updated, 0 unchanged, 0 failed\n$/);
    expect([...prod.state.orgs.get(1)!.dashboards.keys()].sort()).toEqual(['kinesis-audit', 'kinesis-orders']);

    const again = await run(['publish', '--target', 'dev']);
    expect(again.stdout).toMatch(/0 created, 0 updated, 4 unchanged, 0 failed\n$/);
    const diff = await run(['diff', '--target', 'prod', '--exit-code']);
    expect(diff).toMatchObject({ code: 0 });
  });

  it('keeps the secrets out of output and names the missing variable', async () => {
    const { run } = await fleet();
    const ok = await run(['publish', '--target', 'prod', '--debug']);
    expect(ok.stdout + ok.stderr).not.toContain(env.PROD_LOGZIO_TOKEN);
    const missing = await cli(['publish', '--target', 'dev', '--config', 'kd.json'], { cwd: dir, env: {} });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/config\.targets\.dev: tokenEnv DEV_TOKEN is not set in the environment/);
  });

  it.each([
    [['publish'], /--target: the config defines targets \(dev, prod\); name one with --target/],
    [['publish', '--target', 'staging'], /--target staging: not in the config; use one of dev, prod/],
    [['publish', '--target', 'dev', '--url', 'http://127.0.0.1:9'], /mutually exclusive/],
    [['generate', '--uid', 'x'], /--uid: the config lists 4 dashboards, each with its own uid; drop --uid/],
  ])('%j is bad input', async (args, message) => {
    const { run } = await fleet();
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('a target\'s namespace', () => {
  it('is used as given for the Kubernetes-style API, without asking the server', async () => {
    const g = await startGrafanaStandin({ auth: { tokens: [env.DEV_TOKEN] }, k8s: { versions: ['v1'] }, stackId: 5 });
    servers.push(g);
    await writeFile(join(dir, 'kd.json'), JSON.stringify({
      targets: { cloud: { url: g.url, tokenEnv: 'DEV_TOKEN', namespace: 'stacks-5' } },
      dashboards: [{ uid: 'kinesis-a', title: 'A', targets: ['cloud'] }],
    }));
    const r = await cli(['publish', '--config', 'kd.json', '--target', 'cloud'], { cwd: dir, env });
    expect(r.stdout).toMatch(/^created\s+kinesis-a/);
    expect(g.requests.some((q) => q.path === '/bootdata')).toBe(false);
    expect(g.requests.find((q) => q.method === 'POST')!.path).toBe('/apis/dashboard.grafana.app/v1/namespaces/stacks-5/dashboards');
  });
});

describe('config validation', () => {
  const target = { url: 'https://grafana.example.com', tokenEnv: 'GRAFANA_TOKEN' };
  // Assembled at run time: no token-shaped literal is committed (the repository's secret scan flags them).
  const tokenLike = ['glsa', 'AbCdEfGhIjKlMnOpQrStUv', '12345678'].join('_');
  it.each([
    ['an unknown target', { targets: { dev: target }, dashboards: [{ uid: 'a', title: 'A', targets: ['prod'] }] }, /config\.dashboards\.0\.targets\.0: unknown target "prod": define it under "targets" \(known: dev\)/],
    ['an unknown profile', { dashboards: [{ uid: 'a', title: 'A' }, { uid: 'b', title: 'B', profile: 'graphite' }] }, /config\.dashboards\.1\.profile: unknown profile/],
    ['a duplicate uid', { dashboards: [{ uid: 'a', title: 'A' }, { uid: 'a', title: 'B' }] }, /config\.dashboards\.1\.uid: duplicate uid "a" \(also dashboards\.0\.uid\)/],
    ['an embedded token', { targets: { dev: { ...target, token: 'abc' } } }, /config\.targets\.dev\.token: never put a secret in the config file/],
    ['a token-looking value', { targets: { dev: { ...target, tokenEnv: tokenLike } } }, /config\.targets\.dev\.tokenEnv: this looks like a secret/],
    ['a password in a URL', { targets: { dev: { ...target, url: 'https://admin:secret@grafana.example.com' } } }, /config\.targets\.dev\.url: this looks like a secret/],
    ['a target with both url and logzio', { targets: { dev: { ...target, logzio: { region: 'eu' } } } }, /config\.targets\.dev\.url: give either url \(Grafana\) or logzio/],
    ['an unknown Logz.io region', { targets: { prod: { logzio: { region: 'mars' }, tokenEnv: 'T' } } }, /config\.targets\.prod\.logzio\.region/],
    ['a namespace that is not one', { targets: { dev: { ...target, namespace: 'Stacks 1' } } }, /config\.targets\.dev\.namespace: a namespace such as stacks-12345/],
    ['a namespace on a Logz.io target', { targets: { prod: { logzio: { region: 'eu' }, tokenEnv: 'T', namespace: 'stacks-1' } } }, /config\.targets\.prod\.namespace: Logz\.io offers only the legacy API/],
    ['a uid at the top of a fleet', { uid: 'x', dashboards: [{ uid: 'a', title: 'A' }] }, /config\.uid: with a "dashboards" list, give each dashboard its own uid/],
  ])('refuses %s with the path of the field', async (_name, config, message) => {
    await writeFile(join(dir, 'kd.json'), JSON.stringify(config));
    const r = await cli(['generate', '--config', 'kd.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/glsa_AbCd|admin:secret/);
  });
});

describe('generate with a dashboards list', () => {
  it('writes every dashboard of the config, each with its own options', async () => {
    await writeFile(join(dir, 'kd.json'), JSON.stringify({
      profile: 'yace',
      tags: ['fleet'],
      dashboards: [{ uid: 'k-a', title: 'A' }, { uid: 'k-b', title: 'B', profile: 'logzio-metric-streams', tags: ['b'] }],
    }));
    const r = await cli(['generate', '--config', 'kd.json', '--out', 'o'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${join(dir, 'o', 'k-a.json')}\nwrote ${join(dir, 'o', 'k-b.json')}\n`);
    const a = JSON.parse(await readFile(join(dir, 'o', 'k-a.json'), 'utf8'));
    const b = JSON.parse(await readFile(join(dir, 'o', 'k-b.json'), 'utf8'));
    expect(a).toMatchObject({ uid: 'k-a', title: 'A', tags: ['aws', 'kinesis', 'kinesis-dashboards', 'fleet'] });
    expect(JSON.stringify(a)).toContain('dimension_StreamName');
    expect(b.tags).toEqual(['aws', 'kinesis', 'kinesis-dashboards', 'b']);
    expect(JSON.stringify(b)).toContain('streamname');
    const stdout = await cli(['generate', '--config', 'kd.json', '--stdout'], { cwd: dir });
    expect(stdout.code).toBe(2);
    expect(stdout.stderr).toMatch(/--stdout: the config lists 2 dashboards/);
  });
});
