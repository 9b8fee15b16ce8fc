import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, type ExpectStatic } from 'vitest';
import type { Status } from '../../src/publish/publisher.ts';
import { serialize } from '../../src/output/serialize.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { cli, tempDir, type CliResult } from '../support/cli.ts';
import { startGrafanaStandin, type Fault, type GrafanaStandin, type Json, type JsonObject, type StandinOptions } from '../support/grafana-standin.ts';
import { TOKEN } from '../support/publish.ts';

// The fault matrix: every answer the publisher tells apart, plus resets, hangs and lost answers, on the
// first read, on the write and on the read that settles a lost write, for a create and an update, on the
// legacy API, the Kubernetes-style API and Logz.io. For each: the printed outcome matches what the server
// holds afterwards, and the number of writes sent and applied is exactly what it must be.

type Server = 'legacy' | 'k8s' | 'logzio';
type Op = 'create' | 'update';
/** 'ok': created (create) or updated (update). */
type Outcome = 'ok' | Extract<Status, 'failed' | 'unknown'>;
/** Outcome, write requests sent, writes applied by the server. */
type Expected = [Outcome, number, number];

const SERVERS: Server[] = ['legacy', 'k8s', 'logzio'];
const OPS: Op[] = ['create', 'update'];
const K8S = '/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards';
const LOGZIO_TOKEN = '6f1c2a9e-logz-api-token-0001';
/** Longer than the client's timeout in the cases that need one. */
const LATE = 5000;
const TIMEOUT = ['--timeout', '2'];

const readPath = (s: Server) => (s === 'k8s' ? `${K8S}/aws-kinesis` : '/api/dashboards/uid/aws-kinesis');
const writeMatch = (s: Server, op: Op) =>
  s === 'k8s' ? (op === 'create' ? { method: 'POST', path: K8S } : { method: 'PUT', path: `${K8S}/aws-kinesis` }) : { method: 'POST', path: '/api/dashboards/db' };
const isDashboardWrite = (method: string, path: string) => method !== 'GET' && /\/dashboards(\/|$)/.test(path);

const PAGE_404 = '<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1><hr>nginx</body></html>';
const LOGIN = '<!doctype html><html><body><form action="/oauth2/start">Sign in</form></body></html>';
const status = (code: number, body?: Json, extra: { times?: number; retryAfter?: string } = {}): Fault => ({ kind: 'status', status: code, ...(body !== undefined ? { body } : {}), ...extra });

interface Case {
  name: string;
  /** Faults for the first read (`read`), the write (`write`) and the read after a lost write (`reread`). */
  read?: Fault[];
  write?: Fault[];
  reread?: Fault[];
  slow?: boolean;
  expect: (s: Server, op: Op) => Expected;
}

const all = (e: Expected) => () => e;
const OK_ONCE: Expected = ['ok', 1, 1];
const OK_RESENT: Expected = ['ok', 2, 1];
const REFUSED: Expected = ['failed', 1, 0];
const NOT_SENT: Expected = ['failed', 0, 0];

const readCases: Case[] = [
  { name: '429 with Retry-After', read: [status(429, undefined, { retryAfter: '0' })], expect: all(OK_ONCE) },
  { name: '502', read: [status(502)], expect: all(OK_ONCE) },
  { name: '503', read: [status(503)], expect: all(OK_ONCE) },
  { name: '504 page', read: [status(504, '<html>Gateway Timeout</html>')], expect: all(OK_ONCE) },
  { name: 'reset', read: [{ kind: 'reset' }], expect: all(OK_ONCE) },
  { name: 'hang', read: [{ kind: 'hang' }], slow: true, expect: all(OK_ONCE) },
  { name: '500', read: [status(500, { message: 'Internal Server Error' })], expect: (s) => (s === 'logzio' ? OK_ONCE : NOT_SENT) },
  { name: '401', read: [status(401, { message: 'Unauthorized' })], expect: all(NOT_SENT) },
  { name: '403', read: [status(403, { message: 'Access denied to this dashboard' })], expect: all(NOT_SENT) },
  { name: "a proxy's 404 page", read: [status(404, PAGE_404)], expect: all(NOT_SENT) },
  { name: "an API gateway's JSON 404", read: [status(404, { message: 'Not Found' })], expect: all(NOT_SENT) },
  { name: 'a 200 login page', read: [status(200, LOGIN)], expect: all(NOT_SENT) },
  { name: 'a 200 of another shape', read: [status(200, { status: 'ok' })], expect: all(NOT_SENT) },
  { name: 'a 200 about another dashboard', read: [status(200, { dashboard: { uid: 'other', title: 'Other' }, meta: {}, metadata: { name: 'other' }, spec: {} })], expect: all(NOT_SENT) },
  { name: 'truncated JSON', read: [{ kind: 'malformed' }], expect: all(NOT_SENT) },
  { name: '503 on every attempt', read: [status(503, undefined, { times: 20 })], expect: all(NOT_SENT) },
];

