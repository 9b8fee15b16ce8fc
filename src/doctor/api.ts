import { HttpError, NetworkError, request, type Connection } from '../grafana/http.ts';

/*
 * The two read-only endpoints of the Prometheus HTTP API the doctor uses, /api/v1/query and
 * /api/v1/query_range (https://prometheus.io/docs/prometheus/latest/querying/api/), always as GET: Mimir,
 * Thanos, VictoriaMetrics and Logz.io's metrics API answer them alike, and Grafana's data source proxy
 * forwards a GET to a Prometheus data source without exception (pkg/api/pluginproxy/ds_proxy.go lets
 * only some POSTs through).
 */

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface RangeSeries {
  labels: Record<string, string>;
  points: Array<[time: number, value: number]>;
}

/** What the checks read: plain functions, so tests and other transports can stand in. */
export interface PromApi {
  /** An instant query at `time` (unix seconds): one sample per series. */
  query(expr: string, time: number): Promise<Sample[]>;
  /** A range query from `start` to `end` every `step` seconds. */
  queryRange(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]>;
}

/** The server refused or failed a query (bad query, too many series, timeout): said with the query's purpose. */
export class QueryError extends Error {
  override name = 'QueryError';
}

export interface HttpPromApiOptions {
  /** Path under the connection's base URL where /api/v1 lives ('' for Prometheus itself; Grafana's proxy path). */
  prefix: string;
  /** Evaluation timeout sent with every query (Prometheus' `timeout` parameter), seconds. */
  timeoutSeconds: number;
  /** Every query, before it is sent (--debug). */
  debug?: (line: string) => void;
}

/** A limiter: at most `n` calls of `fn` in flight. */
export function limit(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

const number = (v: string) => (v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v));

interface ApiBody {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown[] };
}

/** The Prometheus API over one HTTP connection (its concurrency bounds the queries in flight). */
export function httpPromApi(conn: Connection, options: HttpPromApiOptions): PromApi {
  const run = limit(conn.concurrency);
  async function get(path: string, params: Record<string, string>): Promise<{ resultType: string; result: unknown[] }> {
    options.debug?.(`GET ${path} ${params.query}${params.time ? ` at ${params.time}` : ` from ${params.start} to ${params.end} step ${params.step}s`}`);
    let body: ApiBody;
    try {
      body = (await run(() => request(conn, 'GET', `${options.prefix}/api/v1/${path}`, { query: { ...params, timeout: `${options.timeoutSeconds}s` } }))).body as ApiBody;
    } catch (err) {
      if (err instanceof HttpError) {
        const b = err.body as ApiBody | undefined;
        const why = b && typeof b === 'object' && typeof b.error === 'string' ? b.error : err.message;
        throw new QueryError(`${path} failed (HTTP ${err.status}): ${why}\n  query: ${params.query}`);
      }
      if (err instanceof NetworkError) {
        // The message holds the whole encoded URL: say where, and why, in a line.
        throw new QueryError(`cannot reach the metrics API at ${conn.baseUrl}${options.prefix}: ${err.message.slice(err.message.lastIndexOf(': ') + 2)}`);
      }
      throw err;
    }
    if (!body || body.status !== 'success' || !body.data || !Array.isArray(body.data.result)) {
      throw new QueryError(`${path}: the answer is not a Prometheus API answer (is the URL the Prometheus API's base?)\n  query: ${params.query}`);
    }
    return { resultType: String(body.data.resultType), result: body.data.result };
  }
  return {
    async query(expr, time) {
      const data = await get('query', { query: expr, time: String(time) });
      if (data.resultType === 'scalar') return [];
      return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({ labels: r.metric, value: number(r.value[1]) }));
    },
    async queryRange(expr, start, end, step) {
      const data = await get('query_range', { query: expr, start: String(start), end: String(end), step: String(step) });
      return (data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>).map((r) => ({
        labels: r.metric,
        points: r.values.map(([t, v]) => [t, number(v)] as [number, number]),
      }));
    },
  };
}
