import { checked, Concurrency, numberFromText, OrgId, RetryBaseMs, TimeoutSeconds } from '../config/limits.ts';
import { baseUrlProblem } from '../config/url.ts';
import { UsageError } from '../errors.ts';
import { MAX_BYTES, readBounded, utf8 } from '../read.ts';
import { DEFAULT_RETRY, type Connection } from './http.ts';
import { NAMESPACE_PATTERN } from './k8s.ts';
import { LOGZIO_REGIONS, type LogzioRegion } from './regions.ts';

export { LOGZIO_REGIONS, type LogzioRegion } from './regions.ts';
export { baseUrlProblem } from '../config/url.ts';

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
  /**
   * A Prometheus-compatible query API instead of Grafana (doctor): its base URL. Credentials are optional:
   * PROMETHEUS_TOKEN (bearer), or PROMETHEUS_USER and PROMETHEUS_PASSWORD (basic), or --token-file.
   */
  prometheusUrl?: string;
  /** Where orgId and concurrency came from when not from their flags (a config field), for messages. */
  orgIdFrom?: string;
  concurrencyFrom?: string;
}

/** Where the connection's settings are read: files relative to `cwd`, variables from `env`; `warn` hears about risks taken. */
export interface ConnectionEnvironment {
  cwd: string;
  env: NodeJS.ProcessEnv;
  warn(message: string): void;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/** The base address given by `what` (a flag or variable), by the one address rule; trimmed of a trailing line break. */
export function parseUrl(raw: string, what: string): URL {
  const value = raw.trim(); // a line break at the end, as $(cat file) or an editor leaves it
  const problem = baseUrlProblem(value);
  if (problem) throw new UsageError(`${what}: ${problem}`);
  return new URL(value);
}

/** Characters Node refuses in a header value (and that would end a header line): checked first, named by `what`. */
const NOT_HEADER_VALUE = /[^\t\u0020-\u007e\u0080-\u00ff]/;
/** A token travels in a header: visible ASCII only, no spaces (RFC 6750's b64token is narrower still). */
const NOT_TOKEN = /[^\u0021-\u007e]/;
const MAX_HEADER_VALUE = 8192;
/** Header names whose values are credentials whatever their length. */
const CREDENTIAL_HEADER = /auth|token|key|secret|pass|cookie|session|credential|signature/i;
/** Headers the HTTP client itself must set: overriding them breaks framing (request smuggling, hung requests). */
const MANAGED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect']);

/** A secret as it may be used: surrounding whitespace dropped (a trailing newline is common), nothing unprintable inside. */
export function secretValue(raw: string, what: string, token: boolean): string {
  const v = raw.trim();
  if (!v) throw new UsageError(`${what}: empty; put the secret in it`);
  // The message never shows the value: it is a secret.
  if (v.length > MAX_HEADER_VALUE) throw new UsageError(`${what}: ${v.length} characters, more than the ${MAX_HEADER_VALUE} a request header carries; check how it was set`);
  if (token && NOT_TOKEN.test(v)) throw new UsageError(`${what}: a token is printable ASCII without spaces or line breaks; this one has other characters (check how it was copied)`);
  if (!token && /[\u0000-\u001f\u007f]/.test(v)) throw new UsageError(`${what}: contains a line break or control character; check how it was set`);
  return v;
}

export function readSecretFile(cwd: string, path: string, flag: string): string {
  const fix = 'pass a file holding the token';
  const text = utf8(readBounded(cwd, path, `${flag} ${path}`, MAX_BYTES.secret, fix), `${flag} ${path}`, fix);
  if (!text.trim()) throw new UsageError(`${flag} ${path}: the file is empty; put the token in it`);
  return secretValue(text, `${flag} ${path}`, true);
}

/**
 * Adds `--header "Name: value"` flags to `headers`, each value listed in `secrets` when it may be one.
 * Refused: not "Name: value", a value with a line break (it would end the header line), a header the
 * HTTP client sets itself. Shared by every command that talks to a server.
 */
export function addHeaders(list: readonly string[], headers: Record<string, string>, secrets: string[]): void {
  for (const h of list) {
    const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+):[ \t]*(.*?)[ \t]*$/s.exec(h);
    const name = JSON.stringify(h.split(':')[0]!.slice(0, 40));
    if (!m) throw new UsageError(`--header: ${name} is not "Name: value" (a name of letters, digits and -, a colon, a value)`);
    const [, key, value] = m as unknown as [string, string, string];
    // The value is not shown: custom headers often carry credentials.
    if (NOT_HEADER_VALUE.test(value)) throw new UsageError(`--header ${key}: the value has a line break or control character; an HTTP header value is one line of text`);
    // Servers refuse a request whose headers pass 8-16 KiB (Node's own limit is 16 KiB): said here, not as a 431.
    if (value.length > MAX_HEADER_VALUE) throw new UsageError(`--header ${key}: the value is ${value.length} characters; at most ${MAX_HEADER_VALUE}`);
    if (MANAGED_HEADERS.has(key.toLowerCase())) throw new UsageError(`--header ${key}: set by the HTTP client itself; drop this header`);
    headers[key] = value;
    // Custom headers often carry credentials: never print their values (those named like one, whatever their length).
    if (value && (CREDENTIAL_HEADER.test(key) || value.length >= 4)) secrets.push(value);
  }
}

