/** Object keys sorted at every depth, arrays in order: the same dashboard always serializes to the same bytes. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

/** The bytes a dashboard is written as: canonical JSON, two-space indent, final newline. */
export function serialize(value: unknown): string {
  return `${JSON.stringify(canonical(value), null, 2)}\n`;
}
