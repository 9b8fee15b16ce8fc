import { parser } from '@prometheus-io/lezer-promql';

/** One label matcher as written in the query, e.g. `stream_name=~"orders"`. */
export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  /** The string literal as written (quotes and escapes included): put back into a selector as it is. */
  literal: string;
  /** The value the literal stands for. */
  value: string;
}

/** A vector selector of a query: the series name and its matchers. */
export interface Selector {
  name: string;
  matchers: Matcher[];
}

/** The value of a PromQL string literal ("…", '…' or `…`). */
function unquote(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  const body = literal.slice(1, -1);
  return body.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

/**
 * Every vector selector of an expression, in the order they appear, each once: what the query reads.
 * Parsed with Prometheus' own grammar (the one `validate` uses), so no query is spelled twice.
 */
export function selectorsOf(expr: string): Selector[] {
  const found = new Map<string, Selector>();
  parser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.name !== 'VectorSelector') return;
      const node = ref.node;
      const ident = node.getChild('Identifier');
      let name = ident ? expr.slice(ident.from, ident.to) : '';
      const matchers: Matcher[] = [];
      const list = node.getChild('LabelMatchers');
      for (let m = list?.firstChild; m; m = m.nextSibling) {
        const label = m.getChild('LabelName');
        const op = m.getChild('MatchOp');
        const str = m.getChild('StringLiteral');
        if (!label || !op || !str) continue;
        const literal = expr.slice(str.from, str.to);
        const matcher = { label: expr.slice(label.from, label.to), op: expr.slice(op.from, op.to) as Matcher['op'], literal, value: unquote(literal) };
        if (matcher.label === '__name__' && matcher.op === '=') name = matcher.value;
        else matchers.push(matcher);
      }
      if (!name) return; // {__name__=~…} selectors are not the dashboard's
      const sel = { name, matchers };
      found.set(selectorText(sel), sel);
      return false;
    },
  });
  return [...found.values()];
}

/** A selector as PromQL text. */
export function selectorText(sel: Selector, matchers: readonly Matcher[] = sel.matchers): string {
  return matchers.length ? `${sel.name}{${matchers.map((m) => `${m.label}${m.op}${m.literal}`).join(', ')}}` : sel.name;
}

/** Label names a legend format shows (`{{label}}`): the series must carry them to be told apart. */
export function legendLabels(legendFormat: string | undefined): string[] {
  return [...(legendFormat ?? '').matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);
}

/**
 * Two selectors of one series name that differ in whether a label is present (`label=""` in one, `label!=""` in
 * the other): alternatives, of which one data set may feed only one (metric streams' _max series with or
 * without region, read by the two sides of an `or`).
 */
export function areAlternatives(a: Selector, b: Selector): boolean {
  const presence = (m: Matcher) => m.value === '' && (m.op === '=' || m.op === '!=');
  return a.name === b.name && a.matchers.some((m) => presence(m) && b.matchers.some((n) => presence(n) && n.label === m.label && n.op !== m.op));
}
