import type { Statistic } from '../catalog/index.ts';

// How each exporter turns a CloudWatch metric name into a Prometheus one, as their sources do:
// prometheus/cloudwatch_exporter and YACE (prometheus-community/yet-another-cloudwatch-exporter) write
// aws_<namespace>_<snake_case metric>_<statistic>; Logz.io's metric streams (logzio/metric-stream-lambda)
// lowercase the name, "." → "_", and ship each period's summary as _sum, _count, _min and _max.

/** prometheus/cloudwatch_exporter and YACE: snake_case; "GetRecords.IteratorAgeMilliseconds" → "get_records_iterator_age_milliseconds". */
export function snakeCase(metricName: string): string {
  return metricName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

/** Logz.io metric streams: lowercase, "." → "_", no snake-casing; "GetRecords.IteratorAgeMilliseconds" → "getrecords_iteratoragemilliseconds". */
export function lowerCase(metricName: string): string {
  return metricName.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

export const exporterSuffix: Record<Statistic, string> = {
  Sum: 'sum',
  Average: 'average',
  Maximum: 'maximum',
  Minimum: 'minimum',
  SampleCount: 'sample_count',
};

/** Metric streams ship a summary per period: sum, count, min, max (no average: it is sum / count). */
export const metricStreamSuffix: Partial<Record<Statistic, string>> = {
  Sum: 'sum',
  SampleCount: 'count',
  Minimum: 'min',
  Maximum: 'max',
};
