// What the `alerts` command offers (its help names them), apart from the rule builders.

export const ALERT_FORMATS = ['prometheus', 'grafana'] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

/** The folder of Grafana-managed rules unless told otherwise. */
export const DEFAULT_ALERT_FOLDER = 'Kinesis';
