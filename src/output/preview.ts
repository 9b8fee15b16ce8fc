import { isObject, type JsonObject } from '../json.ts';
import { canonical } from './serialize.ts';

/**
 * A wireframe of a dashboard as SVG, for review: rows as bands, panels at their grid positions with title,
 * type and unit. Pure and deterministic (the same dashboard gives the same bytes); no fonts are measured,
 * text widths are estimated on the wide side and every panel clips its own text.
 *
 * With `against` (another version of the dashboard, e.g. the live one), panels that differ are marked:
 * changed (orange), added (green); panels only in `against` are listed below the grid as red ghosts.
 */

export const GRID_COLUMNS = 24;
/** Pixels per grid column and per grid row. */
export const COLUMN_PX = 40;
export const ROW_PX = 30;
/** Margin around the picture; the grid starts at (PAD, gridTop). */
export const PAD = 16;
/** Space between neighbouring panels: each box is inset by half of it on every side. */
export const GAP = 4;

export type PanelStatus = 'same' | 'changed' | 'added';

/** One box of the picture: a row or a panel, where it is drawn (grid units) and what it says. */
export interface PreviewItem {
  kind: 'row' | 'panel';
  id?: number;
  title: string;
  type: string;
  unit?: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** A row whose panels are stored inside it (folded in Grafana); drawn unfolded. */
  collapsed?: boolean;
  /** A panel of a collapsed row. */
  hidden?: boolean;
  /** A panel without gridPos: drawn below the others. */
  unplaced?: boolean;
  /** The panel's JSON as stored. */
  raw: Record<string, unknown>;
}

export interface PreviewOptions {
  /** The other version to compare with (e.g. the live dashboard): marks changed, added and removed panels. */
  against?: unknown;
  /** What is compared of two matched panels (default `normalizePanel`). */
  normalize?: (panel: Record<string, unknown>) => unknown;
}

export interface Comparison {
  /** Status of each item of `layoutItems(dashboard)`, same order. */
  status: PanelStatus[];
  /** Items of `against` with no match in the dashboard, in their order there. */
  removed: PreviewItem[];
}

type Obj = JsonObject;
const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : fallback);

function toItem(p: Obj, y: number, extra: Partial<PreviewItem> = {}, grid?: Obj): PreviewItem {
  const g = grid ?? (isObject(p.gridPos) ? p.gridPos : {});
  const row = p.type === 'row';
  const x = Math.min(Math.max(num(g.x, 0), 0), GRID_COLUMNS - 1);
  const w = row ? GRID_COLUMNS : Math.min(Math.max(num(g.w, 12), 1), GRID_COLUMNS - x);
  const fc = isObject(p.fieldConfig) && isObject(p.fieldConfig.defaults) ? p.fieldConfig.defaults : {};
  return {
    kind: row ? 'row' : 'panel',
    ...(typeof p.id === 'number' ? { id: p.id } : {}),
    title: typeof p.title === 'string' ? p.title : '',
    type: typeof p.type === 'string' ? p.type : 'unknown',
    ...(typeof fc.unit === 'string' && fc.unit ? { unit: fc.unit } : {}),
    x: row ? 0 : x,
    y,
    w,
    h: row ? 1 : Math.max(num(g.h, 8), 1),
    raw: p,
    ...extra,
  };
}

/**
 * The boxes to draw, in reading order (top to bottom, left to right). Panels of a collapsed row are laid out
 * under it, as Grafana does when the row is opened, and everything below moves down to make room.
 */
/** Most panels (rows' panels included) a preview draws: far above any real dashboard. */
export const MAX_PREVIEW_PANELS = 5000;
/** Deepest grid row a panel may reach: a dashboard thousands of screens tall is not one to review. */
export const MAX_GRID_ROWS = 10_000;

/**
 * Why a JSON value is not a dashboard this can draw, or undefined when it is: an object with a
 * "panels" array of panel objects whose positions, when given, are on Grafana's 24-column grid.
 * Said as "path: problem"; positions are only checked where given (old dashboards have none).
 */
