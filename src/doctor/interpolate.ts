/*
 * The dashboard's queries as Grafana sends them when it opens with its defaults: every query variable at
 * "All" (its allValue, used as it is: Grafana does not escape a custom all value, public/app/features/templating/
 * template_srv.ts), a text box at its value, and $__range as the checked window (pkg/promlib/models/query.go).
 */

export interface DashboardVariable {
  name: string;
  type?: string;
  allValue?: string | null;
  query?: unknown;
  current?: { value?: unknown };
}

/** `$name`, `${name}`, `${name:format}` and `[[name]]`, as template_srv.ts reads them. */
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::\w+)?\]\]|\$\{(\w+)(?::[^}]+)?\}/g;

export function interpolate(expr: string, variables: readonly DashboardVariable[], rangeSeconds: number): string {
  const byName = new Map(variables.map((v) => [v.name, v]));
  return expr.replace(VARIABLE, (match, plain?: string, bracket?: string, brace?: string) => {
    const name = (plain ?? bracket ?? brace)!;
    if (name === '__range') return `${rangeSeconds}s`;
    if (name === '__range_s') return String(rangeSeconds);
    if (name === '__range_ms') return String(rangeSeconds * 1000);
    const v = byName.get(name);
    if (!v || v.type === 'datasource') return match;
    if (v.type === 'query') return v.allValue ?? '.*';
    const value = v.current?.value;
    return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0] ?? '') : match;
  });
}
