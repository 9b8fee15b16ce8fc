import type { PromApi } from './api.ts';
import { areAlternatives, selectorsOf, selectorText, type Matcher, type Selector } from './selectors.ts';

/** Why a query shows nothing (or not enough), the first reason found, in the order a user fixes them. */
export type ReasonKind = 'metric-absent' | 'label-absent' | 'no-match' | 'stale' | 'no-combination';

export interface Reason {
  kind: ReasonKind;
  /** What was found, in plain words. */
  message: string;
  /** What to do about it. */
  fix: string;
}

/** What the diagnosis needs to know of the check: the window, and what labels mean. */
export interface DiagnoseContext {
  api: PromApi;
  /** End of the checked window, unix seconds. */
  until: number;
  sinceSeconds: number;
  /** Data older than this at `until` is later than the exporter's usual delay. */
  maxDelaySeconds: number;
  /** How far back a metric missing from the window is looked for, to tell "stale" from "absent". */
  staleLookbackSeconds: number;
  /** The profile's labels, to word reasons (the stream label is the config's `streams` filter). */
  labels: { stream: string; shard: string; consumer: string; region?: string; account?: string };
  profile: string;
  /** The config filters streams: a stream matcher that matches nothing is that filter's doing. */
  streamFilter: boolean;
}

export const duration = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  if (s % 86400 === 0 && s >= 86400) return `${s / 86400}d`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h${s % 3600 >= 60 ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
  if (s >= 60) return `${Math.floor(s / 60)}m`;
  return `${s}s`;
};

/** Prometheus' default lookback of an instant selector (--query.lookback-delta). */
const LOOKBACK_SECONDS = 300;

/** Queries are asked once per run: many panels read the same series. */
export class Diagnoser {
  private readonly memo = new Map<string, Promise<number>>();
  private readonly newestMemo = new Map<string, Promise<number | undefined>>();
  constructor(readonly ctx: DiagnoseContext) {}

  /** How many series an instant expression returns at the window's end (memoised). */
  count(expr: string): Promise<number> {
    let p = this.memo.get(expr);
    if (!p) {
      p = this.ctx.api.query(`count(${expr})`, this.ctx.until).then((r) => r[0]?.value ?? 0);
      this.memo.set(expr, p);
    }
    return p;
  }

  /** Series of the selector with a sample in the last `seconds`. */
  seriesIn(selector: string, seconds: number): Promise<number> {
    return this.count(`last_over_time(${selector}[${seconds}s])`);
  }

  /** Unix time of the newest sample of the selector in the last `seconds`, if any. */
  newest(selector: string, seconds: number): Promise<number | undefined> {
    const key = `newest ${seconds} ${selector}`;
    let p = this.newestMemo.get(key);
    if (!p) {
      // Steps no longer than the lookback (5 minutes), so every sample is seen by some step: exact, one series.
      const step = Math.min(LOOKBACK_SECONDS, Math.max(60, Math.ceil(seconds / 100)));
      p = this.ctx.api.queryRange(`max(timestamp(${selector}))`, this.ctx.until - seconds, this.ctx.until, step).then((series) => {
        const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter((v) => Number.isFinite(v));
        return values.length ? Math.max(...values) : undefined;
      });
      this.newestMemo.set(key, p);
    }
    return p;
  }

  /** Label names of one series of `name` in the window (for "found instead"). */
  async labelsOf(name: string): Promise<string[]> {
    const r = await this.ctx.api.query(`topk(1, last_over_time(${name}[${this.ctx.sinceSeconds}s]))`, this.ctx.until);
    return Object.keys(r[0]?.labels ?? {}).filter((l) => l !== '__name__').sort();
  }

  /** Up to `n` values of a label on `name` in the window. */
  async valuesOf(name: string, label: string, n = 10): Promise<string[]> {
    const r = await this.ctx.api.query(`topk(${n}, group by (${label}) (last_over_time(${name}{${label}!=""}[${this.ctx.sinceSeconds}s])))`, this.ctx.until);
    return r.map((s) => s.labels[label] ?? '').sort();
  }

