import '../src/zod-config.ts';
import * as z from 'zod/mini';
import { Across, SignalAsWritten } from '../src/signals/schema.ts';

// A dashboard described as data: rows of panels, each panel a list of signals (src/signals/).
// Units, descriptions and queries are derived from the signals, the catalog and the profile; nothing here names a series.
// The rows are code, not input: test/panels/rows.test.ts checks every row set against these schemas,
// so a run builds neither the schemas nor parses the rows (no defaults here: a row as written is a row as parsed).

export const SignalSpec = z.strictObject({
  ...SignalAsWritten.shape,
  /** Series name prefix when a panel draws several signals. */
  legend: z.optional(z.string()),
});

export const PanelSpec = z.strictObject({
  /** A stat combines the selected streams as its signal says (its `across`); a time series draws one series per stream. */
  kind: z.enum(['stat', 'timeseries']),
  title: z.string().check(z.minLength(1)),
  signals: z.array(SignalSpec).check(z.minLength(1)),
  /** How the selected streams combine in a stat, instead of its signal's way. */
  across: z.optional(Across),
  /** Replaces the catalog's description when the panel draws several signals. */
  description: z.optional(z.string()),
  /** Only the n highest series (shard panels: the hottest shards). */
  top: z.optional(z.int().check(z.positive())),
  /** A red line at this value, in the panel's unit: the limit the series are judged against. */
  threshold: z.optional(z.number().check(z.positive())),
});

export const RowSpec = z.strictObject({
  /** No title: panels above the first row, as Grafana draws them (or more panels under the row above). */
  title: z.optional(z.string()),
  height: z.int().check(z.positive()),
  panels: z.array(PanelSpec).check(z.minLength(1), z.maxLength(24)),
});

export type SignalSpec = z.infer<typeof SignalSpec>;
export type PanelSpec = z.infer<typeof PanelSpec>;
export type RowSpec = z.infer<typeof RowSpec>;
