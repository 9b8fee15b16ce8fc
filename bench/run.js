#!/usr/bin/env node
// npm run bench [-- --check] [-- --quick] [-- --rounds N] [-- --only cold,fleet,publish] [-- --fleet-via cli]
//
// How fast kinesis-dashboards is against the floor it cannot beat, measured side by side in one run:
// every case is a new process, cases are interleaved round by round (the order rotating), and each
// result is the median over rounds of a ratio between runs of the same round. Machines are noisy:
// the ratios are what the targets judge; the milliseconds are printed for orientation only.
//
//   1. cold `kinesis-dashboards generate` (the package's bin) vs `node -e 0`, and vs a plain script
//      that builds a comparable dashboard with the SDK directly (bench/baseline-sdk.js): wall, peak RSS
//   2. a fleet of 1, 100 and 1,000 dashboards (one per stream): wall, peak RSS, and growth
//   3. publish 200 dashboards to the Grafana stand-in with 20 ms per request, vs its floor
//      (requests x latency / concurrency); then the same again: it must write nothing
//
// Peak RSS comes from the measured process itself (bench/probe.cjs, preloaded in every process alike).
// Prints a table and writes the same as JSON to bench/results/latest.json. Exits 0 unless --check is
// given and a target failed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleetConfig } from './fleet-config.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'kinesis-dashboards.js');

// How the fleet is made. 'script': bench/fleet.js, synth() + serialize() N times in one process.
// 'cli': `kinesis-dashboards generate --config fleet.json --out DIR`, a config with a `dashboards`
// list. Switching is this one line (or --fleet-via=script for one run).
const FLEET_VIA = 'cli';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const value = (name, fallback) => {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  return argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
};
const quick = flag('quick');
const rounds = Number(value('rounds', quick ? 7 : 21));
const fleetRounds = Number(value('fleet-rounds', quick ? 3 : 11));
const publishRounds = Number(value('publish-rounds', quick ? 1 : 3));
const fleetVia = value('fleet-via', FLEET_VIA);
const only = new Set(value('only', 'cold,fleet,publish').split(','));

const work = mkdtempSync(join(tmpdir(), 'kd-bench-'));
// Fleet output goes to memory (/dev/shm) where there is one: the target is about the tool's own work
// per dashboard, and this VM's disk (ext4 flushing on rename) adds noise several times larger than it.
const fleetWork = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/kd-bench-') : work;
const probe = join(root, 'bench', 'probe.cjs');
const probeEnv = {
  ...process.env,
  KD_BENCH_PROBE: '1',
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require="${probe}"`.trim(),
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One process, start to exit: wall time seen from here, peak RSS reported by the process. */
function runOnce(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: work, env: probeEnv, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  const report = r.output[3].toString().trim().split('\n').filter(Boolean).pop();
  return { ms, rss: report ? JSON.parse(report).maxRSS : NaN };
}

/** Runs each case once per round, the order rotating every round; returns samples per case. */
function interleave(cases, n, warmup = 1) {
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const names = Object.keys(cases);
  for (let round = -warmup; round < n; round++) {
    const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length]);
    for (const name of order) {
      const [cmd, ...args] = cases[name];
      const s = runOnce(cmd, args);
      if (round >= 0) samples[name].push(s);
    }
  }
  return samples;
}

/** Median over rounds of a/b, from samples of the same rounds. */
const pairedRatio = (a, b, key) => median(a.map((s, i) => s[key] / b[i][key]));

const rows = []; // the table: one row per measure
const add = (row) => rows.push(row);
const judged = (ratio, max) => (ratio <= max ? 'PASS' : 'FAIL');

// --- preparation -----------------------------------------------------------------------------------

function prepare() {
  // Measure the bundle of these sources: build it first, as `npm run generate` does.
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
  const r = spawnSync(process.execPath, [bin, '--version'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kinesis-dashboards --version failed:\n${r.stderr}`);
  return { version: r.stdout.trim(), bundle: 'dist/cli.cjs' };
}

// --- 1. cold generate --------------------------------------------------------------------------------

function coldStart() {
  const samples = interleave(
    {
      'node -e 0': [process.execPath, '-e', '0'],
      'kinesis-dashboards generate': [process.execPath, bin, 'generate', '--out', join(work, 'cold')],
      'SDK script': [process.execPath, join(root, 'bench', 'baseline-sdk.js'), '--out', join(work, 'sdk')],
    },
    rounds,
  );
  const gen = samples['kinesis-dashboards generate'];
  const node = samples['node -e 0'];
  const sdk = samples['SDK script'];
  const wall = pairedRatio(gen, node, 'ms');
  const rss = pairedRatio(gen, node, 'rss');
  add({ id: 'cold.wall.vs-node', measure: 'cold generate / node -e 0, wall', ratio: wall, target: 1.5, result: judged(wall, 1.5) });
  add({ id: 'cold.rss.vs-node', measure: 'cold generate / node -e 0, peak RSS', ratio: rss, target: 1.5, result: judged(rss, 1.5) });
  add({ id: 'cold.wall.vs-sdk', measure: 'cold generate / SDK script, wall', ratio: pairedRatio(gen, sdk, 'ms') });
  add({ id: 'cold.rss.vs-sdk', measure: 'cold generate / SDK script, peak RSS', ratio: pairedRatio(gen, sdk, 'rss') });
  add({ id: 'cold.wall.sdk-vs-node', measure: 'SDK script / node -e 0, wall', ratio: pairedRatio(sdk, node, 'ms') });
  return samples;
}

