import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { comparePanels, fitText, layoutItems, previewSvg, textWidth } from '../src/output/preview.ts';
import { serialize } from '../src/output/serialize.ts';
import { synth } from '../src/dashboard/synth.ts';
import { cli, tempDir } from './support/cli.ts';

type Obj = Record<string, any>;
// The dashboard as generate writes it (JSON, no class instances).
const generated = (opts: Parameters<typeof synth>[0] = {}): Obj => JSON.parse(serialize(synth(opts)));
const copy = <T>(v: T): T => structuredClone(v);

// The picture's geometry, spelled out: 40 px per column, 30 px per grid row, a 16 px margin, a 48 px
// header (66 with a comparison) and boxes inset by 2 px on each side.
const expectedBox = (g: { x: number; y: number; w: number; h: number }, header = 48) => ({
  x: 16 + g.x * 40 + 2,
  y: 16 + header + g.y * 30 + 2,
  width: g.w * 40 - 4,
  height: g.h * 30 - 4,
});

/** Each drawn row or panel: its group's attributes, its box, and its text. */
function boxes(svg: string) {
  const out: { cls: string; id?: number; status?: string; box: { x: number; y: number; width: number; height: number }; title: string; text: string; tooltip: string }[] = [];
  const re = /<g class="(panel|row|removed)[^"]*"([^>]*)>(.*?)<\/g>(?=\n)/gs;
  for (const m of svg.matchAll(re)) {
    const attr = (name: string, s: string) => s.match(new RegExp(`${name}="([^"]*)"`))?.[1];
    const rect = m[3]!.match(/<rect class="box"([^>]*)\/>/)![1]!;
    out.push({
      cls: m[1]!,
      ...(attr('data-id', m[2]!) ? { id: Number(attr('data-id', m[2]!)) } : {}),
      ...(attr('data-status', m[2]!) ? { status: attr('data-status', m[2]!) } : {}),
      box: { x: Number(attr(' x', rect)), y: Number(attr(' y', rect)), width: Number(attr('width', rect)), height: Number(attr('height', rect)) },
      title: m[3]!.match(/<text class="title"[^>]*>([^<]*)</)?.[1] ?? '',
      text: [...m[3]!.replace(/<title>.*?<\/title>/s, '').matchAll(/>([^<]+)</g)].map((t) => t[1]).join('|'),
      tooltip: m[3]!.match(/<title>(.*?)<\/title>/s)?.[1] ?? '',
    });
  }
  return out;
}