const writeCases: Case[] = [
  // Grafana's refusals: nothing written, nothing sent again.
  { name: '400', write: [status(400, { message: 'bad request data' })], expect: all(REFUSED) },
  { name: '401', write: [status(401, { message: 'Unauthorized' })], expect: all(REFUSED) },
  { name: '403', write: [status(403, { message: 'Access denied' })], expect: all(REFUSED) },
  { name: 'JSON 404', write: [status(404, { message: 'Not found' })], expect: all(REFUSED) },
  { name: '409', write: [status(409, { message: 'Conflict' })], expect: all(REFUSED) },
  { name: '412 version-mismatch', write: [status(412, { status: 'version-mismatch', message: 'The dashboard has been changed by someone else' })], expect: all(REFUSED) },
  { name: '412 plugin-dashboard', write: [status(412, { status: 'plugin-dashboard', message: 'The dashboard belongs to plugin x.' })], expect: all(REFUSED) },
  // The Kubernetes-style API is asked again to ignore unknown fields; the legacy API has no such answer.
  { name: '422', write: [status(422, { kind: 'Status', code: 422, reason: 'Invalid', message: 'invalid' })], expect: (s) => (s === 'k8s' ? OK_RESENT : REFUSED) },
  // Logz.io's 500 may follow an applied write (its own client retries it): checked, then sent again.
  { name: '500', write: [status(500, { message: 'Failed to save dashboard' })], expect: (s) => (s === 'logzio' ? OK_RESENT : REFUSED) },
  // "Not done, try later": sent again at once.
  { name: '429', write: [status(429, { message: 'Too Many Requests' }, { retryAfter: '0' })], expect: all(OK_RESENT) },
  { name: '429 as text', write: [status(429, 'rate limited')], expect: all(OK_RESENT) },
  { name: "Grafana's 503", write: [status(503, { message: 'Service Unavailable' })], expect: all(OK_RESENT) },
  // Lost answers that were not applied: a read proves it, then it is sent once more.
  { name: '502', write: [status(502)], expect: all(OK_RESENT) },
  { name: '504 page', write: [status(504, '<html>Gateway Timeout</html>')], expect: all(OK_RESENT) },
  { name: "a proxy's 503 text", write: [status(503, 'upstream connect error or disconnect/reset before headers')], expect: all(OK_RESENT) },
  { name: 'reset', write: [{ kind: 'reset' }], expect: all(OK_RESENT) },
  { name: 'hang', write: [{ kind: 'hang' }], slow: true, expect: all(OK_RESENT) },
  { name: 'a 200 login page', write: [status(200, LOGIN)], expect: all(OK_RESENT) },
  { name: 'a 200 of another shape', write: [status(200, { status: 'success' })], expect: all(OK_RESENT) },
  { name: "a proxy's 404 page", write: [status(404, PAGE_404)], expect: all(OK_RESENT) },
  { name: 'a 401 login page', write: [status(401, LOGIN)], expect: all(OK_RESENT) },
  { name: '502 three times', write: [status(502, undefined, { times: 3 })], expect: all(['failed', 3, 0]) },
  // Lost answers of applied writes: the read finds ours, nothing is sent again.
  { name: 'applied, answer late', write: [{ kind: 'delayAfterApply', ms: LATE }], slow: true, expect: all(OK_ONCE) },
  { name: 'applied, connection dropped', write: [{ kind: 'resetAfterApply' }], expect: all(OK_ONCE) },
  { name: 'applied, dropped; the check needs a retry', write: [{ kind: 'resetAfterApply' }], reread: [status(503)], expect: all(OK_ONCE) },
  // Lost answers whose check fails too: unknown, never sent again.
  { name: 'applied, dropped; the check gets 503s', write: [{ kind: 'resetAfterApply' }], reread: [status(503, undefined, { times: 20 })], expect: all(['unknown', 1, 1]) },
  { name: 'not applied, dropped; the check gets 503s', write: [{ kind: 'reset' }], reread: [status(503, undefined, { times: 20 })], expect: all(['unknown', 1, 0]) },
  { name: 'applied, dropped; the check gets 401', write: [{ kind: 'resetAfterApply' }], reread: [status(401, { message: 'Unauthorized' })], expect: all(['unknown', 1, 1]) },
  { name: "applied, dropped; the check gets a proxy's 404 page", write: [{ kind: 'resetAfterApply' }], reread: [status(404, PAGE_404)], expect: all(['unknown', 1, 1]) },
  { name: "not applied, dropped; the check gets a proxy's 404 page", write: [{ kind: 'reset' }], reread: [status(404, PAGE_404)], expect: all(['unknown', 1, 0]) },
  { name: "applied, dropped; the check gets an API gateway's JSON 404", write: [{ kind: 'resetAfterApply' }], reread: [status(404, { message: 'Not Found' })], expect: all(['unknown', 1, 1]) },
  { name: 'not applied, 502; the check is reset every time', write: [status(502)], reread: [{ kind: 'reset', times: 20 }], expect: all(['unknown', 1, 0]) },
  { name: 'applied, dropped; the check gets a login page', write: [{ kind: 'resetAfterApply' }], reread: [status(200, LOGIN)], expect: all(['unknown', 1, 1]) },
  { name: 'applied, dropped; the check gets another shape', write: [{ kind: 'resetAfterApply' }], reread: [status(200, { ok: true })], expect: all(['unknown', 1, 1]) },
  { name: 'applied, answer late; the check gets 500s', write: [{ kind: 'delayAfterApply', ms: LATE }], reread: [status(500, { message: 'Internal Server Error' }, { times: 20 })], slow: true, expect: all(['unknown', 1, 1]) },
];

