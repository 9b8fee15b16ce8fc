import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Context } from '../cli/context.ts';
import { UsageError, formatIssues } from '../errors.ts';
import type { ConfigFile } from './file.ts';
import { DashboardOptions } from './schema.ts';

/**
 * Reads and validates a JSON config file; every problem names the file and the field.
 * Returns the validated file and the raw JSON: dashboard fields are merged as written (defaults
 * applied once, after merging), so an entry's unset field inherits the top level's.
 */
export async function readConfigFile(ctx: Context, path: string): Promise<{ file: ConfigFile; raw: RawConfig }> {
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
  if (!parsed.success) throw new UsageError(`--config ${path}: invalid\n${formatIssues(parsed.error.issues, 'config')}`);
  return { file: parsed.data, raw: raw as RawConfig };
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

function parseOptions(merged: Record<string, unknown>, where: (field: string) => string): DashboardOptions {
  const parsed = DashboardOptions.safeParse(merged);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `${[where(String(i.path[0] ?? '')), ...i.path.slice(1).map(String)].join('.')}: ${i.message}`).join('\n'));
  }
  return parsed.data;
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
  const { file, raw } = flags.config ? await readConfigFile(ctx, flags.config) : { file: {} as ConfigFile, raw: {} as RawConfig };
  const flagged = pickDefined(flags as Record<string, unknown>, ['profile', 'uid', 'title']);
  const topLevel = pickDefined(raw, dashboardKeys());
  const allTargets = Object.keys(file.targets ?? {});

  if (!file.dashboards) {
    const options = parseOptions({ ...topLevel, ...flagged }, (f) => (f in flagged ? `--${f}` : `config.${f}`));
    return { dashboards: [{ options, targets: allTargets }], file };
  }
  for (const f of ['uid', 'title'] as const) {
    if (flags[f] !== undefined) throw new UsageError(`--${f}: the config lists ${file.dashboards.length} dashboards, each with its own ${f}; drop --${f}`);
  }
  const dashboards = file.dashboards.map((entry, i) => {
    const own = pickDefined(raw.dashboards?.[i] ?? {}, dashboardKeys());
    const options = parseOptions({ ...topLevel, ...own, ...flagged }, (f) => (f in flagged ? `--${f}` : `config.dashboards.${i}.${f}`));
    return { options, targets: entry.targets, ...(entry.folder ? { folder: entry.folder } : {}) };
  });
  return { dashboards, file };
}

/** The one dashboard of commands that make a single one (preview, and generate/publish without a list). */
export async function loadDashboardOptions(ctx: Context, flags: DashboardFlagValues): Promise<{ options: DashboardOptions; file: ConfigFile }> {
  const { dashboards, file } = await loadPlan(ctx, flags);
  if (dashboards.length > 1) throw new UsageError(`--config ${flags.config}: lists ${dashboards.length} dashboards; this command takes one`);
  return { options: dashboards[0]!.options, file };
}
