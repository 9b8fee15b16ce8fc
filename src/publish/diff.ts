import { isObject } from '../json.ts';

export interface Change {
  op: '+' | '-' | '~';
  path: string;
  before?: unknown;
  after?: unknown;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/** Every difference between two JSON values, path by path (arrays by index), in a stable order. */
export function jsonDiff(before: unknown, after: unknown, path = ''): Change[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      if (!(k in after)) return [{ op: '-', path: join(path, k), before: before[k] } as Change];
      if (!(k in before)) return [{ op: '+', path: join(path, k), after: after[k] } as Change];
      return jsonDiff(before[k], after[k], join(path, k));
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: Change[] = [];
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) {
      if (i >= after.length) changes.push({ op: '-', path: join(path, i), before: before[i] });
      else if (i >= before.length) changes.push({ op: '+', path: join(path, i), after: after[i] });
      else changes.push(...jsonDiff(before[i], after[i], join(path, i)));
    }
    return changes;
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ op: '~', path: path || '(root)', before, after }];
}

function show(v: unknown, max = 100): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** One readable line per change: `~ panels[3].title: "A" → "B"`. */
export function formatChanges(changes: Change[]): string[] {
  return changes.map((c) =>
    c.op === '~' ? `~ ${c.path}: ${show(c.before)} → ${show(c.after)}` : c.op === '+' ? `+ ${c.path}: ${show(c.after)}` : `- ${c.path}: ${show(c.before)}`,
  );
}
