import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.ts';
import { startGrafanaStandin, type GrafanaStandin } from '../support/grafana-standin.ts';

const LOGZIO_TOKEN = '6f1c2a9e-logz-api-token-0001';
let g: GrafanaStandin | undefined;
afterEach(async () => {
  await g?.close();
  g = undefined;
});

/** A stand-in mounted as Logz.io mounts Grafana's API: /v1/grafana/api/..., token in X-API-TOKEN. */
async function logzio(options: Parameters<typeof startGrafanaStandin>[0] = {}) {
  g = await startGrafanaStandin({ basePath: '/v1/grafana', auth: { tokens: [LOGZIO_TOKEN], apiTokenHeader: 'X-API-TOKEN' }, requireNoIdOnCreate: true, ...options });
  const standin = g;
  const run = (args: string[]) =>
    cli(['publish', '--logzio-api-url', standin.url, ...args], { env: { LOGZIO_API_TOKEN: LOGZIO_TOKEN, KINESIS_DASHBOARDS_RETRY_BASE_MS: '5' } });
  return { g: standin, run };
}

describe('publish to Logz.io', () => {
  it('creates without an id, then finds it unchanged, then updates — over /v1/grafana/api with X-API-TOKEN', async () => {
    const { g, run } = await logzio();
    const created = await run(['--profile', 'logzio-metric-streams']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^created\s+aws-kinesis\s+\/d\/aws-kinesis\/amazon-kinesis\n$/);
    expect(g.requests.every((r) => r.path.startsWith('/v1/grafana/api/'))).toBe(true); // no k8s discovery on Logz.io
    expect(g.requests.every((r) => r.headers['x-api-token'] === '***' && r.headers.authorization === undefined)).toBe(true);
    const post = g.requests.find((r) => r.method === 'POST')!.body as { dashboard: Record<string, unknown> };
    expect('id' in post.dashboard).toBe(false);
    expect((await run(['--profile', 'logzio-metric-streams'])).stdout).toMatch(/^unchanged/);
    expect((await run(['--profile', 'logzio-metric-streams', '--title', 'Kinesis EU'])).stdout).toMatch(/^updated/);
    expect(g.state.getDashboard('aws-kinesis')!.version).toBe(2);
  });

  it('retries 429 and 500 on reads, and after a 500 on a write re-reads before writing again', async () => {
    const { g, run } = await logzio();
    g.faults.push(
      { match: { method: 'GET', path: '/api/dashboards/uid/aws-kinesis' }, kind: 'status', status: 500 },
      { match: { method: 'GET', path: '/api/dashboards/uid/aws-kinesis' }, kind: 'status', status: 429, retryAfter: '0' },
      { match: { method: 'POST', path: '/api/dashboards/db' }, kind: 'status', status: 500 },
    );
    const r = await run([]);
    expect(r.stdout).toMatch(/^created/);
    expect(g.state.getDashboard('aws-kinesis')!.version).toBe(1);
    expect(g.requests.filter((q) => q.method === 'POST').length).toBe(2);
  });

  it('finds or creates folders there too', async () => {
    const { g, run } = await logzio();
    expect((await run(['--folder-title', 'Infra/Kinesis'])).stdout).toMatch(/^created/);
    expect((await run(['--folder-title', 'Infra/Kinesis'])).stdout).toMatch(/^unchanged/);
    expect(g.state.orgs.get(1)!.folders.size).toBe(2);
  });

  it.each([
    [['--api', 'k8s'], /Logz\.io offers only the legacy dashboard API/],
    [['--concurrency', '101'], /--concurrency: at most 100 requests at a time \(Logz\.io's limit per account\)/],
  ])('refuses %j', async (args, message) => {
    const { run } = await logzio();
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('needs LOGZIO_API_TOKEN, and knows the regions', async () => {
    const noToken = await cli(['publish', '--logzio-region', 'eu']);
    expect(noToken).toMatchObject({ code: 2 });
    expect(noToken.stderr).toMatch(/no Logz\.io credentials: set LOGZIO_API_TOKEN/);
    const badRegion = await cli(['publish', '--logzio-region', 'mars'], { env: { LOGZIO_API_TOKEN: 'x' } });
    expect(badRegion.code).toBe(2);
    expect(badRegion.stderr).toMatch(/Choices: "us", "au", "ca", "eu", "nl", "uk", "wa"/);
  });
});