export function notPreviewable(dashboard: unknown): string | undefined {
  if (!isObject(dashboard)) return 'not a dashboard: expected a JSON object with "panels"';
  if (!Array.isArray(dashboard.panels)) return `panels: ${dashboard.panels === undefined ? 'missing: a dashboard JSON has a "panels" list' : 'not an array'}`;
  let count = 0;
  const check = (panels: unknown[], at: string): string | undefined => {
    for (const [i, p] of panels.entries()) {
      const here = `${at}[${i}]`;
      if (!isObject(p)) return `${here}: a panel is a JSON object`;
      if (++count > MAX_PREVIEW_PANELS) return `panels: more than ${MAX_PREVIEW_PANELS} panels`;
      if (p.gridPos !== undefined) {
        if (!isObject(p.gridPos)) return `${here}.gridPos: an object { x, y, w, h }`;
        for (const [k, lo, hi] of [['x', 0, GRID_COLUMNS - 1], ['w', 1, GRID_COLUMNS], ['y', 0, MAX_GRID_ROWS], ['h', 1, MAX_GRID_ROWS]] as const) {
          const v = p.gridPos[k];
          if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi)) return `${here}.gridPos.${k}: a number from ${lo} to ${hi}`;
        }
      }
      if (p.panels !== undefined) {
        if (!Array.isArray(p.panels)) return `${here}.panels: not an array`;
        const inner = check(p.panels, `${here}.panels`);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  return check(dashboard.panels, 'panels');
}

export function layoutItems(dashboard: unknown): PreviewItem[] {
  if (!isObject(dashboard)) throw new TypeError('a dashboard is a JSON object');
  const all = (Array.isArray(dashboard.panels) ? dashboard.panels : []).filter(isObject);
  const top = all.filter((p) => isObject(p.gridPos));
  const gy = (p: Obj) => num(isObject(p.gridPos) ? p.gridPos.y : undefined, 0);
  const gx = (p: Obj) => num(isObject(p.gridPos) ? p.gridPos.x : undefined, 0);
  const order = top.map((p, i) => ({ p, i })).sort((a, b) => gy(a.p) - gy(b.p) || gx(a.p) - gx(b.p) || a.i - b.i);
  const items: PreviewItem[] = [];
  let shift = 0;
  for (const { p } of order) {
    const y = Math.max(gy(p), 0) + shift;
    const children = p.type === 'row' && Array.isArray(p.panels) ? p.panels.filter(isObject) : [];
    if (p.type === 'row' && (p.collapsed === true || children.length)) {
      items.push(toItem(p, y, { collapsed: true }));
      if (!children.length) continue;
      const first = Math.min(...children.map(gy));
      const laid = children
        .map((c, i) => ({ c, i }))
        .sort((a, b) => gy(a.c) - gy(b.c) || gx(a.c) - gx(b.c) || a.i - b.i)
        .map(({ c }) => toItem(c, y + 1 + gy(c) - first, { hidden: true }));
      items.push(...laid);
      shift += Math.max(...laid.map((c) => c.y + c.h)) - (y + 1);
    } else {
      items.push(toItem(p, y));
    }
  }
  // Panels without a position (hand-written JSON, very old dashboards): two per line under the rest.
  const bottom = Math.max(0, ...items.map((i) => i.y + i.h));
  all
    .filter((p) => !isObject(p.gridPos))
    .forEach((p, k) => items.push(toItem(p, bottom + Math.floor(k / 2) * 8, { unplaced: true }, { x: (k % 2) * 12, w: 12, h: 8 })));
  return items;
}

/** What counts as a change: the panel's JSON without its id (renumbering is noise), the panels a row holds (compared on their own), pluginVersion and empty values (added by Grafana on save). */
export function normalizePanel(panel: Obj): unknown {
  const { id: _id, pluginVersion: _v, ...rest } = panel;
  if (rest.type === 'row') delete rest.panels;
  const prune = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(prune);
    if (!isObject(v)) return v;
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      if (p === null || p === undefined || (Array.isArray(p) && !p.length) || (isObject(p) && !Object.keys(p).length)) continue;
      out[k] = p;
    }
    return out;
  };
  return canonical(prune(rest));
}

/**
 * Matches the panels of two versions, then compares each pair. Matching, rows only with rows:
 * same id and title; then same title (ids renumbered, e.g. a panel inserted above); then same id (renamed).
 */
