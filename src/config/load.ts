import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Context } from '../cli/context.ts';
import { UsageError, formatIssues } from '../errors.ts';
import { ConfigFile, DashboardOptions } from './schema.ts';

/** Reads and validates a JSON config file; every problem names the file and the field. */
export async function readConfigFile(ctx: Context, path: string): Promise<ConfigFile> {
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
  const parsed = ConfigFile.safeParse(raw);
  if (!parsed.success) throw new UsageError(`--config ${path}: invalid\n${formatIssues(parsed.error.issues, 'config')}`);
  return parsed.data;
}

/** The dashboard's options: defaults, then the config file, then flags (flags win). */
export async function loadDashboardOptions(
  ctx: Context,
  flags: { config?: string; profile?: string; uid?: string; title?: string },
): Promise<{ options: DashboardOptions; file: ConfigFile }> {
  const file = flags.config ? await readConfigFile(ctx, flags.config) : {};
  const merged = {
    profile: flags.profile ?? file.profile,
    uid: flags.uid ?? file.uid,
    title: flags.title ?? file.title,
    tags: file.tags,
  };
  const parsed = DashboardOptions.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const field = String(i.path[0] ?? '');
      const where = (flags as Record<string, unknown>)[field] !== undefined ? `--${field}` : `config.${field}`;
      return `${where}: ${i.message}`;
    });
    throw new UsageError(lines.join('\n'));
  }
  return { options: parsed.data, file };
}
