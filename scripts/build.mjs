#!/usr/bin/env node
// Builds the CLI bundle the package's bin runs: `npm run build` (also run by `prepare`, i.e. by `npm ci`).
//
//   dist/cli-<hash>.cjs        src/cli/main.ts and everything it imports, one CommonJS file (esbuild)
//   dist/cli-<hash>.cjs.map    its source map (loaded only for --debug)
//   dist/cli-<hash>.cache      V8 code cache for the bundle, made by one warm-up run (see bin/)
//   dist/yargs-locales/        yargs' message catalogs, where the bundled yargs looks for them
//   dist/stamp.json            names the files above and fingerprints every input of the bundle
//                              (size, mtime, sha1): the bin runs the bundle only when all still match
//
// Why CommonJS and not ESM: Node 20 keeps no compile cache for ES modules, and compiling ~2 MB of
// JavaScript is most of a cold start; a classic script run through vm.Script takes V8's code cache.
// Lazy loading survives: esbuild wraps CommonJS dependencies in functions that run on first use, and
// `await import()` of a bundled module (validate's PromQL grammar) becomes a deferred initializer.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules, createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/** Bumped when the stamp's meaning changes; the bin treats any other version as stale. */
export const STAMP_VERSION = 1;

const here = dirname(fileURLToPath(import.meta.url));
const requireHere = createRequire(import.meta.url);
const defaultRoot = resolve(here, '..');

/** Writes a file so that readers see the old content or the new one, never part of one. */
function writeAtomic(path, content) {
  const tmp = `${path}.${process.pid}.${Math.random().toString(16).slice(2)}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

const sha1 = (data) => createHash('sha1').update(data).digest('hex');
const toPosix = (path) => path.split(sep).join('/');

/**
 * The SDK is CommonJS, which esbuild cannot tree-shake: `import * as stat from '.../stat'` runs every
 * builder of the module, including the dashboard v2 builders that pull in dashboardv2 and
 * dashboardv2beta1 (a third of the bundle). Each `dist/<module>/index.js` only re-exports its files
 * (`__exportStar(require("./x"), exports)`); this rewrites it to the same exports as lazy getters, so
 * a file runs when one of its exports is first read. Files of any other shape are left alone.
 */
function lazySdkIndexes() {
  return {
    name: 'lazy-sdk-indexes',
    setup(build) {
      build.onLoad({ filter: /[\\/]@grafana[\\/]grafana-foundation-sdk[\\/]dist[\\/][^\\/]+[\\/]index\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('//'));
        const boilerplate = new Set(['"use strict";', 'Object.defineProperty(exports, "__esModule", { value: true });', 'const tslib_1 = require("tslib");']);
        const files = [];
        for (const line of lines) {
          if (boilerplate.has(line)) continue;
          const m = /^tslib_1\.__exportStar\(require\("(\.\/[\w.-]+)"\), exports\);$/.exec(line);
          if (!m) return undefined; // not a pure re-export index: bundle it as it is
          files.push(m[1]);
        }
        const getters = new Map(); // export name -> file; the first file wins, as with __exportStar
        for (const file of files) {
          const source = readFileSync(join(dirname(args.path), `${file}.js`), 'utf8');
          if (/__exportStar|Object\.defineProperty\(exports, "(?!__esModule)/.test(source)) return undefined;
          for (const [, name] of source.matchAll(/\bexports\.([A-Za-z_$][\w$]*)\s*=/g)) {
            if (name !== 'default' && !getters.has(name)) getters.set(name, file);
          }
        }
        const body = [...getters].map(([name, file]) => `  ${name}: { enumerable: true, get: () => require(${JSON.stringify(file)}).${name} },`);
        const contents = `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nObject.defineProperties(exports, {\n${body.join('\n')}\n});\n`;
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * The SDK's v1 builders (the only ones this tool uses) sit in files that also `require("../dashboardv2")`
 * or `require("../dashboardv2beta1")` at load, for their v2 twins: ~290 KiB of code that no command
 * runs but every start read. Those two requires stay requires of the installed SDK
 * (`@grafana/grafana-foundation-sdk/dashboardv2...`, resolved from dist/ at run time), so the bundle
 * leaves them out and anything that does reach them still gets the real modules.
 */
function sdkDashboardV2External() {
  return {
    name: 'sdk-dashboard-v2-external',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/dashboardv2(beta1)?$/ }, (args) => {
        if (!/[\\/]@grafana[\\/]grafana-foundation-sdk[\\/]dist[\\/]/.test(args.importer)) return undefined;
        return { path: `@grafana/grafana-foundation-sdk/${args.path.slice(3)}`, external: true };
      });
    },
  };
}

/**
 * The SDK's ~250 CommonJS files each `require("tslib")`, which esbuild resolves to tslib's ES module
 * build; a require() of a bundled ES module is `__toCommonJS(...)`, a fresh copy of tslib's ~40
 * exports for every SDK file that loads (~3 ms of `generate`). Each such require() gets one CommonJS
 * module instead that requires the ES build once: the same exports object for every SDK file.
 * (Not tslib's own CommonJS build: that one also writes its helpers onto the global object.)
 */
function tslibOnce() {
  return {
    name: 'tslib-once',
    setup(build) {
      build.onResolve({ filter: /^tslib$/ }, async (args) => {
        if (args.kind !== 'require-call' || args.pluginData === 'real') return undefined;
        const real = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'real' });
        if (real.errors.length > 0) return { errors: real.errors };
        // Named .cjs: esbuild takes a .mjs path (the ES build's) for an ES module, whatever it contains.
        return { path: `${real.path}.cjs`, namespace: 'tslib-once', pluginData: real.path };
      });
      build.onLoad({ filter: /.*/, namespace: 'tslib-once' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.pluginData)});\n`,
        loader: 'js',
        resolveDir: dirname(args.pluginData),
      }));
    },
  };
}

