import { expect, it } from 'vitest';
import { prometheusProfileNames } from '../../src/profiles/index.ts';
import { dashboardJson, FROM, TO, variableOptions } from '../support/e2e-dashboard.ts';
import { ALL, interpolate } from '../support/grafana-interpolate.ts';
import { describeWithPrometheus, usePrometheus } from '../support/prometheus.ts';
import { FIXED_WINDOW, syntheticKinesis } from '../support/synthetic.ts';

/*
 * A dashboard about some streams (config `streams`): on a real Prometheus with the synthetic data, the
 * stream variable lists exactly those streams and "All" reads exactly those. The list holds "audit.log",
 * whose dot must be escaped: the synthetic decoy stream "audit-log" would match it otherwise.
 * The dashboard's time range is the e2e proofs' (test/support/e2e-dashboard.ts).
 */

for (const profile of prometheusProfileNames()) {
  describeWithPrometheus(`stream filter on Prometheus — ${profile}`, () => {
    const data = syntheticKinesis(profile, FIXED_WINDOW);
    const label = (name: string) => data.streams.find((s) => s.name === name)!.labelValue;
    const server = usePrometheus(() => data.openmetrics);

    const cases: { name: string; streams: string[] | string; expected: string[] }[] = [
      { name: 'a list of names', streams: ['audit.log', 'Clicks-Stream'], expected: ['audit.log', 'Clicks-Stream'] },
      // A regex is written against the label values as the exporter stores them (metric streams lowercase them).
      { name: 'a regex', streams: 'audit\\..*|orders', expected: ['audit.log', 'orders'] },
    ];
    for (const c of cases) {
      it(`lists and reads only the chosen streams — ${c.name}`, async () => {
        const dash = dashboardJson({ profile, streams: c.streams });
        const variables = dash.templating?.list ?? [];
        const values = Object.fromEntries(variables.filter((v) => v.type === 'query').map((v) => [v.name, [ALL]]));
        const want = c.expected.map(label).sort();

        const stream = variables.find((v) => v.name === 'stream')!;
        expect((await variableOptions(server(), stream, variables, values)).sort()).toEqual(want);

        const panel = (dash.panels ?? []).find((p) => p.title === 'Incoming Bytes')!;
        const expr = interpolate(panel.targets![0]!.expr, { variables, values, range: { from: FROM, to: TO } });
        const series = await server().query(expr, TO);
        const streamLabel = Object.keys(data.streams[0]!.labels).find((k) => data.streams[0]!.labels[k] === data.streams[0]!.labelValue)!;
        expect(series.map((s) => s.labels[streamLabel]).sort()).toEqual(want);
      });
    }
  });
}
