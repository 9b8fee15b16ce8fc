import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';

/**
 * A throwaway Prometheus for tests: its own temporary storage and config, loaded with OpenMetrics text
 * through `promtool tsdb create-blocks-from openmetrics`, listening on 127.0.0.1 only, on a free port.
 *
 * Binaries: PROMETHEUS_BIN / PROMTOOL_BIN when set (and then only those), else `prometheus` / `promtool`
 * on PATH, else /usr/bin. Debian's `prometheus` package brings both.
 */

export const HOW_TO_RUN =
  'Install Prometheus with promtool (Debian/Ubuntu: `apt-get install prometheus`; or point PROMETHEUS_BIN and ' +
  'PROMTOOL_BIN at the binaries), then run `npm run test:e2e` (it sets REQUIRE_PROMETHEUS=1, so a missing binary fails instead of skipping).';

export interface PrometheusBinaries {
  prometheus: string;
  promtool: string;
  /** e.g. "2.42.0+ds" */
  version: string;
}

export type Lookup = { ok: true; binaries: PrometheusBinaries } | { ok: false; reason: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function locate(name: string, envVar: string): { path: string } | { reason: string } {
  const override = process.env[envVar];
  if (override) return executable(override) ? { path: override } : { reason: `${envVar}=${override} is not an executable file` };
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (executable(candidate)) return { path: candidate };
  }
  return { reason: `no \`${name}\` on PATH or in /usr/bin` };
}

let cached: Lookup | undefined;

/** Finds both binaries and asks Prometheus its version (cached for the process). */
export function findPrometheus(): Lookup {
  if (cached) return cached;
  const server = locate('prometheus', 'PROMETHEUS_BIN');
  const tool = locate('promtool', 'PROMTOOL_BIN');
  if ('reason' in server) return (cached = { ok: false, reason: server.reason });
  if ('reason' in tool) return (cached = { ok: false, reason: tool.reason });
  const out = spawnSync(server.path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const version = /version (\S+)/.exec(`${out.stdout}${out.stderr}`)?.[1];
  if (out.status !== 0 || !version) return (cached = { ok: false, reason: `\`${server.path} --version\` failed: ${out.error?.message ?? out.stderr}` });
  return (cached = { ok: true, binaries: { prometheus: server.path, promtool: tool.path, version } });
}

export function prometheusAvailable(): boolean {
  return findPrometheus().ok;
}

let skipWarned = false;

/**
 * `describe` for suites that need Prometheus. Without the binaries it skips, saying how to run the suite;
 * with REQUIRE_PROMETHEUS=1 (CI, `npm run test:e2e`) a missing binary is a failing test instead.
 */
export function describeWithPrometheus(name: string, fn: () => void): void {
  const found = findPrometheus();
  if (found.ok) {
    describe(name, fn);
    return;
  }
  const message = `${name}: Prometheus not found (${found.reason}). ${HOW_TO_RUN}`;
  if (process.env.REQUIRE_PROMETHEUS === '1') {
    describe(name, () => {
      it('has Prometheus and promtool (REQUIRE_PROMETHEUS=1)', () => {
        throw new Error(message);
      });
    });
    return;
  }
  // Once per test process: every Prometheus suite skips for the same reason.
  if (!skipWarned) console.warn(`Skipping the Prometheus suites: Prometheus not found (${found.reason}). ${HOW_TO_RUN}`);
  skipWarned = true;
  describe.skip(name, fn);
}

export interface Sample {
  labels: Record<string, string>;
  /** unix seconds */
  time: number;
  value: number;
}

export interface RangeSeries {
  labels: Record<string, string>;
  points: Array<[time: number, value: number]>;
}

export interface PrometheusServer {
  url: string;
  version: string;
  /** True from Prometheus 3, whose range selectors and lookback exclude their start (2.x includes it). */
  leftOpenSelectors: boolean;
  /** /api/v1/query at `time` (unix seconds); a vector result, one entry per series. */
  query(expr: string, time: number): Promise<Sample[]>;
  /** /api/v1/query_range; a matrix result. */
  queryRange(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]>;
  /** /api/v1/label/<label>/values with match[] selectors, over [start, end] when given. */
  labelValues(label: string, match?: string | string[], start?: number, end?: number): Promise<string[]>;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** OpenMetrics text (`# EOF`-terminated) loaded into the server's storage before it starts. */
  openmetrics: string;
  readyTimeoutMs?: number;
}

/** Both binaries, or an error saying how to get them (for code that runs only where describeWithPrometheus found them). */
export function requirePrometheus(): PrometheusBinaries {
  const found = findPrometheus();
  if (!found.ok) throw new Error(`Prometheus not found (${found.reason}). ${HOW_TO_RUN}`);
  return found.binaries;
}

/** The data as Prometheus stores it, on the dashboard's 1 m evaluation; no scrape targets: it serves only what promtool wrote. */
export async function startPrometheus(options: StartOptions): Promise<PrometheusServer> {
  const { version } = requirePrometheus();
  const server = await servePrometheus({
    prefix: 'kd-prometheus-',
    files: { 'prometheus.yml': 'global:\n  evaluation_interval: 1m\n' },
    openmetrics: options.openmetrics,
    flags: [
      // The synthetic data is old on purpose (fixed dates): keep every block whatever their age.
      '--storage.tsdb.retention.time=36500d',
      // Spelled out because the truths assume it (test/support/synthetic.ts PROMETHEUS_2).
      '--query.lookback-delta=5m',
    ],
    ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
  });
  const { url, api } = server;
  const [major = 0] = version.split('.').map((n) => parseInt(n, 10));
  return {
    url,
    version,
    leftOpenSelectors: major >= 3,
    async query(expr, time) {
      const data = await api<{ resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
        '/api/v1/query',
        new URLSearchParams({ query: expr, time: String(time) }),
      );
      if (data.resultType !== 'vector') throw new Error(`expected a vector, got ${data.resultType}: ${expr}`);
      return data.result.map((r) => ({ labels: r.metric, time: r.value[0], value: parseValue(r.value[1]) }));
    },
    async queryRange(expr, start, end, step) {
      const data = await api<{ resultType: string; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(
        '/api/v1/query_range',
        new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(step) }),
      );
      if (data.resultType !== 'matrix') throw new Error(`expected a matrix, got ${data.resultType}: ${expr}`);
      return data.result.map((r) => ({ labels: r.metric, points: r.values.map(([t, v]) => [t, parseValue(v)] as [number, number]) }));
    },
    async labelValues(label, match, start, end) {
      const params = new URLSearchParams();
      for (const m of [match ?? []].flat()) params.append('match[]', m);
      if (start !== undefined) params.set('start', String(start));
      if (end !== undefined) params.set('end', String(end));
      const res = await fetch(`${url}/api/v1/label/${encodeURIComponent(label)}/values?${params}`);
      const body = (await res.json()) as { status: string; data: string[]; error?: string };
      if (body.status !== 'success') throw new Error(`label values for ${label} failed: ${body.error}`);
      return body.data;
    },
    stop: server.stop,
  };
}

