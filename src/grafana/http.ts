import http from 'node:http';
import https from 'node:https';

/** Everything needed to talk to one Grafana (or Logz.io) API. Secrets live only in `headers`. */
export interface Connection {
  /** Root under which `/api/...` and `/apis/...` live, without a trailing slash. */
  baseUrl: string;
  flavor: 'grafana' | 'logzio';
  headers: Record<string, string>;
  /** Values never to print: tokens, passwords, custom header values. */
  secrets: string[];
  ca?: Buffer;
  insecure: boolean;
  timeoutMs: number;
  retry: RetryPolicy;
  /** Most requests in flight at once (Logz.io allows 100 per account). */
  concurrency: number;
  /** The Kubernetes-style API's namespace when given (--namespace); otherwise discovered. */
  namespace?: string;
  debug?: (line: string) => void;
}

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** Longest Retry-After the client waits for before giving up. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 500, maxMs: 8_000, maxRetryAfterMs: 60_000 };

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** The server answered with an error status (after any retries). */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path}: HTTP ${status}${serverMessage(body) ? ` ${serverMessage(body)}` : ''}`);
  }
}

/**
 * A write whose fate is unknown: the request timed out, the connection dropped, or a gateway
 * answered 502/504 (Logz.io: 500). The caller must re-read before deciding, never blindly resend.
 */
export class AmbiguousWriteError extends Error {
  override name = 'AmbiguousWriteError';
}

/**
 * An answer that is not Grafana's: an HTML or text page (a proxy, a login page), or JSON of another
 * shape than the endpoint gives. It says nothing about a dashboard, so it is never taken as one.
 */
export class NotGrafanaError extends Error {
  override name = 'NotGrafanaError';
}

/** How an answer that is not Grafana's is shown: its status and the start of its text. */
export function describeForeign(status: number, text: string): string {
  const start = text.slice(0, 60).replace(/\s+/g, ' ').trim();
  return `HTTP ${status} with an answer that is not Grafana's${start ? ` ("${start}${text.length > 60 ? '…' : ''}")` : ' (empty)'}`;
}

/** No answer at all after the retries (refused, reset, timed out). */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

export function serverMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body && typeof (body as { message: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return typeof body === 'string' ? body.slice(0, 200) : '';
}

const agents = new WeakMap<Connection, http.Agent>();

function agentFor(conn: Connection, isHttps: boolean): http.Agent {
  let agent = agents.get(conn);
  if (!agent) {
    // Keep-alive: a fleet publish makes hundreds of requests to one host.
    const opts = { keepAlive: true, maxSockets: conn.concurrency, ...(conn.ca ? { ca: conn.ca } : {}), rejectUnauthorized: !conn.insecure };
    agent = isHttps ? new https.Agent(opts) : new http.Agent(opts);
    agents.set(conn, agent);
  }
  return agent;
}

/** Closes the connection's sockets so the process can exit. */
export function closeConnection(conn: Connection): void {
  agents.get(conn)?.destroy();
  agents.delete(conn);
}

type Outcome = { kind: 'response'; status: number; headers: http.IncomingHttpHeaders; text: string } | { kind: 'timeout' } | { kind: 'network'; code: string };

function once(conn: Connection, method: string, url: URL, body: string | undefined): Promise<Outcome> {
  const isHttps = url.protocol === 'https:';
  const lib = isHttps ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Outcome) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(o);
      }
    };
    const req = lib.request(
      url,
      {
        method,
        agent: agentFor(conn, isHttps),
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
          ...conn.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ kind: 'response', status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => done({ kind: 'network', code: 'ECONNRESET' }));
        res.on('aborted', () => done({ kind: 'network', code: 'ECONNRESET' }));
      },
    );
    // One deadline for the whole exchange, not an idle timer: a slow trickle is a timeout too.
    const timer = setTimeout(() => {
      done({ kind: 'timeout' });
      req.destroy();
    }, conn.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done({ kind: 'network', code: err.code ?? err.message }));
    req.end(body);
  });
}

