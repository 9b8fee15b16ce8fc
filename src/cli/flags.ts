import { UsageError } from '../errors.ts';

// What yargs lets through on a command line and no command should act on: a flag given twice (yargs
// makes an array of it, which the code would read as a path or URL), a flag whose value was forgotten
// (`--config` alone is "", and "" read as "no config"), a number flag without its number (yargs drops
// it, and the default would be used unsaid).

/** Flags that take several values on purpose. */
const REPEATABLE = new Set(['header', 'files']);
/** Flags for which an empty value means something (an empty version message). */
const MAY_BE_EMPTY = new Set(['message']);
/** Flags of type number: yargs drops one given without a value. */
const NUMBER_FLAGS = new Set(['--timeout', '--concurrency', '--org-id']);

/** Refuses a number flag with no value after it; `args` is the command line as given. */
export function checkNumberValues(args: readonly string[]): void {
  args.forEach((a, i) => {
    const next = args[i + 1];
    if (a === '--') return;
    if (NUMBER_FLAGS.has(a) && (next === undefined || /^--?[a-z]/i.test(next))) throw new UsageError(`${a}: has no value; give a number, or leave the flag out`);
  });
}

/** Refuses flags given twice and flags left empty; run on the parsed flags before any command. */
export function checkFlagValues(argv: Record<string, unknown>): void {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(argv)) {
    // yargs keeps a camelCase copy of every dashed flag: each is looked at once, under its dashed name.
    if (k === '_' || k === '$0' || REPEATABLE.has(k) || /[A-Z]/.test(k)) continue;
    const flag = k.length === 1 ? `-${k}` : `--${k}`;
    if (Array.isArray(v)) problems.push(`${flag}: given ${v.length} times; give it once`);
    else if (v === '' && !MAY_BE_EMPTY.has(k)) problems.push(`${flag}: has no value; give one, or leave the flag out`);
    else if (typeof v === 'number' && Number.isNaN(v)) problems.push(`${flag}: not a number`);
  }
  if (problems.length) throw new UsageError(problems.join('\n'));
}
