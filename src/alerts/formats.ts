// What `alerts --help` names, in a module of its own: the help is built on every run of the CLI,
// the rule builders only when alerts are made.

export const ALERT_FORMATS = ['prometheus', 'grafana'] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

/** The folder of Grafana-managed rules unless told otherwise. */
export const DEFAULT_ALERT_FOLDER = 'Kinesis';
