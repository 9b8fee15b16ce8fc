import type { RowSpec } from './spec.ts';

/**
 * The seed: Logz.io's prebuilt "Amazon Kinesis" dashboard, panel for panel, with the seed's
 * statistics (IncomingBytes Sum, latencies Average, iterator age Average, records/bytes Sum,
 * throttling Average).
 */
export const kinesisRows: RowSpec[] = [
  {
    height: 4,
    panels: [
      { kind: 'stat', title: 'Avg Incoming Bytes', signals: [{ metric: 'IncomingBytes', statistic: 'Sum' }], across: 'sum' },
      { kind: 'stat', title: 'Avg Put Latency', signals: [{ metric: 'PutRecord.Latency', statistic: 'Average' }], across: 'avg' },
      { kind: 'stat', title: 'Avg Get Latency', signals: [{ metric: 'GetRecords.Latency', statistic: 'Average' }], across: 'avg' },
      // Ages do not add: the stream furthest behind is the one to look at.
      { kind: 'stat', title: 'Avg Iterator Age', signals: [{ metric: 'GetRecords.IteratorAgeMilliseconds', statistic: 'Average' }], across: 'max' },
    ],
  },
  {
    title: 'Put Requests',
    height: 8,
    panels: [
      { kind: 'timeseries', title: 'Incoming Records', signals: [{ metric: 'IncomingRecords', statistic: 'Sum' }] },
      { kind: 'timeseries', title: 'Incoming Bytes', signals: [{ metric: 'IncomingBytes', statistic: 'Sum' }] },
      { kind: 'timeseries', title: 'Throttled PutRecords/PutRecord Requests', signals: [{ metric: 'WriteProvisionedThroughputExceeded', statistic: 'Average' }] },
    ],
  },
  {
    title: 'Get Requests',
    height: 8,
    panels: [
      { kind: 'timeseries', title: 'Outgoing Records', signals: [{ metric: 'GetRecords.Records', statistic: 'Sum' }] },
      { kind: 'timeseries', title: 'Outgoing Bytes', signals: [{ metric: 'GetRecords.Bytes', statistic: 'Sum' }] },
      { kind: 'timeseries', title: 'Throttled GetRecords Requests', signals: [{ metric: 'ReadProvisionedThroughputExceeded', statistic: 'Average' }] },
    ],
  },
  {
    title: 'Latency',
    height: 8,
    panels: [
      { kind: 'timeseries', title: 'Average Get Latency', signals: [{ metric: 'GetRecords.Latency', statistic: 'Average' }] },
      {
        kind: 'timeseries',
        title: 'Average Put Latency',
        signals: [
          { metric: 'PutRecord.Latency', statistic: 'Average', legend: 'PutRecord' },
          { metric: 'PutRecords.Latency', statistic: 'Average', legend: 'PutRecords' },
        ],
        description: 'Time each PutRecord call and each PutRecords (batch) call took, measured by Kinesis.',
      },
    ],
  },
];
