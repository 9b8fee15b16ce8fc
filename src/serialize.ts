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

/** What JSON.stringify leaves out of objects (and writes as null in arrays). */
const isJson = (v: unknown) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';

/** "\n" and the indentation of each depth, alone and after ",", "[" and "{": made once. */
const breaks: [string, string, string, string][] = [];
const lineBreaks = (depth: number) => (breaks[depth] ??= ['', ',', '[', '{'].map((c) => `${c}\n${'  '.repeat(depth)}`) as [string, string, string, string]);

/**
 * Appends the text of a JSON value to `out`. Pieces are pushed and joined once at the end: joining at
 * every depth copied each subtree's text once per level above it (and a fleet's dashboards are mostly
 * their shared panels' text), which is what its time went to, collecting the copies.
 */
function emit(value: unknown, depth: number, out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      out.push(Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
  }
  if (value === null) {
    out.push('null');
    return;
  }
  const object = value as object;
  if (!Object.isFrozen(object)) return emitObject(object, depth, out);
  let hit = frozenText.get(object);
  if (hit?.depth !== depth) {
    const own: string[] = [];
    emitObject(object, depth, own);
    hit = { depth, text: own.join('') };
    frozenText.set(object, hit);
  }
  out.push(hit.text);
}

function emitObject(value: object, depth: number, out: string[]): void {
  const [, comma, openArray, openObject] = lineBreaks(depth + 1);
  if (Array.isArray(value)) {
    if (!value.length) {
      out.push('[]');
      return;
    }
    value.forEach((v, i) => {
      out.push(i ? comma : openArray);
      if (isJson(v)) emit(v, depth + 1, out);
      else out.push('null');
    });
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort().filter((k) => isJson(record[k]));
    if (!keys.length) {
      out.push('{}');
      return;
    }
    keys.forEach((key, i) => {
      out.push(i ? comma : openObject, JSON.stringify(key), ': ');
      emit(record[key], depth + 1, out);
    });
  }
  out.push(lineBreaks(depth)[0], Array.isArray(value) ? ']' : '}');
}

/**
 * The bytes a dashboard is written as: JSON.stringify(canonical(value), null, 2) and a final newline,
 * in one pass: keys sorted at every depth, undefined members left out (null in arrays). Shared frozen
 * subtrees (a fleet's panels) are written once.
 */
export function serialize(value: unknown): string {
  const out: string[] = [];
  if (isJson(value)) emit(value, 0, out);
  else out.push('null');
  out.push('\n');
  return out.join('');
}
