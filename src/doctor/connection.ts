import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { DEFAULT_RETRY, type Connection } from '../grafana/http.ts';

/*
 * A direct connection to a Prometheus-compatible query API (Prometheus, Mimir, Thanos, VictoriaMetrics), with
 * the same secret handling as publish: credentials only from the environment or a file, never a flag, and
 * every secret listed for redaction. Grafana and Logz.io connections are publish's own (src/grafana/connection.ts).
 */

export interface PrometheusConnectionInput {
  url: string;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  tokenFile?: string;
  header?: string[];
  caCert?: string;
  insecureSkipTlsVerify?: boolean;
  timeoutSeconds: number;
  concurrency: number;
  warn: (message: string) => void;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

export async function prometheusConnection(input: PrometheusConnectionInput): Promise<Connection> {
  let base: URL;
  try {
    base = new URL(input.url);
  } catch {
    throw new UsageError(`--prometheus-url: "${input.url}" is not a URL; give the API's base, e.g. https://prometheus.example.com (the part before /api/v1)`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UsageError('--prometheus-url: use an http:// or https:// URL');
  if (base.username || base.password) throw new UsageError('--prometheus-url: remove the credentials from the URL; use PROMETHEUS_TOKEN, or PROMETHEUS_USER and PROMETHEUS_PASSWORD');
  if (/\/api\/v1\/?$/.test(base.pathname)) throw new UsageError('--prometheus-url: give the base without /api/v1 (the doctor adds it)');

  const headers: Record<string, string> = {};
  const secrets: string[] = [];
  let token = input.env.PROMETHEUS_TOKEN;
  if (input.tokenFile) {
    try {
      token = (await readFile(resolve(input.cwd, input.tokenFile), 'utf8')).trim();
    } catch (err) {
      throw new UsageError(`--token-file ${input.tokenFile}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}); pass a file holding the token`);
    }
    if (!token) throw new UsageError(`--token-file ${input.tokenFile}: the file is empty; put the token in it`);
  }
  const { PROMETHEUS_USER: user, PROMETHEUS_PASSWORD: password } = input.env;
  if (token) {
    headers.Authorization = `Bearer ${token}`;
    secrets.push(token);
  } else if (user && password) {
    const basic = Buffer.from(`${user}:${password}`).toString('base64');
    headers.Authorization = `Basic ${basic}`;
    secrets.push(password, basic);
  } else if (user || password) {
    throw new UsageError(`${user ? 'PROMETHEUS_PASSWORD' : 'PROMETHEUS_USER'} is not set: basic auth needs both PROMETHEUS_USER and PROMETHEUS_PASSWORD`);
  }
  for (const h of input.header ?? []) {
    const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+):\s*(.*)$/.exec(h);
    if (!m) throw new UsageError(`--header: "${h.split(':')[0]}" is not "Name: value"`);
    headers[m[1]!] = m[2]!;
    if (m[2]) secrets.push(m[2]); // custom headers often carry credentials (X-Scope-OrgID, API keys): never print their values
  }
  let ca: Buffer | undefined;
  if (input.caCert) {
    try {
      ca = await readFile(resolve(input.cwd, input.caCert));
    } catch (err) {
      throw new UsageError(`--ca-cert ${input.caCert}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}); pass a PEM file`);
    }
  }
  if (secrets.length && base.protocol === 'http:' && !LOOPBACK.test(base.hostname)) {
    input.warn(`warning: sending credentials over plain http to ${base.hostname}: anyone on the network path can read them; use https`);
  }
  if (input.insecureSkipTlsVerify) input.warn("warning: --insecure-skip-tls-verify: the server's certificate is not checked");
  return {
    baseUrl: base.href.replace(/\/+$/, ''),
    flavor: 'grafana',
    headers,
    secrets,
    ...(ca ? { ca } : {}),
    insecure: input.insecureSkipTlsVerify ?? false,
    timeoutMs: input.timeoutSeconds * 1000,
    retry: DEFAULT_RETRY,
    concurrency: input.concurrency,
  };
}
