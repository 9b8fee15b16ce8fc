// Imported first by every module that builds a zod schema (a side-effect import), so that this runs
// before any schema is built, whoever imports the schema (the CLI, a test, a script).
//
// The schemas use zod/mini (building a classic schema costs several times more: most of a cold
// start's zod time), which has no messages of its own: zod's English ones, as classic zod loads them.
// zod's jit (a parser compiled per object schema on its first parse) stays on: measured, it costs a
// single dashboard nothing and makes a fleet's thousand parses faster.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
