// The names of a provisioning directory (see provisioning.ts), in a module of their own: the help of
// `generate` names the default path on every run, the provisioning code loads only for --provisioning.

export const PROVIDER_NAME = 'kinesis-dashboards';
export const PROVISIONING_YAML = 'kinesis-dashboards.yaml';
export const PROVISIONING_DASHBOARDS_DIR = 'dashboards';
export const DEFAULT_PROVISIONING_PATH = '/var/lib/grafana/dashboards/kinesis';
