import type { MetricEntry } from './schema.ts';
import { metrics } from './metrics.ts';

// The catalog is code, not input: test/catalog.test.ts checks every entry against the schema
// (src/catalog/schema.ts), so a run does not build the schema or parse the entries again.
export type * from './schema.ts';

let loaded: ReadonlyMap<string, MetricEntry> | undefined;

/** The catalog by id. */
export function catalog(): ReadonlyMap<string, MetricEntry> {
  loaded ??= new Map(metrics.map((e) => [e.id, e]));
  return loaded;
}

export function metric(id: string): MetricEntry {
  const entry = catalog().get(id);
  if (!entry) throw new Error(`unknown catalog metric "${id}"`);
  return entry;
}
