import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from './support/cli.ts';

// A property of the config schema: whatever JSON stands at whatever place of a config file, a command
// reading it ends with exit 0 (it is valid) or exit 2 (bad input, said in one message), never a crash
// (exit 1, a stack trace, a raw TypeError). Random values from a seeded generator, so a failure repeats.

/** mulberry32: a small seeded PRNG; the same seed gives the same cases on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values a hostile user would try, and the schema's own words in the wrong places. */
const ATOMS: unknown[] = [
  null, true, false, 0, -0, -1, 1, 1.5, 59, 60, 61, 100, 101, 86_400, 86_460, 1e9, 1e21, 1e308, -1e308, 2 ** 53 + 2, 5e-324,
  '', ' ', 'a', 'a\nb', 'tab\there', '\u0000', '\u2028', '__proto__', 'constructor', 'toString', '../../etc', '/proc/x', 'a/b', 'Team//K',
  'x'.repeat(300), '(?=a)', '(', '\\1', '[^]', '^orders-.*$', 'orders', 'https://g.example.com', 'https://g.example.com/?q=1#f',
  'ftp://x', 'yace', 'cloudwatch', 'logzio-metric-streams', 'json', 'import', 'eu', 'k8s', 'legacy', 'general', 'GRAFANA_TOKEN', 'é', '😀',
];
const KEYS = ['__proto__', 'constructor', 'uid', 'title', 'streams', 'top', 'shards', 'url', 'region', 'dir', 'x', ''];

function randomJson(rand: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const r = rand();
  if (depth > 3 || r < 0.6) return pick(ATOMS);
  if (r < 0.8) return Array.from({ length: Math.floor(rand() * 4) }, () => randomJson(rand, depth + 1));
  const o: Record<string, unknown> = {};
  // defineProperty: a "__proto__" key as JSON.parse makes it, an own property (not the prototype).
  for (let i = Math.floor(rand() * 4); i > 0; i--) Object.defineProperty(o, pick(KEYS), { value: randomJson(rand, depth + 1), enumerable: true, configurable: true, writable: true });
  return o;
}

const ONE = {
  profile: 'yace',
  uid: 'prop',
  title: 'Prop',
  tags: ['team-a'],
  streams: ['orders', 'payments'],
  rows: { successRates: true, recordOutcomes: true, fanOut: true, shards: { top: 5 } },
  capacity: { shards: { orders: 2 }, retentionHours: 48 },
  periodSeconds: 60,
  alerts: { grafanaUrl: 'https://g.example.com', datasourceUid: 'prom', folder: 'Kinesis' },
  out: 'o',
  format: 'json',
  provisioning: { dir: 'p', folderTitle: 'Kinesis', folderUid: 'kf', path: '/var/lib/grafana/dashboards' },
};
const FLEET = {
  profile: 'cloudwatch-exporter',
  tags: ['fleet'],
  out: 'o',
  targets: {
    prod: { url: 'https://g.example.com', tokenEnv: 'PROD_TOKEN', orgId: 2, folder: 'Team/Kinesis', api: 'auto', concurrency: 4 },
    lz: { logzio: { region: 'eu' }, tokenEnv: 'LZ_TOKEN' },
  },
  dashboards: [
    { uid: 'a', title: 'A', targets: ['prod'], folder: 'Other', streams: '^orders-.*' },
    { uid: 'b', title: 'B', targets: ['prod', 'lz'], capacity: { shards: { orders: 4 } } },
  ],
};

/** Every place in a JSON value (as a key path), the root included; and a new key under every object. */
function places(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const out = [path];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...places(v, [...path, i])));
  else if (value && typeof value === 'object') {
    out.push([...path, 'unknownKey']);
    for (const [k, v] of Object.entries(value)) out.push(...places(v, [...path, k]));
  }
  return out;
}

function replaced(value: unknown, path: (string | number)[], by: unknown): unknown {
  if (!path.length) return by;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  copy[head] = replaced((value as Record<string | number, unknown>)?.[head], rest, by);
  return copy;
}

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ path: dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

// A fleet goes to files (--stdout and preview take one dashboard): a valid fleet config must reach exit 0.
const COMMANDS = {
  one: [['generate'], ['alerts'], ['preview', '--stdout'], ['generate', '--stdout'], ['alerts', '--stdout']],
  fleet: [['generate'], ['alerts']],
};

describe('config schema property: random JSON at every path gives exit 0 or 2, never a crash', () => {
  for (const [name, base, seed, commands] of [['one dashboard', ONE, 18, COMMANDS.one], ['a fleet', FLEET, 1818, COMMANDS.fleet]] as const) {
    it(`${name}`, async () => {
      const rand = prng(seed);
      const paths = places(base);
      expect(paths.length).toBeGreaterThan(20);
      const codes = { 0: 0, 2: 0 };
      let n = 0;
      for (const path of paths) {
        // The whole file gets every atom (null, a number, a string…) besides random values.
        const values = [...(path.length ? [] : ATOMS), ...Array.from({ length: 3 }, () => randomJson(rand))];
        for (const value of values) {
          const config = replaced(base, path, value);
          const args = [...commands[n++ % commands.length]!, '--config', 'kd.json'];
          await writeFile(join(dir, 'kd.json'), JSON.stringify(config));
          const r = await cli(args, { cwd: dir, env: {} });
          const where = `${args.join(' ')} with ${JSON.stringify(path)} = ${JSON.stringify(value)?.slice(0, 200)}`;
          expect([0, 2], `${where}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
          expect(r.stderr, where).not.toMatch(/\n\s+at |\b(TypeError|RangeError|ReferenceError|ERR_[A-Z_]+)\b|Maximum call stack/);
          if (r.code === 2) expect(r.stderr, where).toMatch(/^kinesis-dashboards: (--|config|<|out\/)/);
          codes[r.code as 0 | 2]++;
        }
      }
      // Both outcomes occur: the generator reaches valid configs as well as broken ones.
      expect(codes[0]).toBeGreaterThan(5);
      expect(codes[2]).toBeGreaterThan(20);
    }, 60_000);
  }
});
