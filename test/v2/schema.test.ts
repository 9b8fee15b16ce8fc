import { describe, expect, it } from 'vitest';
import { toV2Resource } from '../../src/dashboard/v2.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { validateGrafanaV2Spec } from '../support/schema.ts';

const ALL_ROWS = { capacity: { retentionHours: 24 }, rows: { shards: true, successRates: true, recordOutcomes: true, fanOut: true } } as const;

describe('v2beta1 resource', () => {
  for (const profile of ['cloudwatch-exporter', 'yace', 'logzio-metric-streams', 'cloudwatch']) {
    for (const [name, extra] of [['default rows', {}], ['all rows', ALL_ROWS]] as const) {
      it(`is valid against Grafana's v2beta1 schema — ${profile}, ${name}`, () => {
        const r = toV2Resource(synth({ profile, ...extra }));
        const ok = validateGrafanaV2Spec(r.spec);
        expect(validateGrafanaV2Spec.errors ?? [], JSON.stringify(validateGrafanaV2Spec.errors?.slice(0, 3))).toEqual([]);
        expect(ok).toBe(true);
      });
    }
  }
});
