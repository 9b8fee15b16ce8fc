import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { Statistic } from '../catalog/index.ts';

/**
 * What a panel asks of a backend, in catalog terms only: panels never see metric names,
 * label names or query languages, so a new backend (e.g. the native CloudWatch datasource)
 * is a new Profile and no panel changes.
 */
export interface QuerySpec {
  /** Catalog id, e.g. "IncomingBytes". */
  metric: string;
  statistic: Statistic;
  /** "stream": one series per selected stream; "total": one series combining the selected streams. */
  groupBy: 'stream' | 'total';
  /** How the selected streams combine when groupBy is "total" (sums add; averages and ages do not). */
  across: 'sum' | 'avg' | 'max';
  /** "series": a value per CloudWatch period; "range": one value over the dashboard's time range (stat panels). */
  window: 'series' | 'range';
  /** Prefix for the series name, e.g. "PutRecords" when a panel draws two metrics. */
  legend?: string;
}

/** Template variables the dashboard offers; a profile declares which it has. */
export type VariableName = 'datasource' | 'region' | 'account' | 'stream';

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
  /** A query for the panel; throws ProfileError when the profile cannot express it. */
  target(spec: QuerySpec, refId: string): cog.Builder<cog.Dataquery>;
  /** Every series name the profile reads for a catalog metric and statistic (validation, test data). */
  seriesNames(metric: string, statistic: Statistic): string[];
}

/** A (metric, statistic) the profile cannot express: a clear error, never a silently wrong query. */
export class ProfileError extends Error {
  override name = 'ProfileError';
}