  private stale(what: string, newest: number | undefined): Reason {
    const age = newest === undefined ? 'none' : duration(this.ctx.until - newest);
    return {
      kind: 'stale',
      message: `the newest sample of ${what} is ${age} old, later than the exporter's usual delay (${duration(this.ctx.maxDelaySeconds)})`,
      fix: 'check that the exporter is running and scraped (its logs, the target\'s `up` series), and its CloudWatch API limits',
    };
  }

  /** The first reason a selector reads nothing in the window, or nothing recent; undefined when it reads fresh data. */
  async selectorReason(sel: Selector): Promise<Reason | undefined> {
    const { sinceSeconds: since, staleLookbackSeconds: lookback } = this.ctx;
    if (!(await this.seriesIn(sel.name, since))) {
      if (await this.seriesIn(sel.name, lookback)) return this.stale(sel.name, await this.newest(sel.name, lookback));
      return {
        kind: 'metric-absent',
        message: `no series named ${sel.name} in the last ${duration(since)}`,
        fix: `the exporter does not publish it: add the metric to the exporter's configuration (${this.ctx.profile} names it ${sel.name}), or check the profile`,
      };
    }
    for (const m of sel.matchers) {
      const reason = await this.matcherReason(sel, m);
      if (reason) return reason;
    }
    const text = selectorText(sel);
    if (!(await this.seriesIn(text, since))) {
      return {
        kind: 'no-match',
        message: `no series of ${sel.name} matches all of ${sel.matchers.map((m) => `${m.label}${m.op}${m.literal}`).join(', ')} at once`,
        fix: 'check the combination of filters (streams, shard and consumer labels)',
      };
    }
    if (!(await this.seriesIn(text, this.ctx.maxDelaySeconds))) return this.stale(text, await this.newest(text, lookback));
    return undefined;
  }

  private async matcherReason(sel: Selector, m: Matcher): Promise<Reason | undefined> {
    const since = this.ctx.sinceSeconds;
    if (await this.seriesIn(selectorText(sel, [m]), since)) return undefined;
    const { labels } = this.ctx;
    if (m.op === '=' && m.value === '') {
      return {
        kind: 'no-match',
        message: `every series of ${sel.name} carries ${m.label}: there are ${m.label === labels.shard ? 'only shard-level' : m.label === labels.consumer ? 'only consumer-level' : `only ${m.label}`} series`,
        fix: m.label === labels.shard ? 'the stream-level series are missing: check the exporter publishes the metric with the StreamName dimension alone' : `check the exporter publishes ${sel.name} without ${m.label}`,
      };
    }
    if (!(await this.seriesIn(`${sel.name}{${m.label}!=""}`, since))) {
      const found = await this.labelsOf(sel.name);
      const exact = found.filter((l) => squash(l) === squash(m.label));
      const near = exact.length ? exact : found.filter((l) => similar(l, m.label));
      const what = m.label === labels.shard ? 'shard-level series (enhanced monitoring)' : m.label === labels.consumer ? 'enhanced fan-out consumer series' : `the label ${m.label}`;
      return {
        kind: 'label-absent',
        message: `${sel.name} has no series with ${m.label}${near.length ? ` (it has ${near.join(', ')}: another spelling)` : ''}; its labels: ${found.join(', ') || 'none'}`,
        fix:
          m.label === labels.shard
            ? 'turn on enhanced (shard-level) monitoring for the stream (aws kinesis enable-enhanced-monitoring) and export the ShardId dimension, or switch the shards row off (rows.shards: false)'
            : m.label === labels.consumer
              ? 'no enhanced fan-out consumer is registered or exported: export the ConsumerName dimension, or switch the fan-out row off (rows.fanOut: false)'
              : near.length
                ? `the exporter spells the label ${near[0]}: configure it to write ${m.label} (the ${this.ctx.profile} profile's), or use the profile that matches`
                : `export the label ${m.label}, or use the profile that matches your exporter (${what})`,
      };
    }
    const values = await this.valuesOf(sel.name, m.label);
    const isStream = m.label === labels.stream;
    return {
      kind: 'no-match',
      message: `${m.label}${m.op}${m.literal} matches none of the values of ${sel.name}${isStream && this.ctx.streamFilter ? ' (the config\'s streams filter)' : ''}: ${values.join(', ')}`,
      fix: isStream && this.ctx.streamFilter ? 'change the config\'s "streams" to names (or a pattern) of streams that report metrics' : `check the values of ${m.label}`,
    };
  }

