import type { RowSpec } from './spec.ts';

/** Each API's *.Success Average: the fraction of calls that succeeded (1 per successful call, 0 otherwise). */
export const successRateRows: RowSpec[] = [
  {
    title: 'Success Rates',
    height: 8,
    panels: [
      { kind: 'timeseries', title: 'PutRecord Success Rate', signals: [{ metric: 'PutRecord.Success', statistic: 'Average' }] },
      { kind: 'timeseries', title: 'PutRecords Success Rate', signals: [{ metric: 'PutRecords.Success', statistic: 'Average' }] },
      { kind: 'timeseries', title: 'GetRecords Success Rate', signals: [{ metric: 'GetRecords.Success', statistic: 'Average' }] },
    ],
  },
];
