import type { RowSpec } from './spec.ts';

// What became of the records sent in PutRecords calls: each outcome's Sum ÷ PutRecords.TotalRecords' Sum,
// per stream and period (as the AWS CDK's own Kinesis dashboard derives them). A PutRecords call can
// succeed while some of its records are throttled or fail, so PutRecords.Success does not show this.
const ofAllSent = { metric: 'PutRecords.TotalRecords', statistic: 'Sum' } as const;

export const recordOutcomeRows: RowSpec[] = [
  {
    title: 'PutRecords Record Outcomes',
    height: 8,
    panels: [
      { kind: 'timeseries', title: 'Successful Records', signals: [{ metric: 'PutRecords.SuccessfulRecords', statistic: 'Sum', ratioTo: ofAllSent }] },
      { kind: 'timeseries', title: 'Throttled Records', signals: [{ metric: 'PutRecords.ThrottledRecords', statistic: 'Sum', ratioTo: ofAllSent }] },
      { kind: 'timeseries', title: 'Failed Records', signals: [{ metric: 'PutRecords.FailedRecords', statistic: 'Sum', ratioTo: ofAllSent }] },
    ],
  },
];