/**
 * Four edits to yargs' Node shim (lib/platform-shims/esm.mjs), each checked so a yargs upgrade that
 * moves them fails the build instead of slipping through:
 *  - it finds its message catalogs at `<its own file>/../../../locales`; bundled, its own file is the
 *    bundle, so point it at dist/yargs-locales (copied there by the build): messages stay translated.
 *  - it imports node:assert for two internal checks that hold on every run (~2 ms to load): compare
 *    first, and load assert only to throw its own error when a check fails.
 *  - it reads process.stdout.columns at load: make it a getter.
 *  - it looks for the package.json of the program above its own file's node_modules/ (yargs()
 *    guesses the version from it on every run); bundled, its own file is dist/cli-*.cjs, with no
 *    node_modules/ in the path, so it searched from the working directory up to / instead, and where
 *    none was found (a run outside a package) a failed check loaded node:assert and built an
 *    AssertionError, whose stack trace makes V8 index the lines of the whole bundle: ~5 ms. Point it at
 *    this package's root (dist/..), as it is when not bundled.
 */
function yargsShim() {
  const edits = [
    ["directory: resolve(__dirname, '../../../locales')", "directory: fileURLToPath(new URL('./yargs-locales', import.meta.url))"],
    [
      "import { notStrictEqual, strictEqual } from 'assert'",
      "import { createRequire as __kdCreateRequire } from 'node:module'\n" +
        "const __kdAssert = () => __kdCreateRequire(import.meta.url)('node:assert')\n" +
        'const notStrictEqual = (a, b, m) => { if (Object.is(a, b)) __kdAssert().notStrictEqual(a, b, m) }\n' +
        'const strictEqual = (a, b, m) => { if (!Object.is(a, b)) __kdAssert().strictEqual(a, b, m) }',
    ],
    ["const mainFilename = __dirname.substring(0, __dirname.lastIndexOf('node_modules'));", "const mainFilename = fileURLToPath(new URL('..', import.meta.url));"],
    // Read the terminal width when yargs asks (only without an explicit .wrap()), not at load:
    // touching process.stdout creates the stream, ~2 ms of every run.
    [
      "stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null",
      "get stdColumns() { return typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null }",
    ],
  ];
  return {
    name: 'yargs-shim',
    setup(build) {
      build.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
        let contents = readFileSync(args.path, 'utf8');
        for (const [from, to] of edits) {
          if (!contents.includes(from)) throw new Error(`${args.path}: expected "${from}" (yargs changed: update scripts/build.mjs)`);
          contents = contents.replace(from, to);
        }
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * After a command's handler starts, yargs renders that command's full help and keeps it, for the
 * case where the handler's promise fails and yargs prints the help itself (~3 ms of every run, in
 * cliui and wrap-ansi). It prints it only without a parse callback; src/cli/parser.ts always passes
 * one (and a .fail() handler that throws), so the text was never read: render it only when yargs
 * could print it.
 */
function yargsHelpOnlyWhenPrinted() {
  const from = '            if (!isDefaultCommand) {\n                yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();';
  const to = '            if (!isDefaultCommand && !yargs.getInternalMethods().hasParseCallback()) {\n                yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();';
  return {
    name: 'yargs-help-only-when-printed',
    setup(build) {
      build.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]command\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes(from)) throw new Error(`${args.path}: expected "${from.trim()}" (yargs changed: update scripts/build.mjs)`);
        return { contents: text.replace(from, to), loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * yargs measures every help line with string-width (two versions in the tree), whose module top
 * level builds an Intl.Segmenter and \p{RGI_Emoji} regexes: ~25 ms of ICU work on every start, even
 * for `generate`. Each `import 'string-width'` gets a front that answers printable ASCII itself (its
 * width is its length, as string-width 8's own fast path says) and loads the real module on the
 * first other string.
 */
function lazyStringWidth() {
  return {
    name: 'lazy-string-width',
    setup(build) {
      build.onResolve({ filter: /^string-width$/ }, async (args) => {
        if (args.pluginData === 'real') return undefined;
        const real = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'real' });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: real.path, namespace: 'lazy-string-width' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
        contents: [
          'export default function stringWidth(string, options) {',
          "  if (typeof string === 'string' && /^[\\x20-\\x7e]*$/.test(string)) return string.length;",
          `  return require(${JSON.stringify(args.path)}).default(string, options);`,
          '}',
        ].join('\n'),
        loader: 'js',
        resolveDir: dirname(args.path),
      }));
    },
  };
}

/**
 * Node built-ins imported by ES modules load when first used instead of at start. Every command
 * module is imported up front (src/cli/parser.ts), so without this `generate` would load node:https
 * and TLS for `publish` (~7 ms) and `assert` for yargs (~2 ms). Each `import ... from 'node:x'` gets
 * a module with the same export names (those of the Node that builds) as getters that require the
 * real module on first read; esbuild's interop copies them as getters, so nothing loads earlier.
 * require() calls (CommonJS dependencies) are left alone.
 */
function lazyBuiltins() {
  return {
    name: 'lazy-builtins',
    setup(build) {
      const builtins = new Set(builtinModules);
      build.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)?$/ }, (args) => {
        const name = args.path.replace(/^node:/, '');
        if (args.kind !== 'import-statement' || !builtins.has(name)) return undefined;
        return { path: name, namespace: 'lazy-builtin' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
        const names = Object.keys(requireHere(`node:${args.path}`)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
        const getters = names.map((n) => `  ${n}: { enumerable: true, get: () => load().${n} },`);
        // No __esModule marker: a default import is the module object itself, as for the real built-in.
        const contents = `let m;\nconst load = () => m ??= require(${JSON.stringify(`node:${args.path}`)});\nObject.defineProperties(exports, {\n${getters.join('\n')}\n});\n`;
        return { contents, loader: 'js' };
      });
    },
  };
}

/**
 * yargs renders the help of the command it runs on every run (it caches it for later errors), and
 * wrap-ansi walks that text character by character to carry ANSI colours across line breaks. Text
 * without an escape character comes out of that walk unchanged: return it straight away.
 */
function wrapAnsiPlainText() {
  const from = '\tconst pre = [...preString];';
  return {
    name: 'wrap-ansi-plain-text',
    setup(build) {
      build.onLoad({ filter: /[\\/]wrap-ansi[\\/]index\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes(from) || !text.includes("'\\u001B',\n\t'\\u009B',")) {
          throw new Error(`${args.path}: expected "${from}" and ESCAPES (wrap-ansi changed: update scripts/build.mjs)`);
        }
        const contents = text.replace(from, "\tif (!preString.includes('\\u001B') && !preString.includes('\\u009B')) {\n\t\treturn preString;\n\t}\n\n" + from);
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * Our own sources, read by this plugin instead of by esbuild, so that each is fingerprinted (size,
 * mtime taken before reading, sha1 of the bytes read): an edit saved while the build runs is either
 * in the bundle or seen as a change by the next run.
 */
function ownSources(root, fingerprints) {
  const loaders = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };
  return {
    name: 'own-sources',
    setup(build) {
      build.onLoad({ filter: /.*/ }, (args) => {
        const loader = loaders[extname(args.path)];
        if (args.namespace !== 'file' || !loader || /[\\/]node_modules[\\/]/.test(args.path)) return undefined;
        const { mtimeMs } = statSync(args.path);
        const bytes = readFileSync(args.path);
        fingerprints.set(toPosix(relative(root, args.path)), { size: bytes.length, mtimeMs, sha1: sha1(bytes) });
        return { contents: loader === 'json' ? bytes : bytes.toString('utf8'), loader };
      });
    },
  };
}

/** Removes build outputs that the current stamp does not name (older than a few seconds: a reader may still be opening them). */
function removeOldOutputs(dist, keep) {
  for (const name of readdirSync(dist)) {
    if (!/^cli-[0-9a-f]+\.(cjs|cjs\.map|cache)$/.test(name) && !name.endsWith('.tmp')) continue;
    if (keep.has(name)) continue;
    try {
      if (Date.now() - statSync(join(dist, name)).mtimeMs > 5_000) rmSync(join(dist, name), { force: true });
    } catch {
      // another build removed it
    }
  }
}

/** The package root of a file under node_modules (its package.json), or undefined. */
function packageJsonOf(rel) {
  const parts = rel.split('/');
  const i = parts.lastIndexOf('node_modules');
  if (i < 0) return undefined;
  const n = parts[i + 1]?.startsWith('@') ? 3 : 2;
  return [...parts.slice(0, i + n), 'package.json'].join('/');
}

/** What esbuild makes: src/cli/main.ts and everything it imports, one CommonJS file. */
export function bundleOptions(root = defaultRoot, fingerprints = new Map()) {
  return {
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.cjs',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    metafile: true,
    sourcemap: 'external',
    sourcesContent: true,
    // Minified: half the bytes to read and a smaller code cache at every start. Stack traces map
    // back to src/ with --debug (dist/*.map); nothing here or in the bundled packages reads a
    // function's or class's name (errors carry their names as strings).
    minify: true,
    legalComments: 'none',
    // The file evaluates to one function that takes CommonJS's arguments: the bin runs it through
    // vm.Script (no copy of 1.6 MB of source to wrap it at run time), and require() returns it too
    // (module.exports), which is how --debug loads it, with source-mapped stack traces.
    // import.meta does not exist in a classic script: give the bundle its own URL.
    banner: {
      js: '(typeof module=="object"?module:{}).exports=(function (exports, require, module, __filename, __dirname) {var __kd_import_meta_url=require("node:url").pathToFileURL(__filename).href;',
    },
    footer: { js: '})' },
    define: { 'import.meta.url': '__kd_import_meta_url' },
    plugins: [lazySdkIndexes(), sdkDashboardV2External(), tslibOnce(), yargsShim(), yargsHelpOnlyWhenPrinted(), lazyStringWidth(), wrapAnsiPlainText(), lazyBuiltins(), ownSources(root, fingerprints)],
  };
}

/**
 * Builds dist/. `silent` hides esbuild's messages (the bin rebuilding stale sources); `warm` runs the
 * fresh bundle once (`generate` into a scratch directory) so that dist/ holds its code cache.
 * Returns the stamp.
 */
export async function build({ root = defaultRoot, silent = false, warm = true } = {}) {
  const started = performance.now();
  const dist = join(root, 'dist');
  const recipe = readFileSync(fileURLToPath(import.meta.url)); // this build's own code, as loaded
  const fingerprints = new Map();
  const result = await esbuild.build({ ...bundleOptions(root, fingerprints), logLevel: silent ? 'silent' : 'warning' });
  const js = result.outputFiles.find((f) => f.path.endsWith('.cjs'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  const hash = sha1(js.contents).slice(0, 16);
  const bundle = `cli-${hash}.cjs`;

  mkdirSync(join(dist, 'yargs-locales'), { recursive: true });
  const yargsShimFile = Object.keys(result.metafile.inputs).find((i) => /(^|\/)node_modules\/yargs\/lib\/platform-shims\/esm\.mjs$/.test(toPosix(i)));
  const localesDir = join(root, dirname(yargsShimFile), '..', '..', 'locales');
  for (const name of readdirSync(localesDir)) {
    const text = readFileSync(join(localesDir, name));
    const target = join(dist, 'yargs-locales', name);
    let same = false;
    try {
      same = readFileSync(target).equals(text);
    } catch {}
    if (!same) writeAtomic(target, text);
  }
  // esbuild writes ASCII (charset "ascii", its default): read as latin1, the bundle skips UTF-8 decoding.
  const encoding = js.contents.every((b) => b < 0x80) ? 'latin1' : 'utf8';
  writeAtomic(join(dist, bundle), `${js.text}\n//# sourceMappingURL=${bundle}.map\n`);
  writeAtomic(join(dist, `${bundle}.map`), map.text);

  // Fingerprints of everything the bundle was made from: our sources (as bundled, above), the
  // package.json of each bundled dependency and of esbuild (an upgrade rewrites it), tsconfig.json,
  // and the build's own recipe.
  const fingerprint = (rel, contents = readFileSync(join(root, rel))) => ({ size: contents.length, mtimeMs: statSync(join(root, rel)).mtimeMs, sha1: sha1(contents) });
  const inputs = Object.fromEntries(fingerprints);
  const others = new Set(['tsconfig.json', packageJsonOf(toPosix(relative(root, fileURLToPath(import.meta.resolve('esbuild')))))]);
  for (const input of Object.keys(result.metafile.inputs)) {
    if (/^[\w-]{2,}:/.test(input)) continue; // a plugin's virtual module ("lazy-string-width:..."): its real file is an input too
    const rel = toPosix(input);
    if (!(rel in inputs)) others.add(packageJsonOf(rel) ?? rel);
  }
  for (const rel of others) inputs[rel] = fingerprint(rel);
  const self = toPosix(relative(root, fileURLToPath(import.meta.url)));
  inputs[self] = { ...fingerprint(self, recipe) };
  const sortedInputs = Object.fromEntries(Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : 1)));
  const stamp = { version: STAMP_VERSION, bundle, encoding, cache: `cli-${hash}.cache`, node: process.version, inputs: sortedInputs };
  writeAtomic(join(dist, 'stamp.json'), `${JSON.stringify(stamp, null, 1)}\n`);
  removeOldOutputs(dist, new Set([bundle, `${bundle}.map`, stamp.cache]));

  if (warm) {
    // One real run writes the code cache (the bin does that whenever the cache is missing): a plain
    // `generate`, writing to a scratch directory, so the cache covers what CI runs most.
    const bin = join(root, 'bin', 'kinesis-dashboards.js');
    rmSync(join(dist, stamp.cache), { force: true }); // same bundle as before: make its cache anew too
    const scratch = mkdtempSync(join(tmpdir(), 'kd-build-'));
    try {
      const r = spawnSync(process.execPath, [bin, 'generate', '--out', scratch], { cwd: root, encoding: 'utf8', env: { ...process.env, KINESIS_DASHBOARDS_FROM_SOURCE: '' } });
      // Not fatal: the bundle is built; the first successful run writes the cache instead.
      if (r.status !== 0 && !silent) console.warn(`warning: the warm-up run (generate) failed with exit ${r.status}; no code cache yet\n${r.stderr}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  if (!silent) {
    const kb = (n) => `${Math.round(n / 1024)} KiB`;
    console.log(`built dist/${bundle} (${kb(js.contents.length)}) from ${Object.keys(sortedInputs).length} inputs in ${Math.round(performance.now() - started)} ms`);
  }
  return stamp;
}

/** `node scripts/build.mjs [--analyze]`: --analyze prints what takes room in the bundle. */
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await build();
  if (process.argv.includes('--analyze')) {
    const result = await esbuild.build({ ...bundleOptions(), logLevel: 'silent' });
    console.log(await esbuild.analyzeMetafile(result.metafile));
  }
}
