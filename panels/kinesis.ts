import { signals as s } from '../src/signals/index.ts';
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
      { kind: 'stat', title: 'Avg Incoming Bytes', signals: [s.incomingBytes] },
      { kind: 'stat', title: 'Avg Put Latency', signals: [s.putRecordLatency] },
      { kind: 'stat', title: 'Avg Get Latency', signals: [s.getRecordsLatency] },
      { kind: 'stat', title: 'Avg Iterator Age', signals: [s.iteratorAge] },
    ],
  },
  {
    title: 'Put Requests',
    height: 8,
    panels: [
      { kind: 'timeseries', title: 'Incoming Records', signals: [s.incomingRecords] },
      { kind: 'timeseries', title: 'Incoming Bytes', signals: [s.incomingBytes] },
      { kind: 'timeseries', title: 'Throttled PutRecords/PutRecord Requests', signals: [s.writeThrottled] },
    ],
  },
  {
    title: 'Get Requests',
    height: 8,
    panels: [
      { kind: 'timeseries', title: 'Outgoing Records', signals: [s.getRecordsRecords] },
      { kind: 'timeseries', title: 'Outgoing Bytes', signals: [s.getRecordsBytes] },
      { kind: 'timeseries', title: 'Throttled GetRecords Requests', signals: [s.readThrottled] },
    ],
  },
  {
    title: 'Latency',
    height: 8,
    panels: [
      { kind: 'timeseries', title: 'Average Get Latency', signals: [s.getRecordsLatency] },
      {
        kind: 'timeseries',
        title: 'Average Put Latency',
        signals: [
          { ...s.putRecordLatency, legend: 'PutRecord' },
          { ...s.putRecordsLatency, legend: 'PutRecords' },
        ],
        description: 'Time each PutRecord call and each PutRecords (batch) call took, measured by Kinesis.',
      },
    ],
  },
];
