/**
 * The one YAML writer (alert rule files, Grafana's provisioning file): block mappings and sequences, every
 * string single-quoted (`yamlQuote`) unless marked as a plain word, numbers and booleans plain. Keys keep
 * their insertion order, so the caller decides the layout and the bytes are the same on every run.
 * Undefined values and functions (the Grafana SDK's builders leave marker functions on built objects) are left out.
 */

// Characters a one-line YAML scalar cannot carry as themselves: C0 controls other than tab, DEL, C1 controls,
// line breaks (a single-quoted scalar folds them into spaces), and the non-characters U+FFFE/U+FFFF.
const NOT_ONE_LINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]/;

/** Text that fits on one line of a YAML file. */
export const isOneLine = (s: string) => !NOT_ONE_LINE.test(s);

/** YAML single-quoted scalar: the only escape is '' for '. Throws for text that cannot be one such line. */
export function yamlQuote(text: string): string {
  if (NOT_ONE_LINE.test(text)) throw new Error(`cannot write ${JSON.stringify(text)} as a one-line YAML string`);
  return `'${text.replaceAll("'", "''")}'`;
}

/** A word written without quotes, as YAML files conventionally write enum values (`type: file`). */
export class YamlWord {
  constructor(readonly text: string) {
    if (!/^[a-z][a-z0-9]*$/.test(text)) throw new Error(`not a plain YAML word: ${JSON.stringify(text)}`);
  }
}

export type YamlScalar = string | number | boolean | YamlWord;
export type YamlValue = YamlScalar | readonly YamlValue[] | { readonly [key: string]: YamlValue | undefined };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function scalar(v: YamlScalar): string {
  if (typeof v === 'string') return yamlQuote(v);
  if (v instanceof YamlWord) return v.text;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} as a YAML number`);
    return String(v);
  }
  return v ? 'true' : 'false';
}

const key = (k: string) => (PLAIN_KEY.test(k) ? k : yamlQuote(k));

function entries(map: { readonly [key: string]: unknown }): [string, YamlValue][] {
  return Object.entries(map).filter((e): e is [string, YamlValue] => e[1] !== undefined && typeof e[1] !== 'function');
}

const isMap = (v: YamlValue): v is { readonly [key: string]: YamlValue | undefined } => typeof v === 'object' && !Array.isArray(v) && !(v instanceof YamlWord);

/** Lines for `value` as the value of a key (or sequence item) at `indent` spaces; `[inline, block]`. */
function node(value: YamlValue, indent: number): { inline?: string; block?: string[] } {
  if (Array.isArray(value)) {
    if (!value.length) return { inline: '[]' };
    return { block: value.flatMap((item: YamlValue) => sequenceItem(item, indent)) };
  }
  if (isMap(value)) {
    const es = entries(value);
    if (!es.length) return { inline: '{}' };
    return { block: es.flatMap(([k, v]) => mapEntry(k, v, indent)) };
  }
  return { inline: scalar(value as YamlScalar) };
}

function mapEntry(k: string, v: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const n = node(v, indent + 2);
  return n.inline !== undefined ? [`${pad}${key(k)}: ${n.inline}`] : [`${pad}${key(k)}:`, ...n.block!];
}

function sequenceItem(item: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const n = node(item, indent + 2);
  if (n.inline !== undefined) return [`${pad}- ${n.inline}`];
  // The item's first line goes after "- "; the rest are already indented two more.
  const [first, ...rest] = n.block!;
  return [`${pad}- ${first!.slice(indent + 2)}`, ...rest];
}

/** A YAML document for a mapping at the top level, ending with a newline. */
export function toYaml(doc: { readonly [key: string]: YamlValue | undefined }): string {
  return `${entries(doc)
    .flatMap(([k, v]) => mapEntry(k, v, 0))
    .join('\n')}\n`;
}

/** `# ` comment lines (one per entry); a line may not break the comment. */
export function yamlComments(lines: readonly string[]): string {
  return lines
    .map((l) => {
      if (/[\r\n\u2028\u2029]/.test(l)) throw new Error(`a comment line cannot contain a line break: ${JSON.stringify(l)}`);
      return l ? `# ${l}\n` : '#\n';
    })
    .join('');
}
