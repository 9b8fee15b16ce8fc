import { placeRows } from '../../panels/layout.ts';
import type { PanelSpec, SignalSpec } from '../../panels/spec.ts';
import { SHARD_LIMITS } from '../capacity.ts';
import { metric } from '../catalog/index.ts';
import type { DashboardOptions } from '../config/schema.ts';
import type { QuerySpec } from '../profiles/index.ts';
import { rowsFor } from '../dashboard/synth.ts';

/**
 * Which panel of the dashboard an alert rule belongs to: Grafana links a Grafana-managed rule to a panel
 * only through the rule's dashboardUid and panelId (file provisioning's AlertRuleV1), and then opens that
 * panel from the alert and draws the alert's state on it.
 *
 * The panel showing the rule's own signal (metric, statistic, utilisation) wins; failing that, a time
 * series of the same metric, then any panel of it. A rule whose metric is on no panel links to none.
 */
export function panelLinker(options: DashboardOptions): (spec: QuerySpec) => number | undefined {
  const panels = placeRows(rowsFor(options)).flatMap((p) => ('panel' in p ? [{ id: p.id, panel: p.panel }] : []));
  return (spec) => {
    let best: { id: number; rank: number } | undefined;
    for (const { id, panel } of panels) {
      for (const s of panel.signals) {
        const rank = matchRank(spec, panel, s);
        if (rank !== undefined && (!best || rank < best.rank)) best = { id, rank };
      }
    }
    return best?.id;
  };
}

/** 0: the same signal on a time series; 1: the same signal; 2: the metric on a time series; 3: the metric; else no match. */
function matchRank(spec: QuerySpec, panel: PanelSpec, s: SignalSpec): number | undefined {
  if (s.metric !== spec.metric || s.limitOf) return undefined;
  const sameSignal =
    (s.statistic ?? metric(s.metric).defaultStatistic) === spec.statistic &&
    (s.utilisationOf ? SHARD_LIMITS[s.utilisationOf] : undefined) === spec.utilisationOf;
  if (spec.utilisationOf !== undefined && !sameSignal) return undefined;
  return (sameSignal ? 0 : 2) + (panel.kind === 'timeseries' ? 0 : 1);
}
