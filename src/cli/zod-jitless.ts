// Imported first by main.ts, before any module that builds a zod schema.
//
// zod compiles a fast parser (new Function) for each object schema on its first parse: worth it for
// a server parsing the same shape a million times, a loss for a CLI that parses each a few times.
// zod reads `jitless` when it builds a schema, not when it parses: set it in main() and every
// schema built at module load (nearly all of them) would still compile its parser.
import { config } from 'zod';

config({ jitless: true });