/** A small well-formedness check: tags nest and close, text holds no raw "<" or stray "&". */
function wellFormed(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const tokens = xml.split(/(<[^>]*>)/);
  for (const t of tokens) {
    if (t.startsWith('<')) {
      const m = t.match(/^<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>$/);
      if (!m) problems.push(`bad tag ${t}`);
      else if (m[1]) {
        if (stack.pop() !== m[2]) problems.push(`unbalanced </${m[2]}>`);
      } else if (!m[4]) stack.push(m[2]!);
      for (const a of t.matchAll(/="([^"]*)"/g)) if (/&(?!(amp|lt|gt|quot|#39);)/.test(a[1]!)) problems.push(`raw & in ${t}`);
    } else if (/[<>]|&(?!(amp|lt|gt|quot|#39);)/.test(t)) problems.push(`raw markup in text ${JSON.stringify(t)}`);
  }
  if (stack.length) problems.push(`unclosed ${stack.join(',')}`);
  return problems;
}

describe('previewSvg', () => {
  const d = generated();
  const svg = previewSvg(d);

  it('is a well-formed SVG of the 24-column grid', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="992"')).toBe(true);
    expect(wellFormed(svg)).toEqual([]);
  });

  it('draws every panel and row once, at its grid position', () => {
    const drawn = boxes(svg);
    expect(drawn.map((b) => b.id)).toEqual(d.panels.map((p: Obj) => p.id));
    for (const p of d.panels) {
      const b = drawn.find((x) => x.id === p.id)!;
      expect(b.cls).toBe(p.type === 'row' ? 'row' : 'panel');
      expect(b.box).toEqual(expectedBox(p.gridPos));
    }
    // Spelled out once: the first stat is 6 columns by 4 rows at the top left.
    expect(drawn[0]!.box).toEqual({ x: 18, y: 66, width: 236, height: 116 });
  });

  it('writes each title, panel type and unit; rows are full-width bands with their title', () => {
    const drawn = boxes(svg);
    for (const p of d.panels) {
      const b = drawn.find((x) => x.id === p.id)!;
      expect(b.tooltip).toContain(p.title);
      if (p.type === 'row') {
        expect(b.box.width).toBe(24 * 40 - 4);
        expect(b.text).toContain(p.title);
      } else {
        if (b.title.endsWith('…')) expect(p.title.startsWith(b.title.slice(0, -1))).toBe(true);
        else expect(b.title).toBe(p.title);
        expect(b.title.length).toBeGreaterThan(10);
        expect(b.text).toContain(`${p.type} · ${p.fieldConfig.defaults.unit}`);
      }
    }
    expect(svg).toContain('>Avg Incoming Bytes<');
    expect(svg).toContain('>stat · bytes<');
    expect(svg).toContain('>Put Requests<');
  });

  it('escapes titles: markup in a title is text, never SVG', () => {
    const evil = copy(d);
    evil.title = '</svg><script>alert(1)</script>';
    evil.panels[0].title = `A & B <i>"it's"</i>`;
    evil.panels[0].fieldConfig.defaults.unit = 'x"/><script>';
    evil.panels[1].title = 'bell \u0007 and lone \ud800 surrogate';
    const out = previewSvg(evil);
    expect(wellFormed(out)).toEqual([]);
    expect(out).not.toContain('<script>');
    expect(out).toContain('A &amp; B &lt;i&gt;&quot;it&#39;s&quot;&lt;/i&gt;');
    expect(out).toContain('&lt;/svg&gt;&lt;script&gt;');
    expect(out).not.toMatch(/[\u0007\ud800]/);
  });

  it('cuts a title that does not fit with an ellipsis, inside its panel', () => {
    const long = copy(d);
    long.panels[0].title = 'Throttled PutRecords and PutRecord requests per stream, averaged over the period'.repeat(2);
    const b = boxes(previewSvg(long)).find((x) => x.id === long.panels[0].id)!;
    const shown = b.title;
    expect(shown.endsWith('…')).toBe(true);
    expect(shown.length).toBeGreaterThan(10);
    expect(textWidth(shown, 13, true)).toBeLessThanOrEqual(b.box.width - 20);
    expect(b.tooltip).toContain(long.panels[0].title); // the whole title on hover
  });

  it('fitText keeps what fits and never returns something wider', () => {
    expect(fitText('Incoming Bytes', 500, 13)).toBe('Incoming Bytes');
    for (const max of [5, 20, 60, 100, 150]) {
      const t = fitText('MMMM WWWW iiii Kinesis 数据流 🚀 throughput', max, 13, true);
      expect(textWidth(t, 13, true)).toBeLessThanOrEqual(max);
    }
    expect(fitText('abc', 5, 13)).toBe('');
  });

  it('lays out the panels of a collapsed row under it and moves what follows down', () => {
    const c = copy(d);
    const at = c.panels.findIndex((p: Obj) => p.title === 'Get Requests');
    const row = c.panels[at];
    const children = c.panels.splice(at + 1, 3); // y 14, h 8
    row.collapsed = true;
    row.panels = children;
    for (const p of c.panels.slice(at + 1)) p.gridPos.y -= 8; // as Grafana saves it: the folded row takes one grid row
    const items = layoutItems(c);
    expect(items.map((i) => i.title)).toEqual(generated().panels.map((p: Obj) => p.title));
    const drawn = boxes(previewSvg(c));
    for (const p of generated().panels) expect(drawn.find((b) => b.id === p.id)!.box).toEqual(expectedBox(p.gridPos));
    expect(drawn.find((b) => b.id === row.id)!.text).toContain('(collapsed in Grafana)');
    expect(items.filter((i) => i.hidden).map((i) => i.id)).toEqual(children.map((p: Obj) => p.id));
  });

  it('draws a panel without gridPos below the others instead of on top of them', () => {
    const d2 = copy(d);
    d2.panels.push({ id: 77, type: 'piechart', title: 'Somewhere' });
    const b = boxes(previewSvg(d2)).find((x) => x.id === 77)!;
    expect(b.box).toEqual(expectedBox({ x: 0, y: 31, w: 12, h: 8 }));
    expect(b.text).toContain('piechart · no gridPos');
  });

  it('is the same bytes every time', () => {
    expect(previewSvg(generated())).toBe(svg);
    expect(previewSvg(generated(), { against: generated() })).toBe(previewSvg(generated(), { against: generated() }));
  });

  it('refuses what is not a dashboard', () => {
    expect(() => previewSvg([])).toThrow(/a dashboard is a JSON object/);
  });
});

describe('previewSvg with against: what differs', () => {
  const local = generated();

  it('marks nothing when the other version is the same (ids, pluginVersion and empty values aside)', () => {
    const live = copy(local);
    for (const p of live.panels) {
      p.pluginVersion = '12.1.0';
      p.links = [];
    }
    const out = previewSvg(local, { against: live });
    expect(boxes(out).every((b) => b.status === 'same')).toBe(true);
    expect(out).toContain('>0 changed<');
    expect(out).not.toContain('class="removed"');
  });

  it('marks changed, added and removed panels', () => {
    const live = copy(local);
    live.panels.find((p: Obj) => p.title === 'Incoming Bytes').fieldConfig.defaults.unit = 'decbytes'; // changed
    live.panels = live.panels.filter((p: Obj) => p.title !== 'Average Put Latency'); // added locally
    live.panels.push({ id: 99, type: 'table', title: 'Shard <map>', gridPos: { x: 0, y: 31, w: 12, h: 6 } }); // removed locally
    const out = previewSvg(local, { against: live });
    expect(wellFormed(out)).toEqual([]);
    const byTitle = (t: string) => boxes(out).find((b) => b.tooltip.startsWith(t))!;
    expect(byTitle('Incoming Bytes').status).toBe('changed');
    expect(byTitle('Incoming Bytes').text).toContain('changed');
    expect(out).toMatch(/<g class="panel changed"[^>]*data-id="7"/);
    expect(byTitle('Average Put Latency').status).toBe('added');
    expect(byTitle('Average Put Latency').text).toContain('added');
    expect(byTitle('Incoming Records').status).toBe('same');
    const ghost = boxes(out).filter((b) => b.cls === 'removed');
    expect(ghost).toHaveLength(1);
    expect(ghost[0]!.text).toContain('Shard &lt;map&gt;');
    expect(ghost[0]!.text).toContain('table, was at x 0 y 31, 12×6');
    expect(out).toContain('>1 changed<');
    expect(out).toContain('>1 added<');
    expect(out).toContain('>1 removed<');
    // The grid moves down for the comparison line; positions stay exact.
    expect(byTitle('Incoming Records').box).toEqual(expectedBox({ x: 0, y: 5, w: 8, h: 8 }, 66));
  });

  it('matches by title when ids were renumbered (a panel inserted above), by id when renamed', () => {
    const live = copy(local);
    const renumbered = copy(local);
    renumbered.panels.forEach((p: Obj) => (p.id += 100));
    expect(comparePanels(layoutItems(renumbered), layoutItems(live)).status.every((s) => s === 'same')).toBe(true);

    const renamed = copy(local);
    renamed.panels[0].title = 'Average Incoming Bytes';
    const cmp = comparePanels(layoutItems(renamed), layoutItems(live));
    expect(cmp.status[0]).toBe('changed');
    expect(cmp.removed).toEqual([]);
  });

  it('never matches a row with a panel', () => {
    const live = copy(local);
    const row = live.panels.find((p: Obj) => p.type === 'row');
    const panelWithRowTitle = { ...copy(local.panels[1]), title: row.title, id: 500 };
    const mine = copy(local);
    mine.panels = mine.panels.filter((p: Obj) => p.id !== row.id).concat([panelWithRowTitle]);
    const cmp = comparePanels(layoutItems(mine), layoutItems(live));
    expect(cmp.removed.map((r) => r.kind)).toEqual(['row']);
  });
});

describe('preview (CLI)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ path: dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('writes out/<uid>.svg of the generated dashboard, byte-identical on every run', async () => {
    const r = await cli(['preview'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: `wrote ${join(dir, 'out', 'aws-kinesis.svg')}\n` });
    const first = await readFile(join(dir, 'out', 'aws-kinesis.svg'), 'utf8');
    expect(first).toBe(previewSvg(generated()));
    await cli(['preview'], { cwd: dir });
    expect(await readFile(join(dir, 'out', 'aws-kinesis.svg'), 'utf8')).toBe(first);
    expect(await readdir(join(dir, 'out'))).toEqual(['aws-kinesis.svg']);
  });

  it('takes the dashboard options of generate', async () => {
    const r = await cli(['preview', '--uid', 'kin-prod', '--title', 'Kinesis <prod>', '--out', 'p.svg'], { cwd: dir });
    expect(r.code).toBe(0);
    const svg = await readFile(join(dir, 'p.svg'), 'utf8');
    expect(svg).toBe(previewSvg(generated({ uid: 'kin-prod', title: 'Kinesis <prod>' })));
    expect(svg).toContain('Kinesis &lt;prod&gt;');
  });

  it('prints with --stdout and writes nothing', async () => {
    const r = await cli(['preview', '--stdout'], { cwd: dir });
    expect(r.stdout).toBe(previewSvg(generated()));
    expect(await readdir(dir)).toEqual([]);
  });

  it('draws --file and marks what differs from --diff (a dashboard, or a saved API answer)', async () => {
    const live = generated();
    live.panels = live.panels.filter((p: Obj) => p.title !== 'Average Put Latency');
    await writeFile(join(dir, 'local.json'), JSON.stringify(generated()));
    await writeFile(join(dir, 'live.json'), JSON.stringify({ dashboard: live, meta: { version: 3 } }));
    const r = await cli(['preview', '--file', 'local.json', '--diff', 'live.json'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: `wrote ${join(dir, 'out', 'aws-kinesis.svg')} (0 changed, 1 added, 0 removed)\n` });
    expect(await readFile(join(dir, 'out', 'aws-kinesis.svg'), 'utf8')).toBe(previewSvg(generated(), { against: live }));
  });

  it('names the file after --file when the dashboard has no usable uid', async () => {
    const d = generated();
    delete d.uid;
    await writeFile(join(dir, 'my board.json'), JSON.stringify(d));
    const r = await cli(['preview', '--file', 'my board.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(await readdir(join(dir, 'out'))).toEqual(['my_board.svg']);
  });

  describe('bad input: exit 2, nothing written', () => {
    it.each([
      ['a missing --file', ['--file', 'nope.json'], /--file nope.json: cannot read it \(ENOENT\)/],
      ['a missing --diff', ['--diff', 'nope.json'], /--diff nope.json: cannot read it \(ENOENT\)/],
      ['--file with --profile', ['--file', 'x.json', '--profile', 'yace'], /mutually exclusive/],
      ['--out with --stdout', ['--out', 'a.svg', '--stdout'], /mutually exclusive/],
      ['an unknown profile', ['--profile', 'graphite'], /--profile: unknown profile/],
    ])('%s', async (_name, args, message) => {
      const r = await cli(['preview', ...args], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(await readdir(dir)).toEqual([]);
    });

    it.each([
      ['not JSON', '{', /--file bad.json: not valid JSON/],
      ['not an object', '[1]', /--file bad.json: not a dashboard/],
      ['panels not a list', '{"panels": {}}', /--file bad.json: panels: not an array/],
    ])('a --file that is %s', async (_name, text, message) => {
      await writeFile(join(dir, 'bad.json'), text);
      const r = await cli(['preview', '--file', 'bad.json'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(await readdir(dir)).toEqual(['bad.json']);
    });
  });
});
