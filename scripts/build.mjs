#!/usr/bin/env node
// Builds the CLI bundle that bin/kinesis-dashboards.js runs: `npm run build` (also run by `prepare`,
// so by `npm ci` and `npm pack`, and by `npm run generate`).
//
//   dist/cli.cjs       src/cli/main.ts and everything it imports, minified into one CommonJS file
//   dist/cli.cjs.map   its source map (stack traces point into src/ with --debug)
//   dist/locales/      yargs' message catalogs (see stand-ins/yargs-platform-shim.mjs)
//
// CommonJS, because Node 20 loads it through require(), its cheapest path; `await import()` of a
// bundled module (a command's handler, validate's PromQL grammar) still runs only when reached.
// Everything is bundled but the SDK's dashboard v2 builders, which no command uses
// (sdk-lazy-indexes.mjs): the installed package needs the SDK and nothing else.
//
// Measured in instructions of a cold `generate` (valgrind, steady whatever else the machine does),
// as a share of what `node -e 0` costs, each of the three pieces below saves: the string-width
// stand-in 88%, the SDK's lazy indexes 33%, the yargs shim stand-in 6%.
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { sdkLazyIndexes } from './sdk-lazy-indexes.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const standIn = (name) => join(root, 'scripts', 'stand-ins', name);
const yargsShim = createRequire(join(root, 'package.json')).resolve('yargs').replace(/index\.mjs$/, 'lib/platform-shims/esm.mjs');
// The yargs shim the stand-in was written from: another one fails the build.
const YARGS_SHIM_SHA256 = '085c19db4425a7f3b422ae0d225c68276f41917678673a3d6815d53dd2c85a49';

/** Our own small modules in place of dependencies' (scripts/stand-ins/, each says why). */
const standIns = {
  name: 'stand-ins',
  setup(build) {
    // Every `import 'string-width'` (yargs and cliui) but the stand-in's own, which gets the real one.
    build.onResolve({ filter: /^string-width$/ }, (args) => (args.importer === standIn('string-width.cjs') ? undefined : { path: standIn('string-width.cjs') }));
    // Loaded in place of the original, so that the stand-in's imports resolve as the original's.
    build.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, () => ({
      contents: readFileSync(standIn('yargs-platform-shim.mjs'), 'utf8'),
      loader: 'js',
      resolveDir: dirname(yargsShim),
    }));
  },
};

export const options = {
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Half the bytes to read and parse at every start; nothing reads a function's or class's name.
  minify: true,
  legalComments: 'none',
  sourcemap: true,
  // import.meta does not exist in CommonJS: yargs and yargs-parser get the bundle's own URL.
  banner: { js: 'var __import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__import_meta_url' },
  plugins: [standIns, sdkLazyIndexes],
  logLevel: 'warning',
};

/** Builds dist/; returns esbuild's result. */
export async function build() {
  const started = performance.now();
  checkYargsShim();
  const result = await esbuild.build(options);
  cpSync(join(dirname(yargsShim), '..', '..', 'locales'), join(root, 'dist', 'locales'), { recursive: true });
  const kib = Math.round(statSync(join(root, options.outfile)).size / 1024);
  console.log(`built ${options.outfile} (${kib} KiB) in ${Math.round(performance.now() - started)} ms`);
  return result;
}

/** Fails the build when yargs' shim is not the one the stand-in was written from (a yargs upgrade). */
function checkYargsShim() {
  const sha256 = createHash('sha256').update(readFileSync(yargsShim)).digest('hex');
  if (sha256 !== YARGS_SHIM_SHA256) throw new Error(`${yargsShim} changed: update scripts/stand-ins/yargs-platform-shim.mjs from it, then YARGS_SHIM_SHA256 in scripts/build.mjs`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await build();
