import { describe, expect, it } from 'vitest';
import { canonical, serialize } from '../src/output/serialize.ts';
import { synth } from '../src/dashboard/synth.ts';

const reference = (v: unknown) => `${JSON.stringify(canonical(v), null, 2)}\n`;

describe('serialize', () => {
  it.each([
    ['scalars', { s: 'a"b\\c\u2028', n: -0, f: 1.5e-7, big: 1e21, t: true, nul: null }],
    ['keys out of order, nested', { b: { y: [3, { z: 1, a: 2 }], x: {} }, a: [], 'key with space': 1 }],
    ['undefined and functions', { u: undefined, f: () => 1, arr: [undefined, () => 1, NaN, Infinity] }],
    ['empty containers', { o: {}, a: [], deep: [[[]], [{}]] }],
  ])('matches JSON.stringify of the canonical form: %s', (_name, value) => {
    expect(serialize(value)).toBe(reference(value));
  });

  it.each([
    ['scalars and non-finite numbers', { n: NaN, i: -Infinity, s: 'x', list: [NaN, 1] }],
    ['undefined, functions and symbols', { u: undefined, f: () => 1, y: Symbol('s'), arr: [undefined, () => 1, Symbol('t'), 2], nested: { g() {} } }],
    ['keys out of order', { b: { y: [3, { z: 1, a: 2 }], x: {} }, a: [] }],
  ])('canonical gives what JSON.parse of the text gives: %s', (_name, value) => {
    const viaText = JSON.parse(serialize(value));
    expect(canonical(value)).toEqual(viaText);
    expect(JSON.stringify(canonical(value))).toBe(JSON.stringify(viaText));
  });

  it('reuses a frozen subtree only at the depth it was written at', () => {
    const shared = Object.freeze([Object.freeze({ b: 1, a: 2 })]);
    const shallow = { p: shared };
    const deep = { x: { p: shared } };
    expect(serialize(shallow)).toBe(reference(shallow));
    expect(serialize(deep)).toBe(reference(deep));
    expect(serialize(shallow)).toBe(reference(shallow));
  });

  it('writes every dashboard of a fleet exactly as alone', () => {
    const options = [
      { uid: 'a', title: 'A', streams: ['orders'] },
      { uid: 'b', title: 'B', tags: ['t'], streams: '^clicks-.*' },
      { uid: 'c', title: 'C', profile: 'yace', rows: { successRates: true } },
    ];
    const fleet = options.map((o) => serialize(synth(o)));
    expect(fleet).toEqual(options.map((o) => reference(JSON.parse(JSON.stringify(synth(o))))));
  });
});

describe('synth shares panels across a fleet', () => {
  it('gives dashboards that differ only in uid, title, tags and streams one frozen panel list', () => {
    const a = synth({ uid: 'a', title: 'A', streams: ['orders'] });
    const b = synth({ uid: 'b', title: 'B', tags: ['x'] });
    expect(a.panels).toBe(b.panels);
    expect(Object.isFrozen(a.panels)).toBe(true);
    expect(() => {
      (a.panels![0] as { title?: string }).title = 'changed';
    }).toThrow(TypeError);
    expect(synth({ profile: 'yace' }).panels).not.toBe(a.panels);
    expect(synth({ rows: { fanOut: true } }).panels).not.toBe(a.panels);
    expect(synth({ capacity: { retentionHours: 48 } }).panels).not.toBe(synth({ capacity: { retentionHours: 24 } }).panels);
  });
});
