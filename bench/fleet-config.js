// The benchmark's fleet: one dashboard per stream (its stream filter), stream-0001 ... stream-NNNN.

/** The dashboards, as entries of a config file's `dashboards` list (and as synth() options). */
export function fleetDashboards(n) {
  return Array.from({ length: n }, (_, i) => {
    const stream = `stream-${String(i + 1).padStart(4, '0')}`;
    return { uid: `kinesis-${stream}`, title: `Kinesis ${stream}`, tags: [stream], streams: [stream] };
  });
}

/** A config file for `kinesis-dashboards generate --config FILE` with N dashboards (a `dashboards` list). */
export function fleetConfig(n) {
  return { dashboards: fleetDashboards(n) };
}
