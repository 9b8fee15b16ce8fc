import type { Statistic } from '../catalog/index.ts';
import type { Across } from './schema.ts';

/**
 * What a panel asks of a backend, in catalog terms only: panels never see metric names,
 * label names or query languages, so a new backend (e.g. the native CloudWatch datasource)
 * is a new Profile and no panel changes.
 */
export interface QuerySpec {
  /** Catalog id, e.g. "IncomingBytes". */
  metric: string;
  statistic: Statistic;
  /**
   * "stream": one series per selected stream; "total": one series combining the selected streams;
   * "consumer" / "shard": one series per enhanced fan-out consumer / per shard of the selected streams
   * (the metric's catalog level says which).
   */
  groupBy: 'stream' | 'total' | 'consumer' | 'shard';
  /** How the selected streams combine when groupBy is "total" (sums add; averages and ages do not). */
  across: Across;
  /** "series": a value per CloudWatch period; "range": one value over the dashboard's time range (stat panels). */
  window: 'series' | 'range';
  /** Prefix for the series name, e.g. "PutRecords" when a panel draws two metrics. */
  legend?: string;
  /** Divide by another metric of the same streams, read the same way: e.g. failed ÷ all records sent, a fraction. */
  ratioTo?: { metric: string; statistic: Statistic };
  /** A rate: the Sum per CloudWatch period ÷ the period's seconds (ProfileSettings.periodSeconds). */
  perSecond?: boolean;
  /** With perSecond: ÷ (the stream's shards × this per-shard limit per second), the fraction of capacity used. */
  utilisationOf?: number;
  /** Instead of the metric's value: shards × this per-shard limit, for each selected stream that has the metric. */
  limitOf?: number;
  /** Only the n highest series (the hottest shards). */
  top?: number;
  /**
   * With window "range": reduce this many seconds back from the evaluation time instead of the dashboard's
   * time range (`$__range`); e.g. 300 for an alert rule's five-minute window. Prometheus profiles only.
   */
  rangeSeconds?: number;
}
