import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Context } from '../cli/context.ts';
import { UsageError, formatIssues } from '../errors.ts';
import type { ConfigFile } from './file.ts';
import { DashboardOptions } from './schema.ts';

/**
 * Reads and validates a JSON config file; every problem names the file and the field.
 * Returns the validated file (or its problems) and the raw JSON: dashboard fields are merged as
 * written (defaults applied once, after merging), so an entry's unset field inherits the top level's.
 */
async function readConfigFile(ctx: Context, path: string): Promise<{ file?: ConfigFile; raw: RawConfig; problems: string[] }> {
  const full = resolve(ctx.cwd, path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    throw new UsageError(`--config ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err}); pass an existing JSON file`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--config ${path}: not valid JSON (${(err as Error).message}); fix the syntax`);
  }
  // The config file's schema (and the targets') loads only when there is a file to check.
  const [{ ConfigFile }, { embeddedSecrets }] = await Promise.all([import('./file.ts'), import('./targets.ts')]);
  // Secrets first: their message says what to do instead, where "unknown key" would not.
  const secrets = embeddedSecrets(raw);
  if (secrets.length) throw new UsageError(`--config ${path}: refused\n${formatIssues(secrets, 'config')}`);
  const parsed = ConfigFile.safeParse(raw);
  return parsed.success ? { file: parsed.data, raw: raw as RawConfig, problems: [] } : { raw: raw as RawConfig, problems: formatIssues(parsed.error.issues, 'config').split('\n') };
}

type RawConfig = Record<string, unknown> & { dashboards?: Record<string, unknown>[] };

export interface DashboardFlagValues {
  config?: string;
  profile?: string;
  uid?: string;
  title?: string;
}

/** One dashboard to make: its options, the targets it goes to, and a folder overriding theirs. */
export interface PlannedDashboard {
  options: DashboardOptions;
  targets: string[];
  folder?: string;
}

/** One dashboard's options, or its problems as "field: message" lines; `where` names where a field came from. */
function parseOptions(merged: Record<string, unknown>, where: (field: string) => string): { options: DashboardOptions; problems?: undefined } | { problems: string[] } {
  const parsed = DashboardOptions.safeParse(merged);
  if (parsed.success) return { options: parsed.data };
  return { problems: parsed.error.issues.map((i) => `${[where(String(i.path[0] ?? '')), ...i.path.slice(1).map(String)].join('.')}: ${i.message}`) };
}

const dashboardKeys = () => Object.keys(DashboardOptions.shape) as (keyof DashboardOptions)[];

function pickDefined(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

/**
 * Every dashboard the config and flags describe: defaults, then the config file's top level,
 * then each `dashboards` entry, then flags (flags win).
 */
export async function loadPlan(ctx: Context, flags: DashboardFlagValues): Promise<{ dashboards: PlannedDashboard[]; file: ConfigFile }> {
  const { file, raw, problems } = flags.config ? await readConfigFile(ctx, flags.config) : { file: {} as ConfigFile, raw: {} as RawConfig, problems: [] };
  const invalid = (lines: string[]) => new UsageError(`--config ${flags.config}: invalid\n${lines.join('\n')}`);
  const flagged = pickDefined(flags as Record<string, unknown>, ['profile', 'uid', 'title']);
  const entries = Array.isArray(raw.dashboards) ? raw.dashboards : undefined;

  if (!file) {
    // Every problem at once: the file's, and those of each entry's dashboard fields (checked only once merged).
    const own = (entry: unknown, i: number) => (entry && typeof entry === 'object' ? parseOptions(pickDefined(entry as Record<string, unknown>, dashboardKeys()), (f) => `config.dashboards.${i}.${f}`).problems ?? [] : []);
    throw invalid([...problems, ...(entries ?? []).flatMap(own)]);
  }
  const topLevel = pickDefined(raw, dashboardKeys());
  const allTargets = Object.keys(file.targets ?? {});
  if (!file.dashboards || !entries) {
    const one = parseOptions({ ...topLevel, ...flagged }, (f) => (f in flagged ? `--${f}` : `config.${f}`));
    if (one.problems) throw new UsageError(one.problems.join('\n'));
    return { dashboards: [{ options: one.options, targets: allTargets }], file };
  }
  for (const f of ['uid', 'title'] as const) {
    if (flags[f] !== undefined) throw new UsageError(`--${f}: the config lists ${file.dashboards.length} dashboards, each with its own ${f}; drop --${f}`);
  }
  const entryProblems: string[] = [];
  const dashboards = file.dashboards.flatMap((entry, i) => {
    const own = pickDefined(entries[i]!, dashboardKeys());
    const made = parseOptions({ ...topLevel, ...own, ...flagged }, (f) => (f in flagged ? `--${f}` : f in own ? `config.dashboards.${i}.${f}` : `config.${f}`));
    if (made.problems) {
      entryProblems.push(...made.problems);
      return [];
    }
    return [{ options: made.options, targets: entry.targets, ...(entry.folder ? { folder: entry.folder } : {}) }];
  });
  // A bad flag fails every entry alike: said once.
  if (entryProblems.length) throw invalid([...new Set(entryProblems)]);
  return { dashboards, file };
}

/** The one dashboard of commands that make a single one (preview, and generate/publish without a list). */
export async function loadDashboardOptions(ctx: Context, flags: DashboardFlagValues): Promise<{ options: DashboardOptions; file: ConfigFile }> {
  const { dashboards, file } = await loadPlan(ctx, flags);
  if (dashboards.length > 1) throw new UsageError(`--config ${flags.config}: lists ${dashboards.length} dashboards; this command takes one`);
  return { options: dashboards[0]!.options, file };
}