const generated = () => JSON.parse(serialize(synth())) as JsonObject;

async function start(server: Server) {
  const options: StandinOptions =
    server === 'logzio'
      ? { basePath: '/v1/grafana', auth: { tokens: [LOGZIO_TOKEN], apiTokenHeader: 'X-API-TOKEN' }, requireNoIdOnCreate: true }
      : { auth: { tokens: [TOKEN] }, ...(server === 'k8s' ? { k8s: { versions: ['v1beta1'] } } : {}) };
  // Closed by the caller: the matrix runs its cases side by side, so no afterEach may close them all.
  const g = await startGrafanaStandin(options);
  const env = { KINESIS_DASHBOARDS_RETRY_BASE_MS: '5', ...(server === 'logzio' ? { LOGZIO_API_TOKEN: LOGZIO_TOKEN } : { GRAFANA_URL: g.url, GRAFANA_TOKEN: TOKEN }) };
  const run = (args: string[]) => cli([...args, ...(server === 'logzio' ? ['--logzio-api-url', g.url] : [])], { env });
  return { g, run };
}

async function check(expect: ExpectStatic, c: Case, server: Server, op: Op) {
  const { g, run } = await start(server);
  try {
    await checkOn(expect, g, run, c, server, op);
  } finally {
    await g.close();
  }
}