/** The CA bundle of --ca-cert: bounded in size, and a PEM file (a wrong file is said here, not as a TLS error later). */
export function readCaCert(cwd: string, path: string): Buffer {
  const what = `--ca-cert ${path}`;
  const ca = readBounded(cwd, path, what, MAX_BYTES.pem, 'pass a PEM file of CA certificates');
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`${what}: no "-----BEGIN CERTIFICATE-----" in it; pass a PEM file of CA certificates`);
  return ca;
}

/**
 * Builds the connection from flags and environment. Bad values are UsageErrors naming the flag or
 * variable; secrets are kept out of every message.
 */
export async function resolveConnection(flags: ConnectionFlags, { cwd, env, warn }: ConnectionEnvironment): Promise<Connection> {
  const fromEnv = (name: string, what: string, token = false): string => {
    const v = env[name];
    if (!v) throw new UsageError(`${flags.label ?? 'config'}: ${what} ${name} is not set in the environment; export it (in CI, from the repository's secrets)`);
    return secretValue(v, `${flags.label ?? 'config'}: ${what} ${name}`, token);
  };
  /** A variable of the environment the user may have set: checked when set, named when wrong. */
  const optionalEnv = (name: string, token = false): string | undefined => (env[name] ? secretValue(env[name], name, token) : undefined);
  const headers: Record<string, string> = {};
  const secrets: string[] = [];
  let flavor: Connection['flavor'] = 'grafana';
  let base: URL;

  const logzio = flags.logzioRegion !== undefined || flags.logzioApiUrl !== undefined;
  if (flags.prometheusUrl !== undefined) {
    if (flags.url || logzio) throw new UsageError('--prometheus-url and --url/--logzio-region: pick one place to read from');
    base = parseUrl(flags.prometheusUrl, '--prometheus-url');
    const token = flags.tokenFile ? readSecretFile(cwd, flags.tokenFile, '--token-file') : optionalEnv('PROMETHEUS_TOKEN', true);
    const user = optionalEnv('PROMETHEUS_USER');
    const password = optionalEnv('PROMETHEUS_PASSWORD');
    if (!token && user?.includes(':')) throw new UsageError('PROMETHEUS_USER: a user name cannot contain ":" (basic authentication joins user and password with it)');
    if (!authorize(headers, secrets, token, user, password) && (user || password)) {
      throw new UsageError(`${user ? 'PROMETHEUS_PASSWORD' : 'PROMETHEUS_USER'} is not set: basic authentication needs both PROMETHEUS_USER and PROMETHEUS_PASSWORD`);
    }
  } else if (logzio) {
    if (flags.url) throw new UsageError('--url and --logzio-region/--logzio-api-url: pick one target');
    // Checked, not ignored: an org id given for Logz.io (which has none) is a mistake about the target.
    if (flags.orgId !== undefined) throw new UsageError(`${flags.orgIdFrom ?? '--org-id'}: Logz.io has no Grafana organisations; drop it`);
    flavor = 'logzio';
    if (flags.logzioApiUrl) {
      base = parseUrl(flags.logzioApiUrl, '--logzio-api-url');
    } else {
      const host = LOGZIO_REGIONS[flags.logzioRegion as LogzioRegion];
      if (!host) throw new UsageError(`--logzio-region: unknown region "${flags.logzioRegion}"; use one of ${Object.keys(LOGZIO_REGIONS).join(', ')}`);
      base = new URL(`https://${host}/v1/grafana`);
    }
    const token = flags.tokenFile
      ? readSecretFile(cwd, flags.tokenFile, '--token-file')
      : flags.tokenEnv
        ? fromEnv(flags.tokenEnv, 'tokenEnv', true)
        : optionalEnv('LOGZIO_API_TOKEN', true);
    if (!token) throw new UsageError('no Logz.io credentials: set LOGZIO_API_TOKEN (an API token of the metrics account) or pass --token-file');
    headers['X-API-TOKEN'] = token;
    secrets.push(token);
  } else {
    const raw = flags.url ?? env.GRAFANA_URL;
    if (!raw) throw new UsageError('--url: where is Grafana? pass --url https://grafana.example.com or set GRAFANA_URL');
    base = parseUrl(raw, flags.url ? '--url' : 'GRAFANA_URL');
    const token = flags.tokenFile
      ? readSecretFile(cwd, flags.tokenFile, '--token-file')
      : flags.tokenEnv
        ? fromEnv(flags.tokenEnv, 'tokenEnv', true)
        : flags.userEnv
          ? undefined
          : optionalEnv('GRAFANA_TOKEN', true);
    const user = flags.userEnv ? fromEnv(flags.userEnv, 'userEnv') : optionalEnv('GRAFANA_USER');
    const password = flags.passwordEnv ? fromEnv(flags.passwordEnv, 'passwordEnv') : optionalEnv('GRAFANA_PASSWORD');
    // Basic auth joins them with ":" (RFC 7617): a user name holding one would be split at the wrong place.
    if (!token && user?.includes(':')) throw new UsageError(`${flags.userEnv ? `${flags.label ?? 'config'}: userEnv ${flags.userEnv}` : 'GRAFANA_USER'}: a user name cannot contain ":" (basic authentication joins user and password with it)`);
    if (!authorize(headers, secrets, token, user, password)) {
      throw new UsageError('no Grafana credentials: set GRAFANA_TOKEN (a service-account token), or GRAFANA_USER and GRAFANA_PASSWORD, or pass --token-file');
    }
    const orgId =
      flags.orgId !== undefined
        ? checked(flags.orgId, flags.orgIdFrom ?? '--org-id', OrgId)
        : env.GRAFANA_ORG_ID !== undefined && env.GRAFANA_ORG_ID !== ''
          ? numberFromText(env.GRAFANA_ORG_ID.trim(), 'GRAFANA_ORG_ID', OrgId)
          : undefined;
    if (orgId !== undefined) headers['X-Grafana-Org-Id'] = String(orgId);
  }

  addHeaders(flags.header ?? [], headers, secrets);
  const ca = flags.caCert ? readCaCert(cwd, flags.caCert) : undefined;
  const timeout = flags.timeout === undefined ? 30 : checked(flags.timeout, '--timeout', TimeoutSeconds);
  const concurrency = flags.concurrency === undefined ? (flavor === 'logzio' ? 10 : 8) : checked(flags.concurrency, flags.concurrencyFrom ?? '--concurrency', Concurrency);

  if (flags.namespace !== undefined) {
    // A target's namespace is checked with the config file; a bad one here came from the flag.
    const what = '--namespace';
    if (flavor === 'logzio') throw new UsageError(`${what}: Logz.io offers only the legacy dashboard API, which has no namespaces; leave it out`);
    if (!NAMESPACE_PATTERN.test(flags.namespace)) throw new UsageError(`${what}: "${flags.namespace}" is not a namespace; give one like stacks-12345 (Grafana Cloud) or org-2`);
  }

  if (secrets.length && base.protocol === 'http:' && !LOOPBACK.test(base.hostname)) {
    warn(`sending credentials over plain http to ${base.hostname}: anyone on the network path can read them; use https`);
  }
  if (flags.insecureSkipTlsVerify) warn("--insecure-skip-tls-verify: the server's certificate is not checked");

  const retryVar = env.KINESIS_DASHBOARDS_RETRY_BASE_MS;
  const retryBase = retryVar ? numberFromText(retryVar.trim(), 'KINESIS_DASHBOARDS_RETRY_BASE_MS', RetryBaseMs) : undefined;
  return {
    baseUrl: base.href.replace(/\/+$/, ''),
    flavor,
    headers,
    secrets,
    ...(ca ? { ca } : {}),
    insecure: flags.insecureSkipTlsVerify ?? false,
    timeoutMs: timeout * 1000,
    retry: retryBase !== undefined ? { ...DEFAULT_RETRY, baseMs: retryBase, maxMs: Math.max(retryBase * 16, 1) } : DEFAULT_RETRY,
    concurrency,
    ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
  };
}

/**
 * Replaces every secret in a text with ***, whatever its length: the last line of defence for output
 * and errors. Each also as JSON writes it (a secret with a quote or backslash, inside --json output);
 * longest first, so a secret holding another is hidden whole.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  let out = text;
  for (const s of [...forms].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}

/** A bearer token, else basic authentication with user and password; false when neither is complete. Secrets are noted for redaction. */
function authorize(headers: Record<string, string>, secrets: string[], token?: string, user?: string, password?: string): boolean {
  if (token) {
    headers.Authorization = `Bearer ${token}`;
    secrets.push(token);
  } else if (user && password) {
    const basic = Buffer.from(`${user}:${password}`).toString('base64');
    headers.Authorization = `Basic ${basic}`;
    secrets.push(password, basic);
  } else return false;
  return true;
}

