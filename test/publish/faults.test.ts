import { describe, expect, it } from 'vitest';
import type { GrafanaStandin } from '../support/grafana-standin.ts';
import { useGrafana } from '../support/publish.ts';

const setup = useGrafana();
const requestsTo = (g: GrafanaStandin, method: string, path: string) => g.requests.filter((r) => r.method === method && r.path === path).length;

describe('faults', () => {
  it('retries a read on 429, honouring Retry-After', async () => {
    const { g, run } = await setup();
    g.faults.push({ match: { method: 'GET', path: '/api/dashboards/uid/aws-kinesis' }, kind: 'status', status: 429, retryAfter: '1' });
    const started = Date.now();
    const r = await run(['publish']);
    expect(r.stdout).toMatch(/^created/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(requestsTo(g, 'GET', '/api/dashboards/uid/aws-kinesis')).toBe(2);
  });

  it('retries reads on 502, 503, 504 and connection resets', async () => {
    const { g, run } = await setup();
    const path = '/api/dashboards/uid/aws-kinesis';
    g.faults.push(
      { match: { path }, kind: 'status', status: 502 },
      { match: { path }, kind: 'status', status: 503 },
      { match: { path }, kind: 'reset' },
      { match: { path }, kind: 'status', status: 504 },
    );
    expect((await run(['publish'])).stdout).toMatch(/^created/);
    expect(requestsTo(g, 'GET', path)).toBe(5);
  });

  it('gives up after a bounded number of attempts', async () => {
    const { g, run } = await setup();
    g.faults.push({ match: { method: 'GET', path: '/api/dashboards/uid/aws-kinesis' }, kind: 'status', status: 503, times: 50 });
    const r = await run(['publish']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed\s+aws-kinesis\s+GET \/api\/dashboards\/uid\/aws-kinesis: HTTP 503/);
    expect(requestsTo(g, 'GET', '/api/dashboards/uid/aws-kinesis')).toBe(5);
  });

  it('does not retry other 4xx', async () => {
    const { g, run } = await setup();
    g.faults.push({ match: { method: 'POST' }, kind: 'status', status: 400, body: { message: 'bad request data' } });
    const r = await run(['publish']);
    expect(r.stdout).toMatch(/failed\s+aws-kinesis\s+POST \/api\/dashboards\/db: HTTP 400 bad request data/);
    expect(requestsTo(g, 'POST', '/api/dashboards/db')).toBe(1);
  });

  it('retries a write the server refused to start (503)', async () => {
    const { g, run } = await setup();
    g.faults.push({ match: { method: 'POST' }, kind: 'status', status: 503 });
    expect((await run(['publish'])).stdout).toMatch(/^created/);
    expect(g.state.getDashboard('aws-kinesis')!.version).toBe(1);
  });

  it('after a timed-out write that was applied, re-reads and reports it without writing twice', async () => {
    const { g, run } = await setup();
    await run(['publish']);
    g.faults.push({ match: { method: 'POST' }, kind: 'delayAfterApply', ms: 1500 });
    const r = await run(['publish', '--title', 'After timeout', '--timeout', '0.4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^updated\s+aws-kinesis/);
    expect(g.state.getDashboard('aws-kinesis')!.version).toBe(2);
    expect(requestsTo(g, 'POST', '/api/dashboards/db')).toBe(2); // the create, and the one update
  });

  it('after a gateway error on a write that did not apply, re-reads and writes once more', async () => {
    const { g, run } = await setup();
    await run(['publish']);
    g.faults.push({ match: { method: 'POST' }, kind: 'status', status: 502 });
    const r = await run(['publish', '--title', 'After 502']);
    expect(r.stdout).toMatch(/^updated/);
    expect(g.state.getDashboard('aws-kinesis')!).toMatchObject({ version: 2, dashboard: { title: 'After 502' } });
  });

  it('after a reset on a create that was not applied, creates exactly once', async () => {
    const { g, run } = await setup();
    g.faults.push({ match: { method: 'POST' }, kind: 'reset' });
    expect((await run(['publish'])).stdout).toMatch(/^created/);
    expect(g.state.getDashboard('aws-kinesis')!.version).toBe(1);
  });

  it('explains a 200 that is not JSON (a proxy or login page)', async () => {
    const { g, run } = await setup();
    g.faults.push({ match: { method: 'GET' }, kind: 'malformed' });
    const r = await run(['publish']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the answer is not JSON .*is the URL Grafana's\?/);
  });

  it('fails clearly when nothing listens', async () => {
    const r = await (await setup()).run(['publish'], { GRAFANA_URL: 'http://127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/connection failed \(ECONNREFUSED\)/);
  });
});
