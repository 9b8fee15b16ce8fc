import '../zod-config.ts';
import * as z from 'zod/mini';
import { CapacityOptions, DEFAULT_PERIOD_SECONDS, DEFAULT_TOP_SHARDS, PeriodSeconds, StreamName, TopShards } from '../capacity.ts';
import { profileNames } from '../profiles/index.ts';
import { baseUrlProblem } from './url.ts';

/** Grafana's rule for dashboard uids. */
export const UID_PATTERN = /^[a-zA-Z0-9_-]{1,40}$/;

export const Uid = z.string().check(z.regex(UID_PATTERN, 'a dashboard uid is 1 to 40 letters, digits, "-" or "_" (Grafana\'s rule)'));

export const ProfileName = z.string().check(
  z.refine((p) => profileNames().includes(p), {
    message: `unknown profile: use one of ${profileNames().join(', ')}`,
  }),
);

/** Opt-in rows beyond the seed, built from the catalog; all off by default, so the seed stays the seed. */
export const RowOptions = z.strictObject({
  /** PutRecord, PutRecords and GetRecords success rates (their *.Success Average). */
  successRates: z._default(z.boolean(), false),
  /** PutRecords records: successful, throttled and failed, each as a fraction of all records sent. */
  recordOutcomes: z._default(z.boolean(), false),
  /** Enhanced fan-out consumers: bytes, records and lag pushed per consumer; SubscribeToShard rate exceeded. */
  fanOut: z._default(z.boolean(), false),
  /** Shard-level metrics (enhanced monitoring must be on): the hottest shards; `{ "top": n }` sets how many (default 10). */
  shards: z._default(
    z.union([z.boolean(), z.strictObject({ top: TopShards })], {
      error: `true, false, or { "top": n } with n the number of hottest shards to draw (default ${DEFAULT_TOP_SHARDS})`,
    }),
    false,
  ),
});
export type RowOptions = z.infer<typeof RowOptions>;

/** Line breaks and control characters: no title, tag or pattern holds one (it would end a PromQL string or a YAML line). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const oneLine = (what: string) => z.refine<string>((t) => !CONTROL.test(t), `${what} must be one line of printable text (no line breaks or control characters)`);

export const Title = z.string().check(z.trim(), z.minLength(1, 'a title cannot be empty'), z.maxLength(200), oneLine('a title'));

const RE2_LETTER_ESCAPES = 'afnrtvdDsSwWbBpPxAz';

/**
 * Why a regular expression would not work in PromQL, or undefined. Prometheus reads label matchers with
 * Go's RE2 syntax (https://github.com/google/re2/wiki/Syntax), which has no lookaround, no backreferences
 * and none of JavaScript's own escapes; such a pattern passes JavaScript's RegExp but fails every query.
 */
