import { parser } from '@prometheus-io/lezer-promql';

/**
 * Replaces Grafana's template variables with values of the right kind, as Grafana would before
 * sending the query: durations for the time macros, a regex for custom variables.
 */
export function interpolateForParse(expr: string): string {
  return expr
    .replace(/\$\{?__(range|rate_interval|interval)(_ms|_s)?\}?/g, (_m, _name, suffix) => (suffix ? '3600' : '5m'))
    // A variable that holds a number (the capacity row's shards per stream) must stay a number.
    .replace(/\$\{?shards\}?/g, '1')
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, '.*');
}

export interface PromqlProblem {
  offset: number;
  message: string;
}

/** Parses with Prometheus's own grammar; every error node is a problem. */
export function parsePromql(expr: string): PromqlProblem[] {
  const text = interpolateForParse(expr);
  const problems: PromqlProblem[] = [];
  if (!text.trim()) return [{ offset: 0, message: 'empty query' }];
  parser.parse(text).iterate({
    enter: (node) => {
      if (node.type.isError) {
        problems.push({ offset: node.from, message: `PromQL syntax error at ${node.from}: …${text.slice(Math.max(0, node.from - 15), node.from + 15)}…` });
      }
    },
  });
  return problems;
}

/** Names of the series a query reads (identifiers of vector and matrix selectors). */
export function selectedMetricNames(expr: string): string[] {
  const text = interpolateForParse(expr);
  const names: string[] = [];
  parser.parse(text).iterate({
    enter: (node) => {
      if (node.name === 'VectorSelector') {
        const ident = node.node.getChild('Identifier');
        if (ident) names.push(text.slice(ident.from, ident.to));
      }
    },
  });
  return names;
}
