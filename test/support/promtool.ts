import { execFile } from 'node:child_process';
import { requirePrometheus, servePrometheus, tempFiles } from './prometheus.ts';

/**
 * promtool and a Prometheus that evaluates rule files, for the alert tests. Binaries are found as in
 * test/support/prometheus.ts (PROMETHEUS_BIN / PROMTOOL_BIN, PATH, /usr/bin); suites wrap themselves in its
 * `describeWithPrometheus` (skip with a message, or fail under REQUIRE_PROMETHEUS=1). The server is
 * prometheus.ts's servePrometheus, with rule files.
 */

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs promtool with the arguments in `cwd`; never throws for a non-zero exit. */
export function promtool(args: string[], cwd?: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(requirePrometheus().promtool, args, { cwd, maxBuffer: 16 << 20, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

/** A temporary directory holding the given files (name → content); `cleanup` removes it. */
export function filesIn(files: Record<string, string>): { dir: string; cleanup: () => void } {
  return tempFiles('kd-rules-', files);
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

/**
 * Prometheus with rule files, its own storage (the OpenMetrics data as blocks) and no scrape targets,
 * on 127.0.0.1 and a free port. Rules evaluate at wall-clock time: give it recent data.
 */
export async function startRulesServer(options: RulesServerOptions): Promise<RulesServer> {
  const config = [
    'global:',
    `  evaluation_interval: ${options.evaluationInterval ?? '1s'}`,
    'rule_files:',
    ...Object.keys(options.ruleFiles).map((n) => `  - ${n}`),
    '',
  ].join('\n');
  const { url, api, stop } = await servePrometheus({
    prefix: 'kd-rules-',
    files: { ...options.ruleFiles, 'prometheus.yml': config },
    openmetrics: options.openmetrics,
    flags: [`--rules.alert.for-grace-period=${options.forGracePeriod ?? '1s'}`],
  });
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
    stop,
  };
}