// --- 2. fleet ---------------------------------------------------------------------------------------

function fleetCommand(n) {
  const out = join(fleetWork, `fleet-${n}`);
  if (fleetVia === 'cli') {
    const config = join(work, `fleet-${n}.json`);
    writeFileSync(config, JSON.stringify(fleetConfig(n)));
    return [process.execPath, bin, 'generate', '--config', config, '--out', out];
  }
  return [process.execPath, join(root, 'bench', 'fleet.js'), String(n), out];
}

function fleet() {
  const sizes = [1, 100, 1000];
  const samples = interleave(Object.fromEntries(sizes.map((n) => [n, fleetCommand(n)])), fleetRounds);
  const via = fleetVia === 'cli' ? 'generate --config' : 'in-process synth+serialize';
  const r100 = pairedRatio(samples[100], samples[1], 'ms');
  const r1000 = pairedRatio(samples[1000], samples[1], 'ms');
  add({ id: 'fleet.100.wall', measure: `fleet 100 / fleet 1, wall (${via})`, ratio: r100 });
  add({ id: 'fleet.1000.wall', measure: `fleet 1000 / fleet 1, wall (${via})`, ratio: r1000, target: 3, result: judged(r1000, 3) });
  add({ id: 'fleet.1000.rss', measure: 'fleet 1000 / fleet 1, peak RSS', ratio: pairedRatio(samples[1000], samples[1], 'rss') });
  // Growth no worse than linear: one more dashboard costs no more from 100 to 1000 than from 1 to 100
  // (2x allows for noise; quadratic growth would show ~10x). Less is fine: the first hundred also pay
  // the engine's warm-up (compiling and optimizing the code a dashboard runs), which the rest reuse.
  const perDashboard = (n) => median(samples[n].map((s, i) => (s.ms - samples[1][i].ms) / (n - 1)));
  const growth = perDashboard(1000) / perDashboard(100);
  add({ id: 'fleet.growth', measure: 'per-dashboard cost, 1..1000 / 1..100', ratio: growth, target: '<= 2 (linear)', result: growth <= 2 ? 'PASS' : 'FAIL' });
  return { via, samples, msPerDashboard: { 100: perDashboard(100), 1000: perDashboard(1000) } };
}

// --- 3. publish ----------------------------------------------------------------------------------------

const PUBLISH_N = 200;
const LATENCY_MS = 20;
const CONCURRENCY = 8;

/** Why publish cannot be measured yet, or undefined when it can. */
function publishMissing() {
  const help = spawnSync(process.execPath, [bin, 'publish', '--help'], { cwd: root, encoding: 'utf8' });
  if (help.status !== 0) return 'no `publish` command';
  for (const opt of ['--config', '--url', '--concurrency', '--json']) if (!help.stdout.includes(opt)) return `publish has no ${opt}`;
  const standin = join(root, 'test', 'support', 'grafana-standin.ts');
  if (!existsSync(standin) || !readFileSync(standin, 'utf8').includes('latencyMs')) return 'no Grafana stand-in with latencyMs';
  return undefined;
}

/** One process, asynchronously: the stand-in answers from this process meanwhile. */
function runAsync(cmd, args, env) {
  return new Promise((resolveRun, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: work, env: { ...probeEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const chunks = { stdout: [], stderr: [], report: [] };
    child.stdout.on('data', (d) => chunks.stdout.push(d));
    child.stderr.on('data', (d) => chunks.stderr.push(d));
    child.stdio[3].on('data', (d) => chunks.report.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const report = Buffer.concat(chunks.report).toString().trim().split('\n').filter(Boolean).pop();
      resolveRun({ code, ms, rss: report ? JSON.parse(report).maxRSS : NaN, stdout: Buffer.concat(chunks.stdout).toString(), stderr: Buffer.concat(chunks.stderr).toString() });
    });
  });
}