/** Runs one case against a fresh stand-in and checks outcome, writes sent, writes applied and final state. */
async function checkOn(expect: ExpectStatic, g: GrafanaStandin, run: (args: string[]) => Promise<CliResult>, c: Case, server: Server, op: Op) {
  if (op === 'update') g.state.seedDashboard({ dashboard: { ...generated(), title: 'Before' } });
  const before = g.state.writes;
  const read = readPath(server);
  const faults: Fault[] = [
    ...(c.read ?? []).map((f) => ({ ...f, match: { method: 'GET', path: read } })),
    ...(c.write ?? []).map((f) => ({ ...f, match: writeMatch(server, op) })),
    // The first read passes; these hit the read that follows a lost write.
    ...(c.reread ?? []).map((f) => ({ ...f, skip: 1, match: { method: 'GET', path: read } })),
  ];
  g.faults.push(...faults);
  const r = await run(['publish', '--json', ...(c.slow ? TIMEOUT : [])]);
  const [outcome, sent, applied] = c.expect(server, op);
  const want = outcome === 'ok' ? (op === 'create' ? 'created' : 'updated') : outcome;
  const result = JSON.parse(r.stdout || '{"results":[]}').results[0];
  const context = `${r.stdout}${r.stderr}`;

  expect(result?.status, context).toBe(want);
  expect(r.code).toBe(outcome === 'ok' ? 0 : 1);
  expect(g.requests.filter((q) => isDashboardWrite(q.method, q.path)).length, context).toBe(sent);
  expect(g.state.writes - before, context).toBe(applied);
  // The printed report is the server's final state.
  const stored = g.state.getDashboard('aws-kinesis');
  const ours = stored?.dashboard.title === 'Amazon Kinesis';
  if (outcome === 'ok') {
    expect(ours).toBe(true);
    expect(result.version).toBe(stored!.version);
  } else if (outcome === 'failed') {
    expect(op === 'create' ? stored : stored?.dashboard.title).toBe(op === 'create' ? undefined : 'Before');
  } else {
    expect(result.error).toMatch(/may or may not have been applied; the read that should have told failed too .*Run `kinesis-dashboards diff`/);
    expect(ours).toBe(applied === 1);
  }
  // Every fault of the case was met: the case tested what it says.
  expect(faults.map((f) => g.faults.hits(f)).every((n) => n > 0), context).toBe(true);
}

// Each case has its own stand-in, so they run side by side (the slow ones mostly wait for timeouts).
describe.concurrent('fault matrix: the first read', () => {
  for (const server of SERVERS) for (const op of OPS) for (const c of readCases) it(`${server} ${op}: ${c.name}`, ({ expect }) => check(expect, c, server, op));
});

describe.concurrent('fault matrix: the write, and the read that settles a lost one', () => {
  for (const server of SERVERS) for (const op of OPS) for (const c of writeCases) it(`${server} ${op}: ${c.name}`, ({ expect }) => check(expect, c, server, op));
});

