/**
 * Template interpolation as Grafana does it for a Prometheus data source, so the e2e proof sends
 * Prometheus exactly the text Grafana would. Sources (grafana/grafana):
 * - packages/grafana-prometheus/src/escaping.ts: interpolateQueryExpr, prometheusRegularEscape,
 *   prometheusSpecialRegexEscape (the "classic" behaviour, feature toggle prometheusSpecialCharsInLabelValues off);
 *   before the package split the same code lived in public/app/plugins/datasource/prometheus/datasource.ts.
 * - public/app/features/templating/template_srv.ts: the variable syntaxes `$var`, `${var}`, `[[var]]`, and a
 *   custom allValue used as it is (no escaping) when "All" is selected.
 * - pkg/promlib/models/query.go: the built-ins $__interval, $__interval_ms, $__range, $__range_s, $__range_ms,
 *   $__rate_interval (max(interval + scrape interval, 4 × scrape interval), scrape interval 15s unless set).
 * - packages/grafana-prometheus/src/metric_find_query.ts: `label_values(selector, label)` variable queries.
 * Only what the generated dashboards can use is here; anything else throws rather than guessing.
 */

/** The value Grafana stores for "All". */
export const ALL = '$__all';

/** The parts of a dashboard variable (templating.list entry) that interpolation reads. */
export interface TemplateVariable {
  name: string;
  type?: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string | null;
  /** Options, for "All" without a custom allValue (Grafana then joins every option). */
  options?: Array<{ value: string | string[] }>;
}

/** A selected value: one string, several (multi-value), or ALL / [ALL]. */
export type VariableValue = string | string[];

export interface InterpolationContext {
  variables: readonly TemplateVariable[];
  values: Readonly<Record<string, VariableValue>>;
  /** The dashboard time range, unix seconds; needed for $__range*. */
  range?: { from: number; to: number };
  /** The query interval in ms ($__interval, $__rate_interval). */
  intervalMs?: number;
  /** The data source's scrape interval (Grafana's "Scrape interval" setting); Grafana assumes 15s. */
  scrapeInterval?: string;
}

/** Grafana's escaping for a single-value variable that is neither multi nor include-all. */
export function prometheusRegularEscape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\\\'");
}

/**
 * Grafana's escaping for a value that lands in a regex matcher: backslashes and regex metacharacters get a
 * doubled backslash, because the result sits inside a PromQL double-quoted string (`audit.log` → `audit\\.log`).
 */
export function prometheusSpecialRegexEscape(value: string): string {
  return value.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]+?.()|]/g, '\\\\$&');
}

/** Grafana's `interpolateQueryExpr`: how the Prometheus data source formats a variable's value. */
export function interpolateQueryExpr(value: VariableValue, variable: TemplateVariable): string {
  if (!variable.multi && !variable.includeAll) {
    return typeof value === 'string' ? prometheusRegularEscape(value) : value.map(prometheusRegularEscape).join(',');
  }
  if (typeof value === 'string') return prometheusSpecialRegexEscape(value);
  const escaped = value.map(prometheusSpecialRegexEscape);
  if (escaped.length === 1) return escaped[0]!;
  return '(' + escaped.join('|') + ')';
}

function isAll(value: VariableValue): boolean {
  return typeof value === 'string' ? value === ALL : value.includes(ALL);
}

/** One variable's text in a query. */
function formatVariable(variable: TemplateVariable, value: VariableValue): string {
  if (isAll(value)) {
    if (!variable.includeAll) throw new Error(`variable "${variable.name}" has no All option`);
    // A custom all value is used as it is: Grafana skips formatting for it.
    if (variable.allValue) return variable.allValue;
    const options = (variable.options ?? []).flatMap((o) => o.value).filter((v) => v !== ALL);
    if (!options.length) throw new Error(`variable "${variable.name}": All without allValue needs its options`);
    return interpolateQueryExpr(options, variable);
  }
  return interpolateQueryExpr(value, variable);
}

