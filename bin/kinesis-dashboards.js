#!/usr/bin/env node
'use strict';
// The kinesis-dashboards command: runs the CLI bundle, dist/cli.cjs, that `npm run build` makes from
// src/ (scripts/build.mjs). `npm ci`, `npm pack` and `npm run generate` build it first; after
// editing src/, run `npm run build` before running this file by hand.
//
// CommonJS, like the bundle: Node 20 starts it without its ES module loader.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'cli.cjs');
if (!existsSync(bundle)) {
  process.stderr.write(`kinesis-dashboards: ${bundle} is missing: run \`npm run build\` first\n`);
  process.exit(1);
}
// Node 22.1 and later keep the compiled bundle between runs (a fifth of a cold start there); Node 20
// has no such API and compiles it on every run. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
require('node:module').enableCompileCache?.();
// --debug: stack traces point into src/ (dist/cli.cjs.map).
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
require(bundle).main(process.argv.slice(2));
