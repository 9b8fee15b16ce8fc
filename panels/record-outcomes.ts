import { signals as s } from '../src/signals/index.ts';
import type { RowSpec } from './spec.ts';

// What became of the records sent in PutRecords calls: each outcome's Sum ÷ PutRecords.TotalRecords' Sum,
// per stream and period (as the AWS CDK's own Kinesis dashboard derives them). A PutRecords call can
// succeed while some of its records are throttled or fail, so PutRecords.Success does not show this.
export const recordOutcomeRows: RowSpec[] = [
  {
    title: 'PutRecords Record Outcomes',
    height: 8,
    panels: [
      { kind: 'timeseries', title: 'Successful Records', signals: [{ ...s.putRecordsSuccessful, ratioTo: s.putRecordsSent }] },
      { kind: 'timeseries', title: 'Throttled Records', signals: [{ ...s.putRecordsThrottled, ratioTo: s.putRecordsSent }] },
      { kind: 'timeseries', title: 'Failed Records', signals: [{ ...s.putRecordsFailed, ratioTo: s.putRecordsSent }] },
    ],
  },
];
