/**
 * The value as JSON carries it, keys sorted at every depth: what JSON.parse(serialize(value)) gives
 * (members that are undefined, functions or symbols left out, null in arrays, and for NaN and the
 * infinities), without writing and reading the text. Arrays keep their order.
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (isJson(v) ? canonical(v) : null));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (isJson(v)) out[key] = canonical(v);
    }
    return out;
  }
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** What JSON.stringify leaves out of objects (and writes as null in arrays). */
function isJson(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

/** Text of frozen objects already written, by indentation depth: a frozen subtree cannot change. */
const frozenText = new WeakMap<object, { depth: number; text: string }>();

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
  // Plain loops and a cache of quoted keys: a fleet runs this a hundred times per dashboard, mostly
  // before the engine has optimized it, where every closure and call counts.
  const [, comma, openArray, openObject] = lineBreaks(depth + 1);
  if (Array.isArray(value)) {
    if (!value.length) {
      out.push('[]');
      return;
    }
    for (let i = 0; i < value.length; i++) {
      out.push(i ? comma : openArray);
      const v: unknown = value[i];
      if (isJson(v)) emit(v, depth + 1, out);
      else out.push('null');
    }
    out.push(lineBreaks(depth)[0], ']');
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let written = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = record[key];
    if (!isJson(v)) continue;
    out.push(written++ ? comma : openObject, quote(key), ': ');
    emit(v, depth + 1, out);
  }
  out.push(written ? lineBreaks(depth)[0] : '{', '}');
}

/** Keys as JSON strings, made once each: dashboards repeat the same few dozen keys. */
const quotedKeys = new Map<string, string>();
function quote(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) quotedKeys.set(key, (quoted = JSON.stringify(key)));
  return quoted;
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