describe('a fleet with faults', () => {
  const N = 30;
  const uids = Array.from({ length: N }, (_, i) => `kinesis-${String(i).padStart(2, '0')}`);

  for (const concurrency of [1, 8]) {
    it(`reports exactly what was written, at concurrency ${concurrency}; re-runs finish the job without a duplicate or a second write`, async () => {
      const { path: dir, cleanup } = await tempDir();
      const { g } = await start('legacy');
      try {
        await writeFile(join(dir, 'kd.json'), JSON.stringify({ profile: 'yace', dashboards: uids.map((uid) => ({ uid, title: `Kinesis ${uid}` })) }));
        const run = (args: string[]) =>
          cli(['publish', '--config', 'kd.json', '--concurrency', String(concurrency), ...args], { cwd: dir, env: { GRAFANA_URL: g.url, GRAFANA_TOKEN: TOKEN, KINESIS_DASHBOARDS_RETRY_BASE_MS: '5' } });
        const post = { method: 'POST', path: '/api/dashboards/db' };
        g.faults.push(
          { match: post, kind: 'resetAfterApply', times: 3 },
          { match: post, kind: 'reset', times: 3 },
          { match: post, kind: 'status', status: 502, times: 3 },
          { match: post, kind: 'status', status: 200, body: LOGIN, times: 3 },
          { match: post, kind: 'status', status: 400, body: { message: 'bad request data' }, times: 2 },
        );
        // Every third dashboard's settling read fails: a lost write there stays unknown.
        for (const uid of uids.filter((_, i) => i % 3 === 0)) {
          g.faults.push({ match: { method: 'GET', path: `/api/dashboards/uid/${uid}` }, skip: 1, kind: 'status', status: 503, times: 20 });
        }
        const r = await run(['--json']);
        const results = JSON.parse(r.stdout).results as { uid: string; status: string; version?: number; error?: string }[];
        const posts = (uid: string) => g.requests.filter((q) => q.method === 'POST' && (q.body as { dashboard?: { uid?: string } })?.dashboard?.uid === uid).length;
        const stored = () => g.state.orgs.get(1)!.dashboards;

        const count = (s: string) => results.filter((x) => x.status === s).length;
        expect(count('created') + count('failed') + count('unknown')).toBe(N);
        expect(count('unknown')).toBeGreaterThan(0);
        // The two 400s, and any dashboard whose three sends were all lost and proven not applied.
        expect(count('failed')).toBeGreaterThanOrEqual(2);
        for (const x of results.filter((y) => y.status === 'failed')) expect(x.error).toMatch(/HTTP 400 bad request data|Grafana shows it was not applied, after 3 tries/);
        expect(r.code).toBe(1);
        for (const x of results) {
          const there = stored().get(x.uid);
          if (x.status === 'created') expect(there?.version, x.uid).toBe(x.version);
          if (x.status === 'failed') expect(there, x.uid).toBeUndefined();
          if (x.status === 'unknown') expect(posts(x.uid), x.uid).toBe(1);
        }
        // Every write the server applied is either reported, or covered by an unknown.
        const applied = g.state.writes;
        const unknownApplied = results.filter((x) => x.status === 'unknown' && stored().has(x.uid)).length;
        expect(applied).toBe(count('created') + unknownApplied);
        expect(stored().size).toBe(applied);

        g.faults.clear();
        const again = await run([]);
        expect(again.code).toBe(0);
        expect(again.stdout).toMatch(new RegExp(`${N - count('created') - unknownApplied} created, 0 updated, ${count('created') + unknownApplied} unchanged, 0 failed\\n$`));
        expect(stored().size).toBe(N);
        const writes = g.state.writes;
        expect((await run([])).stdout).toMatch(new RegExp(`0 created, 0 updated, ${N} unchanged, 0 failed\\n$`));
        expect(g.state.writes).toBe(writes);
      } finally {
        await g.close();
        await cleanup();
      }
    });
  }
});

describe.concurrent('a write applied late by a slow server', () => {
  // The first send times out, the read finds nothing yet, the second send is refused because the
  // first one has meanwhile been applied: a conflict with itself, which is no conflict.
  for (const server of SERVERS) {
    for (const op of OPS) {
      it(`${server} ${op}: the resend's conflict is looked at and the write reported once`, async ({ expect }) => {
        const { g, run } = await start(server);
        try {
          if (op === 'update') g.state.seedDashboard({ dashboard: { ...generated(), title: 'Before' } });
          const match = writeMatch(server, op);
          g.faults.push({ match, kind: 'delay', ms: 3000 }, { match, kind: 'delay', ms: 1200 });
          const r = await run(['publish', '--json', '--timeout', '2']);
          const [result] = JSON.parse(r.stdout).results;
          expect(result.status, r.stdout).toBe(op === 'create' ? 'created' : 'updated');
          expect(g.state.writes).toBe(1);
          expect(g.state.getDashboard('aws-kinesis')!).toMatchObject({ version: result.version, dashboard: { title: 'Amazon Kinesis' } });
        } finally {
          await g.close();
        }
      });
    }
  }
});
