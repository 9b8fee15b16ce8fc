import type { RowSpec } from './spec.ts';

/** Enhanced fan-out consumers (SubscribeToShard): one series per consumer of each selected stream. */
export const fanOutRows: RowSpec[] = [
  {
    title: 'Enhanced Fan-Out Consumers',
    height: 8,
    panels: [
      { kind: 'timeseries', title: 'Bytes Pushed to Consumers', signals: [{ metric: 'SubscribeToShardEvent.Bytes', statistic: 'Sum' }] },
      { kind: 'timeseries', title: 'Records Pushed to Consumers', signals: [{ metric: 'SubscribeToShardEvent.Records', statistic: 'Sum' }] },
      // Lag is judged by its worst moment, as iterator age is (AWS alarms on the Maximum).
      { kind: 'timeseries', title: 'Max Millis Behind Latest', signals: [{ metric: 'SubscribeToShardEvent.MillisBehindLatest', statistic: 'Maximum' }] },
      { kind: 'timeseries', title: 'SubscribeToShard Rate Exceeded', signals: [{ metric: 'SubscribeToShard.RateExceeded', statistic: 'Sum' }] },
    ],
  },
];