export function comparePanels(items: PreviewItem[], againstItems: PreviewItem[], normalize: (p: Obj) => unknown = normalizePanel): Comparison {
  const match = new Array<number | undefined>(items.length);
  const used = new Set<number>();
  const pass = (same: (a: PreviewItem, b: PreviewItem) => boolean) => {
    items.forEach((a, i) => {
      if (match[i] !== undefined) return;
      const j = againstItems.findIndex((b, k) => !used.has(k) && a.kind === b.kind && same(a, b));
      if (j >= 0) {
        match[i] = j;
        used.add(j);
      }
    });
  };
  pass((a, b) => a.id !== undefined && a.id === b.id && a.title === b.title);
  pass((a, b) => a.title !== '' && a.title === b.title);
  pass((a, b) => a.id !== undefined && a.id === b.id);
  const key = (p: Obj) => JSON.stringify(normalize(p));
  const status = items.map((a, i): PanelStatus => {
    const j = match[i];
    if (j === undefined) return 'added';
    return key(a.raw) === key(againstItems[j]!.raw) ? 'same' : 'changed';
  });
  return { status, removed: againstItems.filter((_, k) => !used.has(k)) };
}

// ---- text ----

/** Text for XML content and attribute values: escaped, and characters XML 1.0 cannot hold replaced. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/[\t\n\r]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// Advance widths in em, on the wide side of common sans-serif fonts (DejaVu Sans is the widest usual one).
function charEm(c: string): number {
  if (c === ' ' || "ijl.,:;'|!".includes(c)) return 0.34;
  if ('ftrI()[]{}-/\\"'.includes(c)) return 0.46;
  if (c === 'm' || c === 'w') return 0.98;
  if (c === 'M' || c === 'W' || c === '@' || c === '%') return 1.02;
  if (/[a-z]/.test(c)) return 0.64;
  if (/[A-Z]/.test(c)) return 0.78;
  if (/[0-9]/.test(c)) return 0.66;
  if (c === '…') return 1.0;
  const cp = c.codePointAt(0)!;
  if (cp >= 0x1100) return 1.05; // CJK, emoji and other wide scripts
  return 0.72;
}

/** Estimated width in px of one line of text; bold is about 10% wider. */
export function textWidth(text: string, fontPx: number, bold = false): number {
  let em = 0;
  for (const c of text) em += charEm(c);
  return em * fontPx * (bold ? 1.1 : 1);
}

/** The text, or as much of it as fits in `maxPx` followed by "…". */
export function fitText(text: string, maxPx: number, fontPx: number, bold = false): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (textWidth(clean, fontPx, bold) <= maxPx) return clean;
  const room = maxPx - textWidth('…', fontPx, bold);
  if (room <= 0) return '';
  let out = '';
  let used = 0;
  for (const c of clean) {
    const w = textWidth(c, fontPx, bold);
    if (used + w > room) break;
    out += c;
    used += w;
  }
  return `${out.trimEnd()}…`;
}

// ---- drawing ----

const COLORS = {
  page: '#ffffff',
  grid: '#f6f7f9',
  guide: '#e9ecf0',
  row: '#e3e7ec',
  panel: '#ffffff',
  stroke: '#b9c0c8',
  text: '#1f2328',
  muted: '#646c76',
  glyph: '#d3d9e0',
  changed: '#e8590c',
  added: '#2f9e44',
  removed: '#e03131',
} as const;
const FONT = "'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif";
const STATUS_COLOR: Record<PanelStatus, string> = { same: COLORS.stroke, changed: COLORS.changed, added: COLORS.added };

const f = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const attrs = (a: Record<string, string | number | undefined>) =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? f(v) : escapeXml(v!)}"`)
    .join('');
