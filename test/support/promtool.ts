import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPrometheus, HOW_TO_RUN } from './prometheus.ts';

/**
 * promtool and a Prometheus that evaluates rule files, for the alert tests. Binaries are found as in
 * test/support/prometheus.ts (PROMETHEUS_BIN / PROMTOOL_BIN, PATH, /usr/bin); suites wrap themselves in its
 * `describeWithPrometheus` (skip with a message, or fail under REQUIRE_PROMETHEUS=1).
 */

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

function binaries() {
  const found = findPrometheus();
  if (!found.ok) throw new Error(`Prometheus not found (${found.reason}). ${HOW_TO_RUN}`);
  return found.binaries;
}

/** Runs promtool with the arguments in `cwd`; never throws for a non-zero exit. */
export function promtool(args: string[], cwd?: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(binaries().promtool, args, { cwd, maxBuffer: 16 << 20, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

/** A temporary directory holding the given files (name → content); `cleanup` removes it. */
export function filesIn(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kd-rules-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
  value: string;
}

export interface ApiRule {
  name: string;
  query: string;
  duration: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  alerts?: ApiAlert[];
  health: string;
  lastError?: string;
  type: string;
  state?: string;
}

export interface ApiRuleGroup {
  name: string;
  file: string;
  rules: ApiRule[];
  interval: number;
}

export interface RulesServer {
  url: string;
  /** /api/v1/rules */
  rules(): Promise<ApiRuleGroup[]>;
  /** /api/v1/alerts: every pending or firing alert. */
  alerts(): Promise<ApiAlert[]>;
  /** /api/v1/query at `time` (unix seconds; default: now); the labels of each series and its value. */
  query(expr: string, time?: number): Promise<{ labels: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

export interface RulesServerOptions {
  /** OpenMetrics text loaded with `promtool tsdb create-blocks-from openmetrics` before the start. */
  openmetrics: string;
  /** Rule files (name → content), listed under rule_files. */
  ruleFiles: Record<string, string>;
  /** global.evaluation_interval; default 1s. */
  evaluationInterval?: string;
  /** --rules.alert.for-grace-period; default 1s. */
  forGracePeriod?: string;
}

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
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Prometheus with rule files, its own storage (the OpenMetrics data as blocks) and no scrape targets,
 * on 127.0.0.1 and a free port. Rules evaluate at wall-clock time: give it recent data.
 */
export async function startRulesServer(options: RulesServerOptions): Promise<RulesServer> {
  const { prometheus } = binaries();
  const names = Object.keys(options.ruleFiles);
  const config = [
    'global:',
    `  evaluation_interval: ${options.evaluationInterval ?? '1s'}`,
    'rule_files:',
    ...names.map((n) => `  - ${n}`),
    '',
  ].join('\n');
  const { dir, cleanup } = filesIn({ ...options.ruleFiles, 'prometheus.yml': config, 'data.om': options.openmetrics });
  try {
    const load = await promtool(['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', 'data.om', 'tsdb'], dir);
    if (load.code !== 0) throw new Error(`promtool could not load the OpenMetrics data: ${load.stderr}`);
    for (let attempt = 0; ; attempt++) {
      try {
        return await launch(prometheus, dir, options.forGracePeriod ?? '1s', cleanup);
      } catch (e) {
        if (attempt >= 2 || !/address already in use/i.test((e as Error).message)) throw e;
      }
    }
  } catch (e) {
    cleanup();
    throw e;
  }
}

async function launch(bin: string, dir: string, forGracePeriod: string, cleanup: () => void): Promise<RulesServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    bin,
    [
      '--config.file=prometheus.yml',
      '--storage.tsdb.path=tsdb',
      `--web.listen-address=127.0.0.1:${port}`,
      `--rules.alert.for-grace-period=${forGracePeriod}`,
      '--log.level=warn',
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  live.add(child);
  let log = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => void (log = (log + chunk).slice(-8000)));
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    }),
  );
  const stopChild = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    if (await Promise.race([exitedPromise.then(() => false), sleep(5000).then(() => true)])) {
      child.kill('SIGKILL');
      await exitedPromise;
    }
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`Prometheus exited before it was ready:\n${log}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild();
      throw new Error(`Prometheus was not ready after 30 s:\n${log}`);
    }
    await sleep(100);
  }

  async function api<T>(path: string, params?: URLSearchParams): Promise<T> {
    const res = await fetch(`${url}${path}`, params ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params } : {});
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path} failed: ${body.error ?? res.status}`);
    return body.data;
  }

  let stopped = false;
  return {
    url,
    rules: async () => (await api<{ groups: ApiRuleGroup[] }>('/api/v1/rules')).groups,
    alerts: async () => (await api<{ alerts: ApiAlert[] }>('/api/v1/alerts')).alerts,
    async query(expr, time) {
      const params = new URLSearchParams({ query: expr, ...(time !== undefined ? { time: String(time) } : {}) });
      const data = await api<{ resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }>('/api/v1/query', params);
      if (data.resultType !== 'vector') throw new Error(`expected a vector, got ${data.resultType}: ${expr}`);
      return data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild();
      cleanup();
    },
  };
}
