import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Context } from '../cli/context.ts';
import { UsageError } from '../errors.ts';
import { DEFAULT_RETRY, type Connection } from './http.ts';
import { NAMESPACE_PATTERN } from './k8s.ts';
import { LOGZIO_REGIONS, type LogzioRegion } from './regions.ts';

export { LOGZIO_REGIONS, type LogzioRegion } from './regions.ts';

export interface ConnectionFlags {
  url?: string;
  orgId?: number;
  header?: string[];
  caCert?: string;
  insecureSkipTlsVerify?: boolean;
  timeout?: number;
  tokenFile?: string;
  logzioRegion?: string;
  logzioApiUrl?: string;
  concurrency?: number;
  namespace?: string;
  debug?: boolean;
  /** From a config target: names of the environment variables holding its secrets. */
  tokenEnv?: string;
  userEnv?: string;
  passwordEnv?: string;
  /** How messages name where the settings came from, e.g. 'target "prod"'. */
  label?: string;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

function parseUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what}: "${value}" is not a URL; give one like https://grafana.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${what}: use an http:// or https:// URL`);
  if (url.username || url.password) {
    throw new UsageError(`${what}: remove the credentials from the URL; use GRAFANA_TOKEN, or GRAFANA_USER and GRAFANA_PASSWORD`);
  }
  return url;
}