/** Go's gtime.FormatInterval, as Grafana prints $__interval: the largest whole unit, truncated. */
export function formatGrafanaInterval(ms: number): string {
  const units: Array<[string, number]> = [
    ['y', 365 * 86_400_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  for (const [suffix, size] of units) if (ms >= size) return `${Math.floor(ms / size)}${suffix}`;
  return '1ms';
}

/** Parses Grafana interval strings such as "15s", "1m", "500ms" to ms. */
export function parseGrafanaInterval(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(text.trim());
  if (!m) throw new Error(`unsupported interval "${text}"`);
  const size: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
  return Number(m[1]) * size[m[2]!]!;
}

/** $__rate_interval in ms: max($__interval + scrape interval, 4 × scrape interval). */
export function rateIntervalMs(intervalMs: number, scrapeInterval = '15s'): number {
  const scrape = parseGrafanaInterval(scrapeInterval);
  return Math.max(intervalMs + scrape, 4 * scrape);
}

function builtIn(name: string, ctx: InterpolationContext): string | undefined {
  const needRange = () => {
    if (!ctx.range) throw new Error(`$${name} needs the time range`);
    return ctx.range.to - ctx.range.from;
  };
  const needInterval = () => {
    if (ctx.intervalMs === undefined) throw new Error(`$${name} needs the query interval`);
    return ctx.intervalMs;
  };
  switch (name) {
    case '__range':
      return `${Math.round(needRange())}s`;
    case '__range_s':
      return `${Math.round(needRange())}`;
    case '__range_ms':
      return `${Math.round(needRange() * 1000)}`;
    case '__interval':
      return formatGrafanaInterval(needInterval());
    case '__interval_ms':
      return `${needInterval()}`;
    case '__rate_interval':
      return formatGrafanaInterval(rateIntervalMs(needInterval(), ctx.scrapeInterval));
    case '__rate_interval_ms':
      return `${rateIntervalMs(needInterval(), ctx.scrapeInterval)}`;
    default:
      return undefined;
  }
}

// template_srv.ts's variable regex: $var | [[var]] / [[var:fmt]] | ${var} / ${var.field} / ${var:fmt}.
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

/**
 * Replaces every variable Grafana would replace in a Prometheus query (or variable query);
 * names that are neither a dashboard variable nor a built-in are left as they are, as Grafana leaves them.
 */
export function interpolate(text: string, ctx: InterpolationContext): string {
  const byName = new Map(ctx.variables.map((v) => [v.name, v]));
  return text.replace(VARIABLE, (match, plain?: string, bracket?: string, bracketFmt?: string, brace?: string, field?: string, braceFmt?: string) => {
    const name = (plain ?? bracket ?? brace)!;
    const fmt = bracketFmt ?? braceFmt;
    if (field) throw new Error(`${match}: field paths are not supported by this harness`);
    const b = builtIn(name, ctx);
    if (b !== undefined) return b;
    const variable = byName.get(name);
    if (!variable) return match;
    if (variable.type === 'datasource') return match; // a data source reference, not query text
    const value = ctx.values[name];
    if (value === undefined) throw new Error(`no value given for variable "${name}" used in: ${text}`);
    if (fmt === undefined) return formatVariable(variable, value);
    if (fmt === 'raw') return isAll(value) && variable.allValue ? variable.allValue : [value].flat().join(',');
    throw new Error(`${match}: format "${fmt}" is not supported by this harness`);
  });
}

/** A parsed `label_values(...)` variable query (Grafana's metric_find_query.ts labelValuesRegex). */
export interface LabelValuesQuery {
  label: string;
  /** The series selector, when the query has one. */
  match?: string;
}

export function parseLabelValuesQuery(query: string): LabelValuesQuery {
  const m = /^label_values\((?:(.+),\s*)?([a-zA-Z_$][a-zA-Z0-9_]*)\)\s*$/.exec(query.trim());
  if (!m) throw new Error(`not a label_values(...) query: ${query}`);
  return m[1] ? { label: m[2]!, match: m[1].trim() } : { label: m[2]! };
}

/** The query text of a query variable: a string, or `{ query }` in newer dashboards. */
export function variableQueryText(v: { query?: unknown }): string {
  if (typeof v.query === 'string') return v.query;
  if (v.query && typeof v.query === 'object' && typeof (v.query as { query?: unknown }).query === 'string') {
    return (v.query as { query: string }).query;
  }
  throw new Error('variable has no query text');
}

/**
 * A series' display name from the target's legendFormat, as Grafana renders it: `{{label}}` becomes the
 * label's value, or nothing when the series lacks it (promlib's formatLegend). An empty or "__auto" legend
 * shows the series' labels.
 */
export function renderLegend(legendFormat: string | undefined, labels: Readonly<Record<string, string>>): string {
  if (!legendFormat || legendFormat === '__auto') {
    const { __name__: name = '', ...rest } = labels;
    const inner = Object.keys(rest)
      .sort()
      .map((k) => `${k}="${rest[k]}"`)
      .join(', ');
    return `${name}{${inner}}`;
  }
  return legendFormat.replace(/\{\{\s*(.+?)\s*\}\}/g, (_m, label: string) => labels[label] ?? '');
}
