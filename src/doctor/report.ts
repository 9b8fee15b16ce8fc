import type { DoctorReport } from './index.ts';
import type { Finding, ItemCheck, Status } from './index.ts';

// The report as text (a line per check: ok / warning / problem, and the fix) and as JSON for machines.

const MARK: Record<Status, string> = { ok: 'ok     ', warning: 'warning', problem: 'problem' };

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

function line(status: Status, text: string, fix?: string): string {
  return `  ${MARK[status]}  ${text}\n${fix && status !== 'ok' ? `           fix: ${fix}\n` : ''}`;
}

const finding = (f: Finding) => line(f.status, f.message, f.fix);

function item(i: ItemCheck): string {
  const where = i.row ? `${i.row} › ${i.title}` : i.title;
  return i.reason ? line(i.status, `${where}: ${i.reason.kind}: ${i.reason.message}`, i.reason.fix) : line(i.status, where);
}

export function reportText(r: DoctorReport, source: string): string {
  let out = `Checked ${source} from ${iso(r.window.from)} to ${iso(r.window.to)} (read only: nothing is written to Grafana or Prometheus).\n\nMetrics\n`;
  out += r.findings.map(finding).join('');
  for (const d of r.dashboards) {
    out += `\nDashboard ${d.uid} "${d.title}" (profile ${d.profile}): panels\n${d.panels.map(item).join('')}`;
    out += `Alert rules\n${d.alerts.map(item).join('')}`;
    for (const n of d.notes) out += line('ok', `note: ${n}`);
  }
  const { ok, warning, problem } = r.counts;
  out += `\n${ok} ok, ${warning} warning${warning === 1 ? '' : 's'}, ${problem} problem${problem === 1 ? '' : 's'}`;
  out += r.empty ? `: ${r.empty} panel${r.empty === 1 ? '' : 's'} or rule${r.empty === 1 ? '' : 's'} will not show data.\n` : problem ? '.\n' : ': every panel and alert rule will show data.\n';
  return out;
}

export function reportJson(r: DoctorReport, source: string): string {
  return `${JSON.stringify({ source, ...r }, null, 2)}\n`;
}
