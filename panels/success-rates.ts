import { signals as s } from '../src/signals/index.ts';
import type { RowSpec } from './spec.ts';

/** Each API's *.Success Average: the fraction of calls that succeeded (1 per successful call, 0 otherwise). */
export const successRateRows: RowSpec[] = [
  {
    title: 'Success Rates',
    height: 8,
    panels: [
      { kind: 'timeseries', title: 'PutRecord Success Rate', signals: [s.putRecordSuccess] },
      { kind: 'timeseries', title: 'PutRecords Success Rate', signals: [s.putRecordsSuccess] },
      { kind: 'timeseries', title: 'GetRecords Success Rate', signals: [s.getRecordsSuccess] },
    ],
  },
];
