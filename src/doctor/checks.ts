import { alertPlan } from '../alerts/rules.ts';
import type { DashboardOptions } from '../config/schema.ts';
import { canonical } from '../output/serialize.ts';
import { synthOptions } from '../dashboard/synth.ts';
import type { Diagnoser, Reason } from './diagnose.ts';
import { interpolate, type DashboardVariable } from './interpolate.ts';
import { legendLabels } from './selectors.ts';

/*
 * Every panel and alert rule of a dashboard, checked by running its own queries: the dashboard is made by
 * the code that generates it and the rules by the code that writes them, so no query is written twice here.
 */

export type Status = 'ok' | 'warning' | 'problem';

export interface QueryResult {
  refId: string;
  /** The query as sent (variables filled as Grafana fills them at "All"). */
  expr: string;
  /** Series it returned (range queries: series with at least one point). */
  series: number;
}

export interface ItemCheck {
  kind: 'panel' | 'alert';
  /** Panel title, or the alert's name. */
  title: string;
  /** The row the panel is in (panels only). */
  row?: string;
  status: Status;
  reason?: Reason;
  queries: QueryResult[];
}

export interface DashboardCheck {
  uid: string;
  title: string;
  profile: string;
  panels: ItemCheck[];
  alerts: ItemCheck[];
  /** Why some alert rules were not made (e.g. utilisation needs capacity.shards). */
  notes: string[];
}

interface TargetJson {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  instant?: boolean;
  hide?: boolean;
}
interface PanelJson {
  type?: string;
  title?: string;
  targets?: TargetJson[];
  panels?: PanelJson[];
}

/** Each data panel with the row it sits under (rows hold their panels when collapsed, follow them otherwise). */
function dataPanels(panels: readonly PanelJson[]): Array<{ panel: PanelJson; row?: string }> {
  const out: Array<{ panel: PanelJson; row?: string }> = [];
  let row: string | undefined;
  for (const p of panels) {
    if (p.type === 'row') {
      row = p.title;
      for (const inner of p.panels ?? []) out.push({ panel: inner, ...(row ? { row } : {}) });
    } else out.push({ panel: p, ...(row ? { row } : {}) });
  }
  return out;
}

export interface CheckSettings {
  until: number;
  sinceSeconds: number;
  /** Seconds between points of a time series query (the CloudWatch period at least). */
  stepSeconds: number;
}

async function checkQueries(
  d: Diagnoser,
  s: CheckSettings,
  queries: Array<{ refId: string; expr: string; instant: boolean; legendFormat?: string; required?: string[] }>,
): Promise<{ status: Status; reason?: Reason; queries: QueryResult[] }> {
  const results: QueryResult[] = [];
  let reason: Reason | undefined;
  const { stream, shard, consumer } = d.ctx.labels;
  const identity = [stream, shard, consumer];
  for (const q of queries) {
    let series: Array<{ labels: Record<string, string> }>;
    if (q.instant) series = await d.ctx.api.query(q.expr, s.until);
    else series = (await d.ctx.api.queryRange(q.expr, s.until - s.sinceSeconds, s.until, s.stepSeconds)).filter((x) => x.points.length);
    results.push({ refId: q.refId, expr: q.expr, series: series.length });
    if (reason) continue;
    // Without its stream (shard, consumer) label a series cannot be told apart or picked; a missing region or
    // account only blanks part of its name (the Logz.io _max quirk, reported on its own).
    const required = q.required ?? legendLabels(q.legendFormat).filter((l) => identity.includes(l));
    if (!series.length) reason = await d.emptyReason(q.expr, required);
    else {
      const missing = required.find((l) => series.some((x) => !x.labels[l]));
      reason = await d.presentReason(q.expr, missing);
    }
  }
  return { status: reason ? 'problem' : 'ok', ...(reason ? { reason } : {}), queries: results };
}

/** Checks one dashboard of the config: its panels, then its alert rules. */
export async function checkDashboard(d: Diagnoser, s: CheckSettings, options: DashboardOptions): Promise<DashboardCheck> {
  const json = canonical(synthOptions(options)) as { panels?: PanelJson[]; templating?: { list?: DashboardVariable[] } };
  const variables = json.templating?.list ?? [];
  const panelJobs = dataPanels(json.panels ?? []).map(async ({ panel, row }): Promise<ItemCheck> => {
    const queries = (panel.targets ?? [])
      .filter((t) => t.expr && !t.hide)
      .map((t) => ({
        refId: t.refId ?? 'A',
        expr: interpolate(t.expr!, variables, s.sinceSeconds),
        instant: t.instant === true,
        ...(t.legendFormat !== undefined ? { legendFormat: t.legendFormat } : {}),
      }));
    return { kind: 'panel', title: panel.title ?? '(untitled)', ...(row ? { row } : {}), ...(await checkQueries(d, s, queries)) };
  });

  const plan = alertPlan(options);
  const profile = plan.profile;
  const alertJobs = plan.rules.map(async (rule): Promise<ItemCheck> => {
    // The rule's query without its threshold: whether it has a value for each stream to compare.
    // A rule fires per stream and names it: its series must carry the stream label.
    const queries = [{ refId: 'A', expr: profile.expr(rule.spec), instant: true, required: [profile.labels.stream] }];
    return { kind: 'alert', title: rule.name, ...(await checkQueries(d, s, queries)) };
  });
  return {
    uid: options.uid,
    title: options.title,
    profile: options.profile,
    panels: await Promise.all(panelJobs),
    alerts: await Promise.all(alertJobs),
    notes: plan.notes,
  };
}