/** Retry-After in milliseconds (seconds or an HTTP date), if the server sent one. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so clients that failed together spread out. */
export function backoffMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return cap / 2 + random() * (cap / 2);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Statuses that mean "not done, try later" for any request. */
const RETRY_ALWAYS = new Set([429, 503]);
/** Connection errors raised before a byte of the request left (no server was reached). */
const NOTHING_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
/** Statuses after which a read is retried but a write may have happened (gateways). */
const RETRY_READ = new Set([502, 504]);

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** A 404 is an answer here (a read of what may not exist yet), returned rather than thrown: no error built for the common case. */
  notFoundIsAnswer?: boolean;
}

/**
 * One API call with bounded retries. Reads are retried on 429, 5xx gateway errors, resets and
 * timeouts; writes only when the server said it did nothing (429, 503); otherwise a write whose
 * outcome is unknown raises AmbiguousWriteError. Error statuses become HttpError.
 */
export async function request(conn: Connection, method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const url = new URL(conn.baseUrl + path);
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const isRead = method === 'GET' || method === 'HEAD';
  const shown = `${method} ${url.pathname}${url.search}`;

  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    const outcome = await once(conn, method, url, body);
    const last = attempt + 1 >= conn.retry.attempts;
    let wait = backoffMs(conn.retry, attempt);

    if (outcome.kind === 'response') {
      conn.debug?.(`${shown} → ${outcome.status} (${Date.now() - started} ms)`);
      const { status } = outcome;
      const parsed = parseBody(outcome.text);
      // Grafana answers JSON, errors included. Anything else came from something in between (a proxy's
      // page, a login form): it says nothing about what happened to a write, nor about what exists.
      const foreign = !parsed.ok || (outcome.text !== '' && (parsed.value === null || typeof parsed.value !== 'object'));
      if (foreign && !isRead && status !== 429) {
        throw new AmbiguousWriteError(`${shown}: ${describeForeign(status, outcome.text)}: the write may or may not have been applied`);
      }
      if (status === 404 && opts.notFoundIsAnswer) return { status, headers: outcome.headers, body: parsed.ok ? parsed.value : outcome.text };
      if (status >= 200 && status < 300) {
        if (!foreign) return { status, headers: outcome.headers, body: parsed.value };
        throw new NotGrafanaError(`${shown}: ${describeForeign(status, outcome.text)}: is the URL Grafana's?`);
      }
      const retryable = RETRY_ALWAYS.has(status) || (conn.flavor === 'logzio' && status === 500) || RETRY_READ.has(status);
      const writeUnknown = !isRead && (RETRY_READ.has(status) || (conn.flavor === 'logzio' && status === 500));
      if (writeUnknown) throw new AmbiguousWriteError(`${shown}: HTTP ${status} from the server: the write may or may not have been applied`);
      if (!retryable || last) throw new HttpError(method, url.pathname, status, foreign ? `(${describeForeign(status, outcome.text).replace(/^HTTP \d+ with /, '')})` : parsed.value);
      const after = retryAfterMs(outcome.headers['retry-after']);
      if (after !== undefined) {
        if (after > conn.retry.maxRetryAfterMs) {
          throw new HttpError(method, url.pathname, status, `the server asked to retry after ${Math.round(after / 1000)} s, longer than ${conn.retry.maxRetryAfterMs / 1000} s`);
        }
        wait = Math.max(wait, after);
      }
    } else {
      const what = outcome.kind === 'timeout' ? `no answer within ${conn.timeoutMs} ms` : `connection failed (${outcome.code})`;
      conn.debug?.(`${shown} → ${what}`);
      // A refused connection carried nothing: the write certainly did not happen and may be sent again.
      if (!isRead && !NOTHING_SENT.has(outcome.kind === 'network' ? outcome.code : '')) {
        throw new AmbiguousWriteError(`${shown}: ${what}: the write may or may not have been applied`);
      }
      if (last) throw new NetworkError(`${shown}: ${what}`);
    }
    conn.debug?.(`retrying in ${Math.round(wait)} ms (attempt ${attempt + 2} of ${conn.retry.attempts})`);
    await sleep(wait);
  }
}

function parseBody(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