async function readSecretFile(ctx: Context, path: string, flag: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(resolve(ctx.cwd, path), 'utf8');
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}); pass a file holding the token`);
  }
  const token = text.trim();
  if (!token) throw new UsageError(`${flag} ${path}: the file is empty; put the token in it`);
  return token;
}

/**
 * Builds the connection from flags and environment. Bad values are UsageErrors naming the flag or
 * variable; secrets are kept out of every message.
 */
export async function resolveConnection(ctx: Context, flags: ConnectionFlags): Promise<Connection> {
  const env = ctx.env;
  const fromEnv = (name: string, what: string): string => {
    const v = env[name];
    if (!v) throw new UsageError(`${flags.label ?? 'config'}: ${what} ${name} is not set in the environment; export it (in CI, from the repository's secrets)`);
    return v;
  };
  const headers: Record<string, string> = {};
  const secrets: string[] = [];
  let flavor: Connection['flavor'] = 'grafana';
  let base: URL;

  const logzio = flags.logzioRegion !== undefined || flags.logzioApiUrl !== undefined;
  if (logzio) {
    if (flags.url) throw new UsageError('--url and --logzio-region/--logzio-api-url: pick one target');
    flavor = 'logzio';
    if (flags.logzioApiUrl) {
      base = parseUrl(flags.logzioApiUrl, '--logzio-api-url');
    } else {
      const host = LOGZIO_REGIONS[flags.logzioRegion as LogzioRegion];
      if (!host) throw new UsageError(`--logzio-region: unknown region "${flags.logzioRegion}"; use one of ${Object.keys(LOGZIO_REGIONS).join(', ')}`);
      base = new URL(`https://${host}/v1/grafana`);
    }
    const token = flags.tokenFile
      ? await readSecretFile(ctx, flags.tokenFile, '--token-file')
      : flags.tokenEnv
        ? fromEnv(flags.tokenEnv, 'tokenEnv')
        : env.LOGZIO_API_TOKEN;
    if (!token) throw new UsageError('no Logz.io credentials: set LOGZIO_API_TOKEN (an API token of the metrics account) or pass --token-file');
    headers['X-API-TOKEN'] = token;
    secrets.push(token);
  } else {
    const raw = flags.url ?? env.GRAFANA_URL;
    if (!raw) throw new UsageError('--url: where is Grafana? pass --url https://grafana.example.com or set GRAFANA_URL');
    base = parseUrl(raw, flags.url ? '--url' : 'GRAFANA_URL');
    const token = flags.tokenFile
      ? await readSecretFile(ctx, flags.tokenFile, '--token-file')
      : flags.tokenEnv
        ? fromEnv(flags.tokenEnv, 'tokenEnv')
        : flags.userEnv
          ? undefined
          : env.GRAFANA_TOKEN;
    const user = flags.userEnv ? fromEnv(flags.userEnv, 'userEnv') : env.GRAFANA_USER;
    const password = flags.passwordEnv ? fromEnv(flags.passwordEnv, 'passwordEnv') : env.GRAFANA_PASSWORD;
    if (token) {
      headers.Authorization = `Bearer ${token}`;
      secrets.push(token);
    } else if (user && password) {
      const basic = Buffer.from(`${user}:${password}`).toString('base64');
      headers.Authorization = `Basic ${basic}`;
      secrets.push(password, basic);
    } else {
      throw new UsageError('no Grafana credentials: set GRAFANA_TOKEN (a service-account token), or GRAFANA_USER and GRAFANA_PASSWORD, or pass --token-file');
    }
    const orgId = flags.orgId ?? (env.GRAFANA_ORG_ID !== undefined ? Number(env.GRAFANA_ORG_ID) : undefined);
    if (orgId !== undefined) {
      if (!Number.isInteger(orgId) || orgId < 1) throw new UsageError(`${flags.orgId !== undefined ? '--org-id' : 'GRAFANA_ORG_ID'}: an organisation id is a positive integer`);
      headers['X-Grafana-Org-Id'] = String(orgId);
    }
  }

  for (const h of flags.header ?? []) {
    const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+):\s*(.*)$/.exec(h);
    if (!m) throw new UsageError(`--header: "${h.split(':')[0]}" is not "Name: value"`);
    headers[m[1]!] = m[2]!;
    if (m[2]) secrets.push(m[2]); // custom headers often carry credentials: never print their values
  }

  let ca: Buffer | undefined;
  if (flags.caCert) {
    try {
      ca = await readFile(resolve(ctx.cwd, flags.caCert));
    } catch (err) {
      throw new UsageError(`--ca-cert ${flags.caCert}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}); pass a PEM file`);
    }
  }
  const timeout = flags.timeout ?? 30;
  if (!(timeout > 0)) throw new UsageError('--timeout: give the seconds to wait for each request, above 0');
  const concurrency = flags.concurrency ?? (flavor === 'logzio' ? 10 : 8);
  if (!Number.isInteger(concurrency) || concurrency < 1 || (flavor === 'logzio' && concurrency > 100)) {
    throw new UsageError(`--concurrency: between 1 and ${flavor === 'logzio' ? '100 (Logz.io\'s limit per account)' : 'any positive integer'}`);
  }

  if (flags.namespace !== undefined) {
    // A target's namespace is checked with the config file; a bad one here came from the flag.
    const what = '--namespace';
    if (flavor === 'logzio') throw new UsageError(`${what}: Logz.io offers only the legacy dashboard API, which has no namespaces; leave it out`);
    if (!NAMESPACE_PATTERN.test(flags.namespace)) throw new UsageError(`${what}: "${flags.namespace}" is not a namespace; give one like stacks-12345 (Grafana Cloud) or org-2`);
  }

  if (base.protocol === 'http:' && !LOOPBACK.test(base.hostname)) {
    ctx.stderr(`warning: sending credentials over plain http to ${base.hostname}: anyone on the network path can read them; use https\n`);
  }
  if (flags.insecureSkipTlsVerify) ctx.stderr('warning: --insecure-skip-tls-verify: the server\'s certificate is not checked\n');

  const retryBase = Number(env.KINESIS_DASHBOARDS_RETRY_BASE_MS);
  return {
    baseUrl: base.href.replace(/\/+$/, ''),
    flavor,
    headers,
    secrets: secrets.filter((s) => s.length >= 4),
    ...(ca ? { ca } : {}),
    insecure: flags.insecureSkipTlsVerify ?? false,
    timeoutMs: timeout * 1000,
    retry: Number.isFinite(retryBase) && retryBase >= 0 ? { ...DEFAULT_RETRY, baseMs: retryBase, maxMs: Math.max(retryBase * 16, 1) } : DEFAULT_RETRY,
    concurrency,
    ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
  };
}

/** Replaces every secret in a text with ***: the last line of defence for output and errors. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}
