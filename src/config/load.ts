import { UsageError, formatIssues } from '../errors.ts';
import { isObject, jsonKind } from '../json.ts';
import { MAX_BYTES, readJsonFile } from '../read.ts';
import type { ConfigFile } from './file.ts';
import { DashboardOptions } from './schema.ts';

type ConfigModule = typeof import('./file.ts');
type RawConfig = Record<string, unknown> & { dashboards?: unknown[] };
type Issue = { path: readonly PropertyKey[]; message: string };

/**
 * Reads and checks a JSON config file. Returns the checked file (or its problems, as lines naming
 * the field) and the raw JSON: dashboard fields are merged as written (defaults applied once,
 * after merging), so an entry's unset field inherits the top level's.
 */
async function readConfigFile(cwd: string, path: string): Promise<{ file?: ConfigFile; raw: RawConfig; problems: string[]; schemas: ConfigModule }> {
  const raw = readJsonFile(cwd, path, `--config ${path}`, MAX_BYTES.config, 'pass an existing JSON file');
  // Everything below reads fields of an object: anything else is said here, in the file's terms.
  if (!isObject(raw)) throw new UsageError(`--config ${path}: invalid\nconfig: a JSON object ({ "profile": … }) is expected, not ${jsonKind(raw)}`);
  // The config file's schema (and the targets') loads only when there is a file to check.
  const [schemas, { embeddedSecrets }] = await Promise.all([import('./file.ts'), import('./targets.ts')]);
  // Secrets first: their message says what to do instead, where "unknown key" would not.
  const secrets = embeddedSecrets(raw);
  if (secrets.length) throw new UsageError(`--config ${path}: refused\n${formatIssues(secrets, 'config')}`);
  const parsed = schemas.ConfigFile.safeParse(raw);
  if (parsed.success) return { file: parsed.data, raw: raw as RawConfig, problems: [], schemas };
  return { raw: raw as RawConfig, problems: lines(parsed.error.issues, 'config'), schemas };
}

const lines = (issues: readonly Issue[], prefix: string) => (issues.length ? formatIssues(issues, prefix).split('\n') : []);

/** Which dashboards a command makes: the command line's dashboard flags (they win over the config file). */
export interface DashboardFlags {
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

/** Problems as "field: message" lines, where `where` names where each top-level field came from. */
function located(issues: readonly Issue[], where: (field: string) => string): string[] {
  return issues.map((i) => `${[where(String(i.path[0] ?? '')), ...i.path.slice(1).map(String)].join('.')}: ${i.message}`);
}

const dashboardKeys = () => Object.keys(DashboardOptions.shape) as (keyof DashboardOptions)[];

function pickDefined(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

/**
 * Every dashboard the config and flags describe: defaults, then the config file's top level,
 * then each `dashboards` entry, then flags (flags win). Each entry is parsed once, merged.
 * Every problem of the file is reported at once.
 */
export async function loadPlan(cwd: string, flags: DashboardFlags): Promise<{ dashboards: PlannedDashboard[]; file: ConfigFile }> {
  const flagged = pickDefined(flags as Record<string, unknown>, ['profile', 'uid', 'title']);
  if (!flags.config) return { dashboards: [{ options: single({}, flagged), targets: [] }], file: {} };

  const { file, raw, problems, schemas } = await readConfigFile(cwd, flags.config);
  const invalid = (found: string[]) => new UsageError(`--config ${flags.config}: invalid\n${[...new Set(found)].join('\n')}`);
  const entries = Array.isArray(raw.dashboards) ? raw.dashboards : undefined;
  // An entry's own fields, checked alone: its problems are reported along with the file's.
  const entryAlone = (entry: unknown, i: number) => {
    const r = isObject(entry) ? schemas.DashboardEntry.safeParse(entry) : undefined;
    return r && !r.success ? lines(r.error.issues, `config.dashboards.${i}`) : [];
  };
  const targetNames = Object.keys(isObject(raw.targets) ? raw.targets : {});
  const across = lines(schemas.fleetProblems(entries ?? [], targetNames), 'config');
  if (!file) throw invalid([...problems, ...across, ...(entries ?? []).flatMap(entryAlone)]);

  const topLevel = pickDefined(raw, dashboardKeys());
  if (!entries) return { dashboards: [{ options: single(topLevel, flagged), targets: targetNames }], file };
  for (const f of ['uid', 'title'] as const) {
    if (flags[f] !== undefined) throw new UsageError(`--${f}: the config lists ${entries.length} dashboards, each with its own ${f}; drop --${f}`);
  }
  const found: string[] = [...across];
  const made = entries.map((entry, i) => {
    const own = entry as Record<string, unknown>; // an object: ConfigFile checked it
    const r = schemas.DashboardEntry.safeParse({ ...topLevel, ...own, ...flagged });
    if (r.success) return r.data;
    // A field the entry lacks and the top level does not give (a required uid) is the entry's to give.
    const where = (f: string) => (f in flagged ? `--${f}` : f in own || !(f in topLevel) ? `config.dashboards.${i}${f ? `.${f}` : ''}` : `config.${f}`);
    found.push(...located(r.error.issues, where));
    return undefined;
  });
  if (found.length) throw invalid(found); // a bad flag fails every entry alike: said once
  const dashboards = made.map((d) => {
    const { targets, folder, ...options } = d!;
    return { options, targets, ...(folder ? { folder } : {}) };
  });
  return { dashboards, file };
}

/** The one dashboard of a command line (and a config file without a `dashboards` list). */
function single(topLevel: Record<string, unknown>, flagged: Record<string, unknown>): DashboardOptions {
  const parsed = DashboardOptions.safeParse({ ...topLevel, ...flagged });
  if (!parsed.success) throw new UsageError(located(parsed.error.issues, (f) => (f in flagged ? `--${f}` : `config.${f}`)).join('\n'));
  return parsed.data;
}

/** The one dashboard of commands that make a single one (preview, and generate/publish without a list). */
export async function loadDashboardOptions(cwd: string, flags: DashboardFlags): Promise<{ options: DashboardOptions; file: ConfigFile }> {
  const { dashboards, file } = await loadPlan(cwd, flags);
  if (dashboards.length > 1) throw new UsageError(`--config ${flags.config}: lists ${dashboards.length} dashboards; this command takes one`);
  return { options: dashboards[0]!.options, file };
}
