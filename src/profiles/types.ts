import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { Statistic } from '../catalog/index.ts';
import type { QuerySpec } from '../signals/query.ts';

export type { QuerySpec } from '../signals/query.ts';

/** How a stat panel turns what its queries return into one number. */
export interface StatReduction {
  /** The stat panel's reducer(s) (reduceOptions.calcs). */
  calcs: string[];
  /** Grafana transformations applied before the reducer; none when the query already returns one value. */
  transformations: dashboard.DataTransformerConfig[];
}

/** Dashboard-wide facts a profile needs to build queries; the defaults reproduce the seed's queries exactly. */
export interface ProfileSettings {
  /** Seconds in the CloudWatch period each sample summarises: what a per-period Sum is divided by for a rate. */
  periodSeconds: number;
  /** Open shards per stream (stream name as AWS spells it); absent: the dashboard's `$shards` variable. */
  shards?: Readonly<Record<string, number>>;
  /**
   * Which streams this dashboard is about: exact names (as AWS spells them) or a regular expression
   * over the stream label's values. The stream variable offers only these, and "All" means these.
   */
  streams?: { names: readonly string[] } | { regex: string };
  /**
   * Queries filter by the dashboard's variables (`$stream`, `$region`, `$account`); the default (true).
   * False: plain PromQL that runs outside Grafana (alert rules): selectors keep only the `streams` filter
   * and the shard and consumer label matchers, and capacity needs `shards` (there is no `$shards` variable).
   */
  variables?: boolean;
}

export interface Profile {
  id: string;
  title: string;
  /** Who produces these metrics, in one sentence (README and `--help`). */
  source: string;
  datasource: { type: string; name: string };
  /** Dimension → label name, and the optional labels the profile carries. */
  labels: { stream: string; shard: string; consumer: string; region?: string; account?: string };
  /** Variables in the order they appear on the dashboard; every query filters by all but datasource. */
  variables(): cog.Builder<dashboard.VariableModel>[];
  /**
   * Every query the spec needs: the visible one has `refId`; helpers a backend needs to compute it
   * (hidden inputs of a math expression) follow. Throws ProfileError when the profile cannot express it.
   */
  targets(spec: QuerySpec, refId: string): cog.Builder<cog.Dataquery>[];
  /** How a stat panel built on this spec (window "range", groupBy "total") reduces to one number. */
  stat(spec: QuerySpec): StatReduction;
  /** Every series name the profile reads for a catalog metric and statistic (validation, test data). */
  seriesNames(metric: string, statistic: Statistic): string[];
  /**
   * A panel dividing one metric by another is repeated per value of this variable when the profile cannot
   * pair the two sides' series stream by stream (each copy's queries then read one stream).
   */
  ratioRepeat?: string;
  /**
   * What a panel built on this spec cannot show exactly with this profile's data, in a sentence for its
   * description; undefined when it is exact.
   */
  caveat?(spec: QuerySpec): string | undefined;
}

/** A profile whose queries are PromQL: alert rules are built from the same expressions as its panels. */
export interface PromqlProfile extends Profile {
  /** The expression a panel's query carries for the spec. Throws ProfileError when the profile cannot express it. */
  expr(spec: QuerySpec): string;
}

/** A profile for the given dashboard settings. */
export type ProfileFactory = (settings: ProfileSettings) => Profile;

/** A (metric, statistic) the profile cannot express: a clear error, never a silently wrong query. */
export class ProfileError extends Error {
  override name = 'ProfileError';
}
