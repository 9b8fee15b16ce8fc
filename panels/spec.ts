import { z } from 'zod';
import { Statistic } from '../src/catalog/index.ts';

// A dashboard described as data: rows of panels, each panel a list of catalog signals.
// Units, descriptions and queries are derived from the catalog and the profile; nothing here names a series.

export const SignalSpec = z.strictObject({
  metric: z.string(),
  /** Defaults to the catalog's default statistic. */
  statistic: Statistic.optional(),
  /** Series name prefix when a panel draws several signals. */
  legend: z.string().optional(),
});

export const PanelSpec = z.strictObject({
  kind: z.enum(['stat', 'timeseries']),
  title: z.string().min(1),
  signals: z.array(SignalSpec).min(1),
  /** How the selected streams combine in a stat (time series draw one series per stream). */
  across: z.enum(['sum', 'avg', 'max']).default('avg'),
  /** Replaces the catalog's description when the panel draws several signals. */
  description: z.string().optional(),
});

export const RowSpec = z.strictObject({
  /** No title: panels above the first row, as Grafana draws them. */
  title: z.string().optional(),
  height: z.number().int().positive(),
  panels: z.array(PanelSpec).min(1).max(24),
});

export type SignalSpec = z.infer<typeof SignalSpec>;
export type PanelSpec = z.infer<typeof PanelSpec>;
export type PanelSpecInput = z.input<typeof PanelSpec>;
export type RowSpec = z.infer<typeof RowSpec>;
export type RowSpecInput = z.input<typeof RowSpec>;
