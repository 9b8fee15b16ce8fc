import '../zod-config.ts';
import * as z from 'zod/mini';
import { NAMESPACE_PATTERN } from '../grafana/k8s.ts';
import { baseUrlProblem } from './url.ts';
import { LOGZIO_REGIONS } from '../grafana/regions.ts';
import { DASHBOARD_APIS } from '../grafana/store.ts';
import { Concurrency, OrgId } from './limits.ts';
import { FolderPath, FolderUid } from './schema.ts';

/** An API's base address, by the same rule as --url and GRAFANA_URL. */
const BaseUrl = z.string().check(
  z.superRefine((u, ctx) => {
    const problem = baseUrlProblem(u);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

// Where dashboards are published. A target names where its secret comes from (an environment
// variable), never the secret itself: config files are committed.

const EnvName = z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable that holds the secret, e.g. GRAFANA_PROD_TOKEN'));

export const Target = z
  .strictObject({
    /** A Grafana server. */
    url: z.optional(BaseUrl),
    /** Logz.io Infrastructure Monitoring: a region, or the API base URL (proxies, new regions). */
    logzio: z.optional(
      z
        .strictObject({
          region: z.optional(z.enum(Object.keys(LOGZIO_REGIONS) as [keyof typeof LOGZIO_REGIONS])),
          apiUrl: z.optional(BaseUrl),
        })
        .check(z.refine((l) => (l.region === undefined) !== (l.apiUrl === undefined), 'give either region or apiUrl')),
    ),
    /** Environment variable with the service-account token (Grafana) or API token (Logz.io). */
    tokenEnv: z.optional(EnvName),
    /** Environment variables with a basic-auth user and password (Grafana only). */
    userEnv: z.optional(EnvName),
    passwordEnv: z.optional(EnvName),
    orgId: z.optional(OrgId),
    /** Folder path by title ("Team/Kinesis"), found or created; or an existing folder's uid. */
    folder: z.optional(FolderPath),
    folderUid: z.optional(FolderUid),
    api: z.optional(z.enum(DASHBOARD_APIS)),
    /** The Kubernetes-style API's namespace (Grafana Cloud: stacks-<id>); found from the server when left out. */
    namespace: z.optional(z.string().check(z.regex(NAMESPACE_PATTERN, 'a namespace such as stacks-12345 (Grafana Cloud) or org-2'))),
    /** Requests in flight at once for this target (Logz.io allows 100 per account). */
    concurrency: z.optional(Concurrency),
  })
  .check(
    z.superRefine((t, ctx) => {
      if ((t.url === undefined) === (t.logzio === undefined)) ctx.addIssue({ code: 'custom', path: ['url'], message: 'give either url (Grafana) or logzio (Logz.io)' });
      if (t.folder !== undefined && t.folderUid !== undefined) ctx.addIssue({ code: 'custom', path: ['folderUid'], message: 'give either folder or folderUid' });
      if ((t.userEnv === undefined) !== (t.passwordEnv === undefined)) ctx.addIssue({ code: 'custom', path: ['passwordEnv'], message: 'userEnv and passwordEnv go together' });
      if (t.logzio && (t.userEnv || t.orgId !== undefined)) ctx.addIssue({ code: 'custom', path: ['logzio'], message: 'Logz.io takes an API token (tokenEnv) and no orgId' });
      if (t.logzio && t.api === 'k8s') ctx.addIssue({ code: 'custom', path: ['api'], message: 'Logz.io offers only the legacy API' });
      if (t.logzio && t.namespace !== undefined) ctx.addIssue({ code: 'custom', path: ['namespace'], message: 'Logz.io offers only the legacy API, which has no namespaces' });
    }),
  );
export type Target = z.infer<typeof Target>;

export const TargetName = z.string().check(z.regex(/^[A-Za-z0-9_.-]+$/, 'a target name is letters, digits, ".", "-" or "_"'));

const SECRET_KEY = /^(token|password|passwd|secret|apiToken|api_token|apiKey|api_key|authorization)$/i;
const SECRET_VALUE = /\bglsa_[A-Za-z0-9_]{16,}|\beyJ[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{8,}|:\/\/[^/\s:@]+:[^/\s@]+@/;

/**
 * Finds secrets pasted into a config: a key named like one, or a value that looks like a token
 * (Grafana service-account token, JWT) or a URL with a password. Each with its path.
 */
export function embeddedSecrets(value: unknown): { path: (string | number)[]; message: string }[] {
  const found: { path: (string | number)[]; message: string }[] = [];
  // One path, grown and shrunk on the way down and up; copied only for a finding (a fleet's config has thousands of values).
  const path: (string | number)[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        path.push(i);
        visit(item);
        path.pop();
      });
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        path.push(k);
        if (SECRET_KEY.test(k) && typeof item === 'string') {
          found.push({ path: [...path], message: `never put a secret in the config file (it is committed): name an environment variable instead, e.g. "tokenEnv": "GRAFANA_TOKEN"` });
        } else visit(item);
        path.pop();
      }
    } else if (typeof v === 'string' && SECRET_VALUE.test(v)) {
      found.push({ path: [...path], message: 'this looks like a secret (a token or a URL with a password): keep it in an environment variable and name that variable in tokenEnv' });
    }
  };
  visit(value);
  return found;
}
