/**
 * Helpers shared by the alert tests (not a test file itself).
 */

/**
 * What our annotation templates render to, for an alert with these labels and a value already humanized as
 * Prometheus would (`valueText`). Only the template forms the rules use are known; anything else is left in
 * place, so a test comparing with Prometheus's output fails on it.
 */
export function renderAnnotation(template: string, labels: Readonly<Record<string, string>>, valueText: string): string {
  return template
    .replace(/\{\{ \$labels\.(\w+) \| urlquery \}\}/g, (_m, l: string) => encodeURIComponent(labels[l] ?? ''))
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, l: string) => labels[l] ?? '')
    .replace(/\{\{[^}]*\$value[^}]*\}\}/g, valueText);
}

/** A dashboard query with the Grafana variable matchers taken out: what the same query is outside Grafana. */
export function withoutVariables(expr: string): string {
  return expr
    .replace(/(, )?\w+=~"\$(stream|region|account)"/g, '')
    .replace(/\{, /g, '{')
    .replace(/\{\}/g, '');
}

type Yaml = string | number | boolean | Yaml[] | { [key: string]: Yaml };

/**
 * Reads back the YAML subset src/output/yaml.ts writes (block maps and sequences, single-quoted strings,
 * plain numbers and booleans, `[]`, `{}`, `#` comment lines): a round-trip check for the writer. Throws on
 * anything else, so the writer cannot drift into YAML this reader (and the test) would misread.
 */
export function readYamlSubset(text: string): Yaml {
  const lines = text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
  let i = 0;

  function scalar(s: string): Yaml {
    if (s === '[]') return [];
    if (s === '{}') return {};
    if (s === 'true' || s === 'false') return s === 'true';
    if (s.startsWith("'")) {
      if (!s.endsWith("'") || s.length < 2) throw new Error(`bad quoted scalar: ${s}`);
      const body = s.slice(1, -1);
      if (/(^|[^'])'($|[^'])/.test(body.replaceAll("''", ''))) throw new Error(`unescaped quote in ${s}`);
      return body.replaceAll("''", "'");
    }
    if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(s)) return Number(s);
    throw new Error(`not in the subset: ${s}`);
  }

  function keyValue(s: string): [string, string] {
    const m = /^('(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/.exec(s);
    if (!m) throw new Error(`not a mapping entry: ${s}`);
    const k = m[1]!.startsWith("'") ? (scalar(m[1]!) as string) : m[1]!;
    return [k, m[2] ?? ''];
  }

  function block(indent: number): Yaml {
    const first = lines[i];
    if (!first || first.indent !== indent) throw new Error(`expected a block at indent ${indent}, line ${i}`);
    if (first.text.startsWith('- ')) {
      const out: Yaml[] = [];
      while (lines[i] && lines[i]!.indent === indent && lines[i]!.text.startsWith('- ')) {
        const rest = lines[i]!.text.slice(2);
        if (/^('(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_]*):( |$)/.test(rest)) {
          // A mapping as the item: its first entry is on the dash's line.
          lines[i] = { indent: indent + 2, text: rest };
          out.push(block(indent + 2));
        } else {
          out.push(scalar(rest));
          i++;
        }
      }
      return out;
    }
    const out: { [key: string]: Yaml } = {};
    while (lines[i] && lines[i]!.indent === indent && !lines[i]!.text.startsWith('- ')) {
      const [k, v] = keyValue(lines[i]!.text);
      if (k in out) throw new Error(`duplicate key ${k}`);
      i++;
      out[k] = v === '' ? block(indent + 2) : scalar(v);
    }
    return out;
  }

  const doc = block(0);
  if (i !== lines.length) throw new Error(`unread lines from ${i}: ${lines[i]?.text}`);
  return doc;
}
