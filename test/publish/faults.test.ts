import { describe, expect, it } from 'vitest';
import { summarize, type Status } from '../../src/publish/publisher.ts';
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
    expect(r.stderr).toMatch(/HTTP 200 with an answer that is not Grafana's .*is the URL Grafana's\?/);
  });

  it('fails clearly when nothing listens', async () => {
    const r = await (await setup()).run(['publish'], { GRAFANA_URL: 'http://127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/connection failed \(ECONNREFUSED\)/);
  });
});

const DASH = '/api/dashboards/uid/aws-kinesis';
const PROXY_404 = '<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>';

describe('a write whose answer is lost', () => {
  it('reports unknown when the read that should settle it fails too: no second write, exit 1, says how to check', async () => {
    const { g, run } = await setup();
    await run(['publish']);
    g.faults.push(
      { match: { method: 'POST' }, kind: 'delayAfterApply', ms: 1500 },
      { match: { method: 'GET', path: DASH }, skip: 1, kind: 'status', status: 503, times: 20 },
    );
    const r = await run(['publish', '--title', 'Lost', '--timeout', '0.4']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^unknown\s+aws-kinesis\s+POST \/api\/dashboards\/db: no answer within 400 ms: the write may or may not have been applied; the read that should have told failed too \(GET \/api\/dashboards\/uid\/aws-kinesis: HTTP 503/);
    expect(r.stdout).toContain('Run `kinesis-dashboards diff` with the same options to see what Grafana has now');
    expect(requestsTo(g, 'POST', '/api/dashboards/db')).toBe(2); // the create, and the one update
    expect(g.state.getDashboard('aws-kinesis')!).toMatchObject({ version: 2, dashboard: { title: 'Lost' } }); // it was applied
  });

  it('reports unknown in --json, when the write was not applied and the re-read is refused (401)', async () => {
    const { g, run } = await setup();
    g.faults.push(
      { match: { method: 'POST' }, kind: 'reset' },
      { match: { method: 'GET', path: DASH }, skip: 1, kind: 'status', status: 401, body: { message: 'Unauthorized' } },
    );
    const r = await run(['publish', '--json']);
    expect(r.code).toBe(1);
    const [result] = JSON.parse(r.stdout).results;
    expect(result).toMatchObject({ uid: 'aws-kinesis', status: 'unknown' });
    expect(result.error).toMatch(/connection failed \(ECONNRESET\): the write may or may not have been applied; the read that should have told failed too \(GET \/api\/dashboards\/uid\/aws-kinesis: HTTP 401 Unauthorized\)/);
    expect(requestsTo(g, 'POST', '/api/dashboards/db')).toBe(1);
    expect(g.state.getDashboard('aws-kinesis')).toBeUndefined();
  });

  it('never takes a proxy\'s 404 page for "not there": no second write, no conflict with itself', async () => {
    const { g, run } = await setup();
    g.faults.push(
      { match: { method: 'POST' }, kind: 'resetAfterApply' },
      { match: { method: 'GET', path: DASH }, skip: 1, kind: 'status', status: 404, body: PROXY_404 },
    );
    const r = await run(['publish']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^unknown\s+aws-kinesis\s+.*HTTP 404 with an answer that is not Grafana's \("<html>/);
    expect(requestsTo(g, 'POST', '/api/dashboards/db')).toBe(1);
    expect(g.state.getDashboard('aws-kinesis')!.version).toBe(1);
    // Once Grafana answers again, a re-run finds the write was applied and makes no other.
    expect((await run(['publish'])).stdout).toMatch(/^unchanged/);
    expect(requestsTo(g, 'POST', '/api/dashboards/db')).toBe(1);
  });

  it('a proxy\'s 404 page on the first read fails the dashboard without writing', async () => {
    const { g, run } = await setup();
    g.faults.push({ match: { method: 'GET', path: DASH }, kind: 'status', status: 404, body: PROXY_404 });
    const r = await run(['publish']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed\s+aws-kinesis\s+GET \/api\/dashboards\/uid\/aws-kinesis: HTTP 404 with an answer that is not Grafana's/);
    expect(requestsTo(g, 'POST', '/api/dashboards/db')).toBe(0);
  });

  it('a 200 page that is not Grafana\'s answer to a write is settled by a read, then sent again only if not applied', async () => {
    const { g, run } = await setup();
    g.faults.push({ match: { method: 'POST' }, kind: 'status', status: 200, body: '<html>Please log in</html>' });
    const r = await run(['publish']);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/^created/);
    expect(requestsTo(g, 'POST', '/api/dashboards/db')).toBe(2);
    expect(g.state.getDashboard('aws-kinesis')!.version).toBe(1);
  });

  it('a proxy\'s 503 page on a write is not taken as "nothing done": it is checked first', async () => {
    const { g, run } = await setup();
    g.faults.push({ match: { method: 'POST' }, kind: 'status', status: 503, body: 'upstream connect error or disconnect/reset before headers' });
    expect((await run(['publish'])).stdout).toMatch(/^created/);
    expect(g.requests.map((q) => `${q.method} ${q.path}`).filter((l) => l.includes('/api/dashboards'))).toEqual([
      `GET ${DASH}`, 'POST /api/dashboards/db', `GET ${DASH}`, 'POST /api/dashboards/db',
    ]);
  });

  it('after three lost answers that Grafana shows were not applied, fails saying nothing was written', async () => {
    const { g, run } = await setup();
    g.faults.push({ match: { method: 'POST' }, kind: 'status', status: 502, times: 3 });
    const r = await run(['publish']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed\s+aws-kinesis\s+.*Grafana shows it was not applied, after 3 tries: nothing was written/);
    expect(requestsTo(g, 'POST', '/api/dashboards/db')).toBe(3);
    expect(g.state.writes).toBe(0);
  });

  it('a JSON answer of another shape to a read is not Grafana\'s: nothing is written', async () => {
    const { g, run } = await setup();
    g.faults.push({ match: { method: 'GET', path: DASH }, kind: 'status', status: 200, body: { ok: true } });
    const r = await run(['publish']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed\s+aws-kinesis\s+GET \/api\/dashboards\/uid\/aws-kinesis: HTTP 200 with an answer that is not Grafana's \("\{"ok":true\}"\): no dashboard and meta/);
    expect(g.state.writes).toBe(0);
  });
});

describe('a write whose answer is lost, on the Kubernetes-style API', () => {
  const K8S_DASH = '/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards/aws-kinesis';

  it('takes only the API server\'s NotFound naming the dashboard as "not there"', async () => {
    const { g, run } = await setup({ k8s: { versions: ['v1beta1'] } });
    g.faults.push(
      { match: { method: 'POST' }, kind: 'resetAfterApply' },
      { match: { method: 'GET', path: K8S_DASH }, skip: 1, kind: 'status', status: 404, body: { message: 'Not Found' } },
    );
    const r = await run(['publish']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^unknown\s+aws-kinesis\s+POST \/apis\/.*connection failed \(ECONNRESET\).*HTTP 404 with an answer that is not Grafana's \("\{"message":"Not Found"\}"\): not the API server's answer about "aws-kinesis"/);
    expect(g.requests.filter((q) => q.method === 'POST').length).toBe(1);
    expect(g.state.writes).toBe(1);
  });

  it('after a reset that was not applied, the API server\'s NotFound proves it and it is created once', async () => {
    const { g, run } = await setup({ k8s: { versions: ['v1beta1'] } });
    g.faults.push({ match: { method: 'POST' }, kind: 'reset' });
    expect((await run(['publish'])).stdout).toMatch(/^created/);
    expect(g.requests.filter((q) => q.method === 'POST').length).toBe(2);
    expect(g.state.writes).toBe(1);
  });
});

describe('a folder create whose answer is lost', () => {
  it('when the check fails too: the dashboard is not written, the message says the folder may exist, and a re-run finds it', async () => {
    const { g, run } = await setup();
    g.faults.push(
      { match: { method: 'POST', path: '/api/folders' }, kind: 'resetAfterApply' },
      { match: { method: 'GET', path: '/api/folders' }, skip: 1, kind: 'status', status: 503, times: 20 },
    );
    const r = await run(['publish', '--folder-title', 'Kinesis']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed\s+aws-kinesis\s+folder "Kinesis": creating "Kinesis": POST \/api\/folders: connection failed \(ECONNRESET\): .*the read that should have told failed too .*it may exist now, and a later run finds it rather than creating another/);
    expect(g.requests.filter((q) => q.method === 'POST').map((q) => q.path)).toEqual(['/api/folders']);
    g.faults.clear();
    expect((await run(['publish', '--folder-title', 'Kinesis'])).stdout).toMatch(/^created/);
    expect(g.state.orgs.get(1)!.folders.size).toBe(1);
  });

  it('when Grafana shows it was not created: created once more, exactly one folder', async () => {
    const { g, run } = await setup();
    g.faults.push({ match: { method: 'POST', path: '/api/folders' }, kind: 'status', status: 502 });
    expect((await run(['publish', '--folder-title', 'Team/Kinesis'])).stdout).toMatch(/^created/);
    expect([...g.state.orgs.get(1)!.folders.values()].map((f) => f.title).sort()).toEqual(['Kinesis', 'Team']);
  });
});

describe('the closing line of a fleet', () => {
  it('counts unknown outcomes when there are any', () => {
    const r = (status: Status) => ({ uid: status, title: status, status, changes: [] });
    expect(summarize([r('created'), r('unchanged'), r('unknown'), r('failed'), r('unknown')])).toBe('1 created, 0 updated, 1 unchanged, 1 failed, 2 unknown');
    expect(summarize([r('created'), r('updated')])).toBe('1 created, 1 updated, 0 unchanged, 0 failed');
  });
});
