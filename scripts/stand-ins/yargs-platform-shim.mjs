// Stands in for yargs' Node platform shim (yargs/lib/platform-shims/esm.mjs, yargs 18) in the
// bundle: scripts/build.mjs loads this file in the original's place, so the imports below resolve
// as the original's do, and fails the build if the original's shape (its keys) changes. It is the
// original with four differences, for a bundle that lives in dist/:
//  - yargs' message catalogs are in dist/locales (copied there by the build), not three folders
//    above the shim's own file;
//  - the program's package.json (read for its version and settings) is looked for from this
//    package's root, as when yargs is installed beside it, not from the working directory up;
//  - node:assert loads only if one of yargs' internal checks fails;
//  - the terminal width is read when yargs asks for it, not at load (reading it creates
//    process.stdout).
// The last three are measured in scripts/build.mjs.
import cliui from 'cliui';
import escalade from 'escalade/sync';
import { inspect } from 'util';
import { fileURLToPath } from 'url';
import Parser from 'yargs-parser';
import { basename, dirname, extname, relative, resolve, join } from 'path';
import { getProcessArgvBin } from '../../build/lib/utils/process-argv.js';
import stringWidth from 'string-width';
import y18n from 'y18n';
import { createRequire } from 'node:module';
import getCallerFile from 'get-caller-file';
import { readFileSync, readdirSync } from 'node:fs';

// import.meta.url is the bundle's own URL (dist/cli.cjs).
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

export default {
  assert: {
    notStrictEqual: (actual, expected, message) => {
      if (Object.is(actual, expected)) require('node:assert').notStrictEqual(actual, expected, message);
    },
    strictEqual: (actual, expected, message) => {
      if (!Object.is(actual, expected)) require('node:assert').strictEqual(actual, expected, message);
    },
  },
  cliui,
  findUp: escalade,
  getEnv: (key) => process.env[key],
  inspect,
  getProcessArgvBin,
  mainFilename: packageRoot,
  Parser,
  path: { basename, dirname, extname, relative, resolve, join },
  process: {
    argv: () => process.argv,
    cwd: process.cwd,
    emitWarning: (warning, type) => process.emitWarning(warning, type),
    execPath: () => process.execPath,
    exit: (code) => {
      process.exit(code);
    },
    nextTick: process.nextTick,
    get stdColumns() {
      return typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null;
    },
  },
  readFileSync,
  readdirSync,
  require,
  getCallerFile: () => {
    const callerFile = getCallerFile(3);
    return callerFile.match(/^file:\/\//) ? fileURLToPath(callerFile) : callerFile;
  },
  stringWidth,
  y18n: y18n({
    directory: fileURLToPath(new URL('locales', import.meta.url)),
    updateFiles: false,
  }),
};
