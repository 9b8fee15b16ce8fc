import { Catalog, type MetricEntry } from './schema.ts';
import { metrics } from './metrics.ts';

export * from './schema.ts';

let loaded: ReadonlyMap<string, MetricEntry> | undefined;

/** The catalog, validated on first use (a broken entry fails loudly, with its path). */
export function catalog(): ReadonlyMap<string, MetricEntry> {
  if (!loaded) {
    const entries = Catalog.parse(metrics);
    loaded = new Map(entries.map((e) => [e.id, e]));
  }
  return loaded;
}

export function metric(id: string): MetricEntry {
  const entry = catalog().get(id);
  if (!entry) throw new Error(`unknown catalog metric "${id}"`);
  return entry;
}
