// The one place the build rewrites a dependency's file. Measured in instructions of a cold
// `generate` (valgrind): without it a start costs a third of `node -e 0` more (165 M).
//
// The Grafana Foundation SDK is CommonJS, which esbuild cannot tree-shake, and each of its modules
// (`@grafana/grafana-foundation-sdk/<module>`) is an index that only re-exports its files:
//   tslib_1.__exportStar(require("./panelBuilder.gen"), exports);
// Loading `timeseries` for its panel builder therefore runs every file of it, among them the
// dashboard v2 builders and, through them, the v2 schema. This build gives each such index the same
// exports as getters, so a file runs when one of its exports is first read; the files that need
// the v2 schema are not bundled at all, their exports read from the installed SDK. An index or a
// file of any other shape fails the build: a new SDK version must be looked at, not bundled blindly.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const installed = 'installed-sdk:';
const boilerplate = new Set(['"use strict";', 'Object.defineProperty(exports, "__esModule", { value: true });', 'const tslib_1 = require("tslib");']);

/** The lazy index that stands in for the SDK index file at `path`. */
export function lazySdkIndex(path) {
  const fail = (why) => {
    throw new Error(`${path}: ${why}; the Grafana Foundation SDK changed: update scripts/sdk-lazy-indexes.mjs`);
  };
  const files = [];
  for (const line of readFileSync(path, 'utf8').split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('//') || boilerplate.has(line)) continue;
    const m = /^tslib_1\.__exportStar\(require\("(\.\/[\w.-]+)"\), exports\);$/.exec(line);
    if (!m) fail(`expected only re-exports, found ${JSON.stringify(line)}`);
    files.push(m[1]);
  }
  const getters = new Map(); // export name -> where it is read; the first file wins, as with __exportStar
  for (const file of files) {
    const source = readFileSync(join(dirname(path), `${file}.js`), 'utf8');
    if (/__exportStar|Object\.defineProperty\(exports, "(?!__esModule)/.test(source)) fail(`${file}.js exports in a way this rewrite does not read`);
    // The dashboard v2 twins of the builders require the v2 schema: read from the installed SDK.
    const from = /require\("\.\.\/dashboardv2/.test(source) ? `${installed}${basename(dirname(path))}` : file;
    for (const [, name] of source.matchAll(/\bexports\.([A-Za-z_$][\w$]*)\s*=/g)) {
      if (name !== 'default' && !getters.has(name)) getters.set(name, from);
    }
  }
  const body = [...getters].map(([name, from]) => `  ${name}: { enumerable: true, get: () => require(${JSON.stringify(from)}).${name} },`);
  return `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nObject.defineProperties(exports, {\n${body.join('\n')}\n});\n`;
}

/** The esbuild plugin: every SDK index the bundle loads becomes a lazy one. */
export const sdkLazyIndexes = {
  name: 'sdk-lazy-indexes',
  setup(build) {
    build.onLoad({ filter: /[\\/]@grafana[\\/]grafana-foundation-sdk[\\/]dist[\\/][^\\/]+[\\/]index\.js$/ }, (args) => ({
      contents: lazySdkIndex(args.path),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
    build.onResolve({ filter: /^installed-sdk:/ }, (args) => ({ path: `@grafana/grafana-foundation-sdk/${args.path.slice(installed.length)}`, external: true }));
  },
};