async function publish() {
  const missing = publishMissing();
  if (missing) {
    add({ id: 'publish.200.vs-floor', measure: `publish ${PUBLISH_N} / floor (${LATENCY_MS} ms per request)`, skipped: `not available yet (${missing})` });
    add({ id: 'publish.unchanged.writes', measure: 'unchanged re-publish: writes', skipped: `not available yet (${missing})` });
    return undefined;
  }
  const { register } = await import('tsx/esm/api');
  register();
  const { startGrafanaStandin } = await import('../test/support/grafana-standin.ts');
  const config = join(work, `publish-${PUBLISH_N}.json`);
  writeFileSync(config, JSON.stringify(fleetConfig(PUBLISH_N)));
  const args = [bin, 'publish', '--config', config, '--concurrency', String(CONCURRENCY), '--json'];
  const writes = (reqs) => reqs.filter((r) => !['GET', 'HEAD'].includes(r.method)).length;
  const ratios = [];
  const results = [];
  let unchangedWrites = 0;
  try {
    for (let round = 0; round < publishRounds; round++) {
      const standin = await startGrafanaStandin({ latencyMs: LATENCY_MS });
      try {
        const env = { GRAFANA_URL: standin.url, GRAFANA_TOKEN: 'test-token' };
        const first = await runAsync(process.execPath, [...args, '--url', standin.url], env);
        if (first.code !== 0) throw new Error(`publish exited ${first.code}: ${first.stderr.slice(0, 500)}`);
        const requests = standin.requests.length;
        const floor = (requests * LATENCY_MS) / CONCURRENCY;
        ratios.push(first.ms / floor);
        const before = standin.requests.length;
        const again = await runAsync(process.execPath, [...args, '--url', standin.url], env);
        if (again.code !== 0) throw new Error(`re-publish exited ${again.code}: ${again.stderr.slice(0, 500)}`);
        const w = writes(standin.requests.slice(before));
        unchangedWrites = Math.max(unchangedWrites, w);
        results.push({ ms: first.ms, rss: first.rss, requests, floorMs: floor, maxConcurrent: standin.maxConcurrent, republishMs: again.ms, republishRequests: standin.requests.length - before, republishWrites: w });
      } finally {
        await standin.close();
      }
    }
  } catch (err) {
    const reason = `not available yet (${err.message.split('\n')[0]})`;
    add({ id: 'publish.200.vs-floor', measure: `publish ${PUBLISH_N} / floor (${LATENCY_MS} ms per request)`, skipped: reason });
    add({ id: 'publish.unchanged.writes', measure: 'unchanged re-publish: writes', skipped: reason });
    return { error: err.message };
  }
  const ratio = median(ratios);
  add({ id: 'publish.200.vs-floor', measure: `publish ${PUBLISH_N} / floor (requests x ${LATENCY_MS} ms / ${CONCURRENCY})`, ratio, target: 1.3, result: judged(ratio, 1.3) });
  add({ id: 'publish.unchanged.writes', measure: 'unchanged re-publish: writes', value: unchangedWrites, target: 0, result: unchangedWrites === 0 ? 'PASS' : 'FAIL' });
  return { results };
}

// --- report ---------------------------------------------------------------------------------------------

function table(meta) {
  const fmt = (r) => (r.skipped ? r.skipped : r.value !== undefined ? String(r.value) : `${r.ratio.toFixed(2)}x`);
  const target = (r) => (r.target === undefined ? '' : typeof r.target === 'number' ? (r.id.endsWith('writes') ? `= ${r.target}` : `<= ${r.target}x`) : r.target);
  const lines = [['measure', 'ratio', 'target', 'result'], ...rows.map((r) => [r.measure, fmt(r), target(r), r.skipped ? 'SKIP' : (r.result ?? 'info')])];
  const widths = lines[0].map((_, c) => Math.max(...lines.filter((l) => !l[1].startsWith('not available')).map((l) => l[c].length)));
  const out = lines.map((l) => (l[1].startsWith('not available') ? `${l[0].padEnd(widths[0])}  ${l[1]}` : l.map((cell, c) => (c === 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()));
  return [`kinesis-dashboards ${meta.version} bench: node ${process.version}, ${process.platform} ${process.arch}, ${cpus().length} CPUs; medians of paired, interleaved rounds (cold ${rounds}, fleet ${fleetRounds}, publish ${publishRounds})`, '', ...out].join('\n');
}

const summarize = (samples) =>
  Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, { rounds: v.length, medianMs: +median(v.map((s) => s.ms)).toFixed(1), medianRssMB: +(median(v.map((s) => s.rss)) / 2 ** 20).toFixed(1) }]));

async function main() {
  const meta = prepare();
  const cold = only.has('cold') ? coldStart() : {};
  const fleetResult = only.has('fleet') ? fleet() : { via: null, samples: {}, msPerDashboard: null };
  const publishResult = only.has('publish') ? await publish() : undefined;
  const text = table(meta);
  console.log(text);
  const context = Object.fromEntries(
    [['cold', summarize(cold)], ['fleet', { via: fleetResult.via, msPerDashboard: fleetResult.msPerDashboard, ...summarize(fleetResult.samples) }]],
  );
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    version: meta.version,
    bundle: meta.bundle,
    rounds: { cold: rounds, fleet: fleetRounds, publish: publishRounds },
    results: rows.map((r) => ({ ...r, ratio: r.ratio === undefined ? undefined : +r.ratio.toFixed(3) })),
    // For orientation only: absolute medians on this machine, this run.
    context: { ...context, publish: publishResult },
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log('\nwrote bench/results/latest.json');
  const failed = rows.filter((r) => r.result === 'FAIL');
  if (flag('check') && failed.length) {
    console.error(`${failed.length} target(s) failed: ${failed.map((r) => r.id).join(', ')}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(fleetWork, { recursive: true, force: true });
}