const el = (name: string, a: Record<string, string | number | undefined>, body?: string) =>
  body === undefined ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${body}</${name}>`;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a grid rectangle is drawn, given the grid's top edge in px (boxes are inset by GAP/2). */
export function boxOf(item: { x: number; y: number; w: number; h: number }, gridTop: number): Box {
  return {
    x: PAD + item.x * COLUMN_PX + GAP / 2,
    y: gridTop + item.y * ROW_PX + GAP / 2,
    width: item.w * COLUMN_PX - GAP,
    height: item.h * ROW_PX - GAP,
  };
}

function badge(text: string, color: string, right: number, top: number): string {
  const width = Math.ceil(textWidth(text, 10, true)) + 10;
  return (
    el('rect', { x: right - width, y: top, width, height: 16, rx: 8, fill: color }) +
    el('text', { x: right - width / 2, y: top + 11.5, 'font-size': 10, 'font-weight': 'bold', fill: '#ffffff', 'text-anchor': 'middle' }, escapeXml(text))
  );
}

/** A faint hint of what the panel draws, in the space under its text. */
function glyph(type: string, b: Box): string {
  const left = b.x + 12;
  const right = b.x + b.width - 12;
  const top = b.y + 46;
  const bottom = b.y + b.height - 10;
  if (bottom - top < 24 || right - left < 40) return '';
  const w = right - left;
  const h = bottom - top;
  const style = { fill: 'none', stroke: COLORS.glyph, 'stroke-width': 2 };
  switch (type) {
    case 'timeseries':
    case 'graph': {
      const ys = [0.7, 0.45, 0.55, 0.25, 0.4, 0.15, 0.35, 0.3, 0.5];
      const pts = ys.map((v, i) => `${f(left + (w * i) / (ys.length - 1))},${f(top + h * v)}`).join(' ');
      return el('polyline', { points: pts, ...style, 'stroke-linejoin': 'round' });
    }
    case 'stat':
    case 'singlestat':
    case 'gauge': {
      const size = Math.min(h * 0.8, 40);
      return el('text', { x: b.x + b.width / 2, y: top + h / 2 + size / 3, 'font-size': size, 'font-weight': 'bold', fill: COLORS.glyph, 'text-anchor': 'middle' }, '123');
    }
    case 'barchart':
    case 'bargauge':
    case 'histogram': {
      const ys = [0.5, 0.2, 0.65, 0.35, 0.8, 0.45];
      const bw = w / (ys.length * 1.5);
      return ys.map((v, i) => el('rect', { x: left + i * bw * 1.5, y: top + h * v, width: bw, height: h * (1 - v), fill: COLORS.glyph })).join('');
    }
    case 'table':
    case 'logs':
    case 'text': {
      const lines = Math.min(Math.floor(h / 14), 6);
      return Array.from({ length: lines }, (_, i) => el('line', { x1: left, y1: top + 7 + i * 14, x2: right - (i % 3) * w * 0.15, y2: top + 7 + i * 14, ...style })).join('');
    }
    default:
      return '';
  }
}

function drawRow(item: PreviewItem, b: Box, status: PanelStatus | undefined, index: number): string {
  const color = status ? STATUS_COLOR[status] : COLORS.stroke;
  const marked = status === 'changed' || status === 'added';
  const cx = b.x + 12;
  const cy = b.y + b.height / 2;
  // An open row points down; a collapsed one right (drawn opened here, so it says so in words).
  const arrow = item.collapsed ? `M${f(cx - 3)},${f(cy - 5)} L${f(cx + 3)},${f(cy)} L${f(cx - 3)},${f(cy + 5)} Z` : `M${f(cx - 5)},${f(cy - 3)} L${f(cx + 5)},${f(cy - 3)} L${f(cx)},${f(cy + 3)} Z`;
  const note = item.collapsed ? '(collapsed in Grafana)' : '';
  const badgeText = marked ? status! : undefined;
  const room = b.width - 34 - (badgeText ? textWidth(badgeText, 10, true) + 20 : 0);
  const title = fitText(item.title || '(untitled row)', room - (note ? textWidth(note, 12) + 8 : 0), 13, true);
  return el(
    'g',
    { class: `row${marked ? ` ${status}` : ''}`, 'data-index': index, 'data-id': item.id, 'data-status': status },
    el('title', {}, escapeXml(`row: ${item.title}${item.collapsed ? ' (collapsed)' : ''}${status && status !== 'same' ? ` — ${status}` : ''}`)) +
      el('rect', { class: 'box', x: b.x, y: b.y, width: b.width, height: b.height, rx: 3, fill: COLORS.row, stroke: marked ? color : 'none', 'stroke-width': marked ? 2.5 : undefined }) +
      el('path', { d: arrow, fill: COLORS.muted }) +
      el('text', { x: b.x + 24, y: cy + 4.5, 'font-size': 13, 'font-weight': 'bold', fill: COLORS.text }, escapeXml(title) + (note ? el('tspan', { dx: 8, 'font-size': 12, 'font-weight': 'normal', fill: COLORS.muted }, escapeXml(note)) : '')) +
      (badgeText ? badge(badgeText, color, b.x + b.width - 8, b.y + (b.height - 16) / 2) : ''),
  );
}

function drawPanel(item: PreviewItem, b: Box, status: PanelStatus | undefined, index: number): string {
  const marked = status === 'changed' || status === 'added';
  const color = status ? STATUS_COLOR[status] : COLORS.stroke;
  const badgeText = marked ? status! : undefined;
  const inner = b.width - 20;
  const titleRoom = inner - (badgeText ? textWidth(badgeText, 10, true) + 16 : 0);
  const title = fitText(item.title || '(untitled)', titleRoom, 13, true);
  const meta = fitText(`${item.type}${item.unit ? ` · ${item.unit}` : ''}${item.hidden ? ' · in collapsed row' : ''}${item.unplaced ? ' · no gridPos' : ''}`, inner, 11);
  const clip = `clip-${index}`;
  const body =
    el('rect', { class: 'box', x: b.x, y: b.y, width: b.width, height: b.height, rx: 4, fill: COLORS.panel, stroke: color, 'stroke-width': marked ? 2.5 : 1, 'stroke-dasharray': item.hidden || item.unplaced ? '5 3' : undefined }) +
    el(
      'g',
      { 'clip-path': `url(#${clip})` },
      glyph(item.type, b) +
        el('text', { class: 'title', x: b.x + 10, y: b.y + 19, 'font-size': 13, 'font-weight': 'bold', fill: COLORS.text }, escapeXml(title)) +
        (b.height >= 44 ? el('text', { class: 'meta', x: b.x + 10, y: b.y + 36, 'font-size': 11, fill: COLORS.muted }, escapeXml(meta)) : ''),
    ) +
    (badgeText ? badge(badgeText, color, b.x + b.width - 6, b.y + 6) : '');
  return el(
    'g',
    { class: `panel${marked ? ` ${status}` : ''}`, 'data-index': index, 'data-id': item.id, 'data-status': status },
    el('title', {}, escapeXml(`${item.title} (${item.type}${item.unit ? `, unit ${item.unit}` : ''})${status && status !== 'same' ? ` — ${status}` : ''}`)) +
      el('clipPath', { id: clip }, el('rect', { x: b.x, y: b.y, width: b.width, height: b.height })) +
      body,
  );
}