export function re2Problem(r: string): string | undefined {
  if (CONTROL.test(r)) return 'a pattern must be one line of printable text: a line break or control character would end the query\'s string';
  for (let i = 0; i < r.length; i++) {
    const c = r[i];
    if (c === '\\') {
      const e = r[++i] ?? '';
      if (/[1-9]/.test(e) || e === 'k') return `"\\${e}": a backreference, which Prometheus' regular expressions (RE2) do not have`;
      if (e === 'u' || e === 'c') return `"\\${e}": a JavaScript escape that Prometheus (RE2) does not read; write a character as \\x{41}`;
      // Go's RE2 knows these letter escapes and refuses every other (JavaScript reads "\\y" as "y"); "\\Q" would
      // also quote the ")$" Prometheus adds around the pattern (https://pkg.go.dev/regexp/syntax, tried with promtool).
      if (/[A-Za-z]/.test(e) && !RE2_LETTER_ESCAPES.includes(e)) return `"\\${e}": an escape Prometheus' regular expressions (RE2) do not know; write the character itself`;
    } else if (c === '(' && r[i + 1] === '?') {
      const look = /^\(\?(<?[=!])/.exec(r.slice(i));
      if (look) return `"(?${look[1]}": lookaround, which Prometheus' regular expressions (RE2) do not have`;
    } else if (c === '[' && (r.startsWith('[]', i) || r.startsWith('[^]', i))) {
      return `"${r.startsWith('[]', i) ? '[]' : '[^]'}": JavaScript-only; Prometheus (RE2) reads it as the start of a longer class`;
    }
  }
  return undefined;
}

/** Which streams a dashboard is about: exact names, or a regular expression over stream names. */
export const StreamFilter = z.union(
  [
    z.array(StreamName).check(z.minLength(1, 'name at least one stream, or leave "streams" out for all'), z.maxLength(10_000, 'at most 10000 streams; use a regular expression')),
    z.string().check(
      z.minLength(1),
      z.maxLength(1000, 'a pattern is at most 1000 characters'),
      z.superRefine((r, ctx) => {
        const problem = re2Problem(r);
        if (problem) return void ctx.addIssue({ code: 'custom', message: problem });
        try {
          new RegExp(r);
        } catch {
          ctx.addIssue({ code: 'custom', message: 'not a valid regular expression' });
        }
      }),
    ),
  ],
  { error: 'a list of stream names, or a regular expression such as "^orders-.*"' },
);

/** Grafana's base address, for links: the same rule as every address (src/config/url.ts); a trailing "/" is dropped. */
export const GrafanaUrl = z.pipe(
  z.string().check(
    z.trim(),
    z.superRefine((u, ctx) => {
      const problem = baseUrlProblem(u);
      if (problem) ctx.addIssue({ code: 'custom', message: `Grafana's address, e.g. https://grafana.example.com: ${problem}` });
    }),
  ),
  z.transform((u: string) => u.replace(/\/+$/, '')),
);

/** The Grafana folder of provisioned alert rules: one line, one folder (newer Grafana reads "a/b" there as nested folders). */
export const AlertFolder = z.string().check(
  z.trim(),
  z.minLength(1, 'a folder title cannot be empty'),
  z.maxLength(200),
  z.refine((f) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(f), 'a folder title must be one line of printable text'),
  z.refine((f) => !f.includes('/'), 'one folder, not a path: newer Grafana reads "/" in a provisioned folder as nested folders'),
);

/**
 * A Grafana folder path by title, as publish takes it: "Team/Kinesis" is nested folders, "\\/" a slash
 * inside a title. Every level one line of printable text, none empty.
 */
export const FolderPath = z.string().check(
  z.maxLength(1000, 'a folder path is at most 1000 characters'),
  z.refine((f) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(f), 'a folder title must be one line of printable text'),
  z.refine((f) => f.split(/(?<!\\)\//).every((p) => p.trim().length > 0), 'no empty folder name: write it like "Team/Kinesis"'),
);

/** An existing folder's uid (Grafana's uid rule). */
export const FolderUid = z.string().check(z.regex(UID_PATTERN, 'a folder uid is 1 to 40 letters, digits, "-" or "_" (Grafana\'s rule)'));

/**
 * Settings of `alerts` only (the dashboard ignores them). Command-line flags win over them.
 */
export const AlertOptions = z.strictObject({
  /** Grafana's address: every alert links to the dashboard there, filtered to its stream. */
  grafanaUrl: z.optional(GrafanaUrl),
  /** Grafana-managed rules (`--format grafana`): the uid of the Prometheus datasource they query. */
  datasourceUid: z.optional(z.string().check(z.regex(UID_PATTERN, 'a datasource uid is 1 to 40 letters, digits, "-" or "_" (Grafana\'s rule)'))),
  /** Grafana-managed rules: the folder they go in (default "Kinesis"). */
  folder: z.optional(AlertFolder),
});
export type AlertOptions = z.infer<typeof AlertOptions>;

/** What one dashboard is: everything `synth` needs. */
export const DashboardOptions = z.strictObject({
  profile: z._default(ProfileName, 'cloudwatch-exporter'),
  uid: z._default(Uid, 'aws-kinesis'),
  title: z._default(Title, 'Amazon Kinesis'),
  tags: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(200), oneLine('a tag'))).check(z.maxLength(100, 'at most 100 tags')), []),
  /** Only these streams (names, or a regex over names); all streams when absent. */
  streams: z.optional(StreamFilter),
  rows: z.prefault(RowOptions, {}),
  /** Limit lines and utilisation per stream, and iterator age against retention: a "Capacity" row when set. */
  capacity: z.optional(CapacityOptions),
  /**
   * Seconds per CloudWatch period: what the exporter requests (cloudwatch_exporter, YACE and metric
   * streams: 60) and the cloudwatch profile's period for rates and stat values. Rates are the Sum ÷ this.
   */
  periodSeconds: z._default(PeriodSeconds, DEFAULT_PERIOD_SECONDS),
  /** Settings of the alert rules made from this dashboard's options (`alerts`); the dashboard ignores them. */
  alerts: z.optional(AlertOptions),
});
export type DashboardOptions = z.infer<typeof DashboardOptions>;
export type DashboardOptionsInput = z.input<typeof DashboardOptions>;
