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

/** Text of frozen objects already written, by indentation depth: a frozen subtree cannot change. */
const frozenText = new WeakMap<object, { depth: number; text: string }>();

/**
 * JSON.stringify(canonical(value), null, 2) in one pass: keys sorted at every depth, two-space indent,
 * undefined members left out (null in arrays). Shared frozen subtrees (a fleet's panels) are written once.
 */
function write(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return undefined; // undefined and functions are not JSON
  }
  if (value === null) return 'null';
  const frozen = Object.isFrozen(value);
  if (frozen) {
    const hit = frozenText.get(value);
    if (hit?.depth === depth) return hit.text;
  }
  const inner = `\n${'  '.repeat(depth + 1)}`;
  const close = `\n${'  '.repeat(depth)}`;
  let text: string;
  if (Array.isArray(value)) {
    text = value.length ? `[${value.map((v) => inner + (write(v, depth + 1) ?? 'null')).join(',')}${close}]` : '[]';
  } else {
    const parts: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const v = write((value as Record<string, unknown>)[key], depth + 1);
      if (v !== undefined) parts.push(`${inner}${JSON.stringify(key)}: ${v}`);
    }
    text = parts.length ? `{${parts.join(',')}${close}}` : '{}';
  }
  if (frozen) frozenText.set(value, { depth, text });
  return text;
}

/** The bytes a dashboard is written as: canonical JSON, two-space indent, final newline. */
export function serialize(value: unknown): string {
  return `${write(value, 0) ?? 'null'}\n`;
}
