// Imported first by every module that builds a zod schema (a side-effect import), so that this runs
// before any schema is built, whoever imports the schema (the CLI, a test, a script).
//
// zod compiles a fast parser (new Function) for each object schema on its first parse: worth it for
// a server parsing the same shape a million times, a loss for a CLI that parses each a few times.
// zod reads `jitless` when it builds a schema, not when it parses: set it in main() and every
// schema built at module load (nearly all of them) would still compile its parser.
//
// The schemas use zod/mini (building a classic schema costs several times more: most of a cold
// start's zod time), which has no messages of its own: zod's English ones, as classic zod loads them.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config({ jitless: true, ...en() });
