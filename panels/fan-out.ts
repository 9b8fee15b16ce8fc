import { signals as s } from '../src/signals/index.ts';
import type { RowSpec } from './spec.ts';

/** Enhanced fan-out consumers (SubscribeToShard): one series per consumer of each selected stream. */
export const fanOutRows: RowSpec[] = [
  {
    title: 'Enhanced Fan-Out Consumers',
    height: 8,
    panels: [
      { kind: 'timeseries', title: 'Bytes Pushed to Consumers', signals: [s.fanOutBytes] },
      { kind: 'timeseries', title: 'Records Pushed to Consumers', signals: [s.fanOutRecords] },
      { kind: 'timeseries', title: 'Max Millis Behind Latest', signals: [s.fanOutLagMax] },
      { kind: 'timeseries', title: 'SubscribeToShard Rate Exceeded', signals: [s.subscribeRateExceeded] },
    ],
  },
];