  /** A label the result must carry (a legend's, a rule's stream) that a selector's series lack. */
  private async missingLabelReason(selectors: readonly Selector[], label: string): Promise<Reason | undefined> {
    for (const sel of selectors) {
      if (!(await this.seriesIn(`${sel.name}{${label}!=""}`, this.ctx.sinceSeconds))) {
        return this.matcherReason(sel, { label, op: '!=', literal: '""', value: '' });
      }
    }
    return undefined;
  }

  /** The first reason an expression that returned nothing is empty; `required`: labels its series must carry. */
  async emptyReason(expr: string, required: readonly string[] = []): Promise<Reason> {
    const selectors = selectorsOf(expr);
    for (const sel of selectors) {
      const reason = await this.selectorReason(sel);
      if (reason && !(await this.alternativeReads(sel, selectors))) return reason;
    }
    // Series without the stream label cannot join a per-stream side (capacity), nor be told apart.
    for (const label of required) {
      const reason = await this.missingLabelReason(selectors, label);
      if (reason) return reason;
    }
    // Instant queries (stat panels, alert rules) see a series only within Prometheus' lookback (5 minutes by default).
    for (const sel of selectorsOf(expr)) {
      const text = selectorText(sel);
      if (!(await this.seriesIn(text, LOOKBACK_SECONDS))) {
        const newest = await this.newest(text, this.ctx.staleLookbackSeconds);
        return {
          kind: 'stale',
          message: `the newest sample of ${text} is ${newest === undefined ? 'none' : duration(this.ctx.until - newest)} old: an instant query (stat panels, alert rules) sees only the last ${duration(LOOKBACK_SECONDS)}`,
          fix: 'samples are written late or timestamped in the past (cloudwatch_exporter: set_timestamp: false; YACE: a shorter delay), or the exporter stopped',
        };
      }
    }
    return {
      kind: 'no-combination',
      message: 'every series the query reads has data, but its parts do not line up (the streams of one side are not on the other)',
      fix: /label_replace\(vector\(/.test(expr)
        ? 'capacity.shards names streams other than those with data: use the stream names the doctor lists'
        : 'check that the series of the query carry the same stream labels',
    };
  }

  /** Why a query that returned data is still not right: a label its legend needs, or stale data. */
  async presentReason(expr: string, missingLabel: string | undefined): Promise<Reason | undefined> {
    const selectors = selectorsOf(expr);
    if (missingLabel) {
      const reason = await this.missingLabelReason(selectors, missingLabel);
      if (reason) return { ...reason, message: `${reason.message}: its series have no ${missingLabel} to tell them apart, and picking one in the dashboard empties the panel` };
    }
    for (const sel of selectors) {
      const text = selectorText(sel);
      if (!(await this.seriesIn(text, this.ctx.maxDelaySeconds)) && !(await this.alternativeReads(sel, selectors))) {
        return this.stale(text, await this.newest(text, this.ctx.staleLookbackSeconds));
      }
    }
    return undefined;
  }

  /** Whether an alternative of the selector (areAlternatives) in the same query reads fresh data: then the selector need not. */
  private async alternativeReads(sel: Selector, selectors: readonly Selector[]): Promise<boolean> {
    for (const other of selectors) {
      if (other !== sel && areAlternatives(sel, other) && (await this.seriesIn(selectorText(other), this.ctx.maxDelaySeconds))) return true;
    }
    return false;
  }
}

/** Label spellings compared without case, underscores and YACE's dimension_ prefix: one holding the other is another spelling. */
const squash = (label: string) => label.toLowerCase().replace(/^dimension_/, '').replace(/_/g, '');
function similar(found: string, wanted: string): boolean {
  const [a, b] = [squash(found), squash(wanted)];
  // At least a word's length in common ("stream" in "streamname"; not "name", YACE's ARN label).
  return a === b || (Math.min(a.length, b.length) >= 5 && (a.includes(b) || b.includes(a)));
}