/**
 * A Prometheus for each test of the suite: started in beforeAll with the data `openmetrics()` returns, stopped in
 * afterAll. Call it in a describeWithPrometheus body; the getter returns the running server inside tests.
 */
export function usePrometheus(openmetrics: () => string): () => PrometheusServer {
  let server: PrometheusServer | undefined;
  beforeAll(async () => {
    server = await startPrometheus({ openmetrics: openmetrics() });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('Prometheus is not running: its beforeAll failed');
    return server;
  };
}

// ---------------------------------------------------------------------------------------------
// The machinery every test Prometheus shares (startPrometheus here, startRulesServer in promtool.ts).

/** A temporary directory holding the given files (name → content); `cleanup` removes it. */
export function tempFiles(prefix: string, files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ServeOptions {
  /** The temporary directory's name prefix. */
  prefix: string;
  /** Files written to the directory first; `prometheus.yml` is the config (relative paths in it are the directory's). */
  files: Record<string, string>;
  /** OpenMetrics text loaded as blocks with `promtool tsdb create-blocks-from openmetrics` before the start. */
  openmetrics: string;
  /** Flags besides the config, storage, listen address and log level. */
  flags: readonly string[];
  readyTimeoutMs?: number;
}

/** A started Prometheus: its URL, its HTTP API, and stop. */
export interface RunningPrometheus {
  url: string;
  /** The API at `path`: a form POST with `params`, else a GET; the `data` of a successful answer, else throws. */
  api<T>(path: string, params?: URLSearchParams): Promise<T>;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const run = promisify(execFile);

/**
 * Prometheus with its own temporary directory (config, the data as blocks in tsdb/), no scrape targets, on
 * 127.0.0.1 and a free port; resolves once ready. The directory is removed on failure and on stop.
 */
export async function servePrometheus(options: ServeOptions): Promise<RunningPrometheus> {
  const { prometheus, promtool } = requirePrometheus();
  const { dir, cleanup } = tempFiles(options.prefix, { ...options.files, 'data.om': options.openmetrics });
  try {
    const tsdb = join(dir, 'tsdb');
    // Blocks first, so the server opens them at start (promtool cuts them at 2 h boundaries itself).
    try {
      await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', join(dir, 'data.om'), tsdb], { maxBuffer: 16 << 20 });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`promtool could not load the OpenMetrics data: ${err.stderr || err.message}`);
    }
    const args = (port: number) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${tsdb}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...options.flags,
      '--log.level=warn',
    ];
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await launch(prometheus, dir, args, options.readyTimeoutMs ?? 30_000, cleanup);
      } catch (e) {
        lastError = e as Error;
        if (!/address already in use/i.test(lastError.message)) break;
      }
    }
    throw lastError ?? new Error('Prometheus did not start');
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** A port the kernel just gave out on 127.0.0.1 (Prometheus takes it a moment later; servePrometheus retries if it lost the race). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parseValue(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

/** Children still running, killed if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

async function launch(
  bin: string,
  dir: string,
  args: (port: number) => string[],
  readyTimeoutMs: number,
  cleanup: () => void,
): Promise<RunningPrometheus> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(bin, args(port), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  installExitHook();
  let log = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    log = (log + chunk).slice(-8000);
  });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    }),
  );

  const stopChild = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timedOut = await Promise.race([exitedPromise.then(() => false), sleep(5000).then(() => true)]);
      if (timedOut) {
        child.kill('SIGKILL');
        await exitedPromise;
      }
    }
  };

  // Ready when /-/ready answers 200 (the TSDB, with the loaded blocks, is open).
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(`Prometheus exited before it was ready:\n${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild();
      throw new Error(`Prometheus was not ready after ${readyTimeoutMs} ms:\n${log}`);
    }
    await sleep(100);
  }

  let stopped = false;
  return {
    url,
    async api<T>(path: string, params?: URLSearchParams): Promise<T> {
      // POST keeps long expressions out of the URL; Prometheus accepts form bodies on the query endpoints.
      const res = await fetch(
        `${url}${path}`,
        params ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params } : {},
      );
      const body = (await res.json()) as { status: string; data: T; error?: string; errorType?: string };
      if (body.status !== 'success') {
        throw new Error(`Prometheus ${path} failed (${res.status} ${body.errorType ?? ''}): ${body.error ?? ''}\n  ${params?.get('query') ?? params?.toString() ?? ''}`);
      }
      return body.data;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild();
      cleanup();
    },
  };
}
