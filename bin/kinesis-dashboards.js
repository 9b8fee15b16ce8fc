#!/usr/bin/env node
'use strict';
// The kinesis-dashboards command. It runs the bundle that `npm run build` makes (dist/, see
// scripts/build.mjs), and never a stale one:
//
//   1. dist/stamp.json fingerprints every input of the bundle (our sources, the package.json of each
//      bundled dependency, the build recipe): size and mtime, and a sha1 for when those moved.
//      Checking it is one stat per input: ~1 ms for ~90 files (walking src/ and panels/ and hashing
//      them instead costs ~10 ms), and a sha1 only of the files whose mtime moved.
//   2. An input changed (a developer edited src/) or there is no dist/ yet: rebuild first (esbuild
//      and one warm-up run for the code cache, ~1 s, once), then run the new bundle. Cannot build
//      (esbuild not installed, sources that do not compile, read-only directory)? Run the TypeScript
//      sources through tsx, which is always current (and reports a broken source as Node would).
//   3. The bundle runs as a classic script through vm.Script with V8's code cache
//      (dist/cli-<hash>.cache), so almost nothing is compiled at start. A missing or rejected cache
//      (another Node version) is rewritten after the run.
//
// KINESIS_DASHBOARDS_FROM_SOURCE=1 skips the bundle and runs the sources through tsx;
// KINESIS_DASHBOARDS_TRACE=1 says on stderr which of the two runs.
// `require`/`import` this file to get the CLI's exports without running it: `await loadCli()`.
//
// This file is CommonJS (bin/package.json) and requires Node's built-ins: as an ES module (the
// entry through the ESM loader, node:fs's ESM facade loading its streams) it started ~10 ms later.
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const STAMP_VERSION = 1; // = STAMP_VERSION in scripts/build.mjs
const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function readStamp() {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(dist, 'stamp.json'), 'utf8'));
    return stamp.version === STAMP_VERSION ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** True when every input still has the fingerprint it had when the bundle was built. */
function isFresh(stamp) {
  const moved = [];
  for (const [rel, want] of Object.entries(stamp.inputs)) {
    // Not path.join: ~100 calls made Node's path normalizer hot enough for V8 to optimize it on a
    // second thread (a few MB of peak memory). The stamp's paths are relative and "/"-separated,
    // which the file system takes as they are (on Windows too).
    const s = fs.statSync(`${root}/${rel}`, { throwIfNoEntry: false });
    if (!s || s.size !== want.size) return false;
    if (s.mtimeMs !== want.mtimeMs) moved.push([rel, s.mtimeMs]);
  }
  if (moved.length === 0) return true;
  // Touched but maybe not changed (git checkout, touch, a copy of the tree): compare contents.
  const { createHash } = require('node:crypto');
  for (const [rel] of moved) {
    const sha1 = createHash('sha1').update(fs.readFileSync(`${root}/${rel}`)).digest('hex');
    if (sha1 !== stamp.inputs[rel].sha1) return false;
  }
  // Same contents: remember the new mtimes so that the next run takes the fast path again.
  for (const [rel, mtimeMs] of moved) stamp.inputs[rel].mtimeMs = mtimeMs;
  writeQuietly(path.join(dist, 'stamp.json'), `${JSON.stringify(stamp, null, 1)}\n`);
  return true;
}

/** Atomic write that gives up silently: dist/ may be read-only, and what is written here is a cache. */
function writeQuietly(file, content) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

async function rebuild() {
  try {
    const { build } = await import('../scripts/build.mjs');
    // warm: one `generate` run in a child process writes the code cache for the new bundle.
    return await build({ root, silent: true, warm: true });
  } catch {
    return undefined; // no esbuild, sources that do not compile, unwritable directory: run the sources
  }
}

/**
 * Runs the bundle's top level (it only defines things); undefined if the bundle is gone. The bundle
 * evaluates to one function taking CommonJS's arguments (scripts/build.mjs).
 */
function loadBundle(stamp) {
  const file = path.join(dist, stamp.bundle);
  if (process.argv.includes('--debug')) return loadBundleForDebugging(file);
  let source;
  try {
    source = fs.readFileSync(file, stamp.encoding ?? 'utf8');
  } catch {
    return undefined; // removed by a concurrent build between reading the stamp and here
  }
  let cachedData;
  try {
    cachedData = fs.readFileSync(path.join(dist, stamp.cache));
  } catch {}
  const script = new vm.Script(source, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ?? ((specifier) => import(specifier)),
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dist);
  const saveCache = !cachedData || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    /** Writes the code cache when there was none to use; call after a run, so that it covers what the run compiled. */
    afterRun: () => saveCache && writeQuietly(path.join(dist, stamp.cache), script.createCachedData()),
  };
}

/** --debug: through require(), without the code cache, so that stack traces map to src/ (dist/*.map). */
function loadBundleForDebugging(file) {
  process.setSourceMapsEnabled(true);
  let bundle;
  try {
    bundle = require(file);
  } catch {
    return undefined;
  }
  const module = { exports: {} };
  bundle(module.exports, createRequire(file), module, file, dist);
  return { exports: module.exports, afterRun: () => {} };
}

async function fromSource() {
  const { register } = await import('tsx/esm/api');
  register();
  return { exports: await import('../src/cli/main.ts'), afterRun: () => {} };
}

/** KINESIS_DASHBOARDS_TRACE=1: say on stderr which code runs (the bundle, a rebuilt one, or the sources). */
const trace = (what) => process.env.KINESIS_DASHBOARDS_TRACE && process.stderr.write(`kinesis-dashboards: ${what}\n`);

/** The CLI module (what src/cli/main.ts exports): from a current bundle, else from the sources. */
async function loadCli() {
  if (!process.env.KINESIS_DASHBOARDS_FROM_SOURCE) {
    let stamp = readStamp();
    if (!stamp || !isFresh(stamp)) {
      // An installed package (npm pack: bin/ and dist/, no sources, its dependencies elsewhere)
      // cannot go stale and has nothing to rebuild from: its bundle is what was packed.
      if (stamp && !fs.existsSync(path.join(root, 'src'))) trace('an installed package: its bundle as packed');
      else {
        stamp = await rebuild();
        if (stamp) trace(`rebuilt dist/${stamp.bundle}`);
      }
    }
    const loaded = stamp && loadBundle(stamp);
    if (loaded) {
      trace(`running dist/${stamp.bundle}`);
      return loaded;
    }
  }
  trace('running the sources (tsx)');
  return fromSource();
}

module.exports = { loadCli };

if (require.main === module) {
  loadCli().then(async (cli) => {
    await cli.exports.main(process.argv.slice(2));
    cli.afterRun();
  });
}