function drawRemoved(item: PreviewItem, b: Box, index: number): string {
  const inner = b.width - 20;
  const g = isObject(item.raw.gridPos) ? item.raw.gridPos : {};
  const where = item.kind === 'row' ? 'row' : `${item.type}, was at x ${num(g.x, 0)} y ${num(g.y, 0)}, ${num(g.w, 12)}×${num(g.h, 8)}`;
  return el(
    'g',
    { class: 'removed', 'data-id': item.id, 'data-status': 'removed' },
    el('title', {}, escapeXml(`${item.title} (${item.kind === 'row' ? 'row' : item.type}) — removed`)) +
      el('clipPath', { id: `clip-removed-${index}` }, el('rect', { x: b.x, y: b.y, width: b.width, height: b.height })) +
      el('rect', { class: 'box', x: b.x, y: b.y, width: b.width, height: b.height, rx: 4, fill: '#fff5f5', stroke: COLORS.removed, 'stroke-width': 2, 'stroke-dasharray': '6 4', opacity: 0.9 }) +
      el(
        'g',
        { 'clip-path': `url(#clip-removed-${index})` },
        el('text', { class: 'title', x: b.x + 10, y: b.y + 19, 'font-size': 13, 'font-weight': 'bold', fill: COLORS.removed, 'text-decoration': 'line-through' }, escapeXml(fitText(item.title || '(untitled)', inner, 13, true))) +
          (b.height >= 44 ? el('text', { class: 'meta', x: b.x + 10, y: b.y + 36, 'font-size': 11, fill: COLORS.muted }, escapeXml(fitText(where, inner, 11))) : ''),
      ),
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The dashboard as an SVG wireframe. With `against`, the marking says how the dashboard differs from it:
 * `previewSvg(generated, { against: live })` shows what publishing would change.
 */
export function previewSvg(dashboard: unknown, options: PreviewOptions = {}): string {
  const items = layoutItems(dashboard);
  const d = dashboard as Obj;
  const cmp = options.against === undefined ? undefined : comparePanels(items, layoutItems(options.against), options.normalize);
  const width = PAD * 2 + GRID_COLUMNS * COLUMN_PX;
  const headerH = cmp ? 66 : 48;
  const gridTop = PAD + headerH;
  const gridRows = Math.max(1, ...items.map((i) => i.y + i.h));
  const gridH = gridRows * ROW_PX;

  // Removed panels: packed left to right under the grid at their own width, two grid rows high (rows one).
  const ghosts: { item: PreviewItem; col: number; line: number; h: number }[] = [];
  let col = 0;
  let line = 0;
  let lineH = 0;
  for (const item of cmp?.removed ?? []) {
    const w = item.kind === 'row' ? GRID_COLUMNS : Math.min(Math.max(item.w, 4), GRID_COLUMNS);
    const h = item.kind === 'row' ? 1 : 2;
    if (col + w > GRID_COLUMNS) {
      line += lineH;
      col = 0;
      lineH = 0;
    }
    ghosts.push({ item: { ...item, w }, col, line, h });
    col += w;
    lineH = Math.max(lineH, h);
  }
  const removedTop = gridTop + gridH + 36;
  const height = (ghosts.length ? removedTop + (line + lineH) * ROW_PX : gridTop + gridH) + PAD;

  const title = typeof d.title === 'string' ? d.title : '(untitled dashboard)';
  const uid = typeof d.uid === 'string' ? d.uid : undefined;
  const rows = items.filter((i) => i.kind === 'row').length;
  const sub = [uid ? `uid ${uid}` : undefined, plural(items.length - rows, 'panel'), plural(rows, 'row'), `${GRID_COLUMNS}-column grid`].filter(Boolean).join(' · ');

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg"${attrs({ width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': FONT })}>`,
    el('title', {}, escapeXml(`${title} — wireframe preview`)),
    el('rect', { x: 0, y: 0, width, height, fill: COLORS.page }),
    el('text', { class: 'dashboard-title', x: PAD, y: PAD + 18, 'font-size': 18, 'font-weight': 'bold', fill: COLORS.text }, escapeXml(fitText(title, width - PAD * 2, 18, true))),
    el('text', { x: PAD, y: PAD + 38, 'font-size': 12, fill: COLORS.muted }, escapeXml(sub)),
  );
  if (cmp) {
    const count = (s: PanelStatus) => cmp.status.filter((x) => x === s).length;
    const parts: [string, string][] = [
      [`${count('changed')} changed`, COLORS.changed],
      [`${count('added')} added`, COLORS.added],
      [`${cmp.removed.length} removed`, COLORS.removed],
    ];
    let x = PAD;
    out.push(el('text', { x, y: PAD + 57, 'font-size': 12, fill: COLORS.muted }, 'Compared with the other version:'));
    x += Math.ceil(textWidth('Compared with the other version:', 12)) + 12;
    for (const [text, color] of parts) {
      out.push(el('rect', { x, y: PAD + 47, width: 12, height: 12, rx: 2, fill: 'none', stroke: color, 'stroke-width': 2.5 }));
      out.push(el('text', { class: 'summary', x: x + 18, y: PAD + 57, 'font-size': 12, fill: COLORS.text }, escapeXml(text)));
      x += 18 + Math.ceil(textWidth(text, 12)) + 16;
    }
  }

  // The grid: background and a faint guide per column.
  out.push(el('rect', { class: 'grid', x: PAD, y: gridTop, width: GRID_COLUMNS * COLUMN_PX, height: gridH, fill: COLORS.grid }));
  const guides = Array.from({ length: GRID_COLUMNS - 1 }, (_, i) => `M${PAD + (i + 1) * COLUMN_PX},${gridTop}v${gridH}`).join('');
  out.push(el('path', { d: guides, stroke: COLORS.guide, 'stroke-width': 1 }));

  items.forEach((item, i) => {
    const b = boxOf(item, gridTop);
    const status = cmp?.status[i];
    out.push(item.kind === 'row' ? drawRow(item, b, status, i) : drawPanel(item, b, status, i));
  });

  if (ghosts.length) {
    out.push(el('text', { x: PAD, y: removedTop - 12, 'font-size': 13, 'font-weight': 'bold', fill: COLORS.removed }, escapeXml(`Removed: ${plural(ghosts.length, 'item')} in the other version only`)));
    ghosts.forEach(({ item, col: c, line: l, h }, i) => {
      out.push(drawRemoved(item, boxOf({ x: c, y: l, w: item.w, h }, removedTop), i));
    });
  }
  out.push('</svg>', '');
  return out.join('\n');
}
