import { join } from 'node:path';
import '../zod-config.ts';
import * as z from 'zod/mini';
import { UID_PATTERN } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { DEFAULT_PROVISIONING_PATH, PROVIDER_NAME, PROVISIONING_DASHBOARDS_DIR, PROVISIONING_YAML } from './provisioning-layout.ts';
import { writeFiles, type OutputFile } from './write.ts';
import { isOneLine, toYaml, yamlComments, YamlWord } from './yaml.ts';

export { DEFAULT_PROVISIONING_PATH, PROVIDER_NAME, PROVISIONING_DASHBOARDS_DIR, PROVISIONING_YAML } from './provisioning-layout.ts';

/**
 * Grafana file provisioning: the dashboard JSON plus the provider YAML that tells Grafana where to find it.
 *
 * Layout written under DIR (`generate --provisioning DIR`):
 *   DIR/kinesis-dashboards.yaml   → Grafana's provisioning/dashboards/ directory
 *   DIR/dashboards/<uid>.json     → the provider's options.path (default /var/lib/grafana/dashboards/kinesis)
 * Several dashboards (different --uid) can share DIR: each adds its JSON, the YAML stays one provider.
 */

/**
 * Grafana expands environment variables ($VAR, ${VAR}, $__env{VAR}, $__file{...}) in every provisioning
 * string value; "$$" is its escape for a literal "$". (A replacer function: in a replacement string "$$" means "$".)
 */
export function grafanaLiteral(text: string): string {
  return text.replaceAll('$', () => '$$');
}

const isAbsolute = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);

export const ProvisioningOptions = z
  .strictObject({
    /** The provider's `folder`: the folder's title, created by Grafana if missing. Absent: the General (root) folder. */
    folderTitle: z.optional(
      z.string().check(z.trim(), z.minLength(1, 'a folder title cannot be empty'), z.refine(isOneLine, 'a folder title must be one line of printable text')),
    ),
    /** The provider's `folderUid`: the folder looked up (or created) by uid; Grafana needs the title too. */
    folderUid: z.optional(
      z
        .string()
        .check(
          z.regex(UID_PATTERN, 'a folder uid is 1 to 40 letters, digits, "-" or "_" (Grafana\'s rule)'),
          z.refine((u) => u !== 'general', '"general" is the root folder\'s uid, which provisioning refuses: leave the uid out to provision into General'),
        ),
    ),
    /** The provider's `options.path`: where Grafana (its process, its container) reads the JSON files. */
    path: z._default(
      z
        .string()
        .check(
          z.refine(isAbsolute, 'give the absolute path where Grafana reads the JSON files (e.g. /var/lib/grafana/dashboards/kinesis)'),
          z.refine(isOneLine, 'a path must be one line of printable text'),
        ),
      DEFAULT_PROVISIONING_PATH,
    ),
  })
  .check(
    z.superRefine((o, ctx) => {
      // Grafana's file reader ignores folderUid when the folder title is empty: the dashboards would land in General.
      if (o.folderUid !== undefined && o.folderTitle === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['folderUid'],
          message: 'Grafana ignores a folder uid without a folder title (the dashboards would land in General): give the folder title too',
        });
      }
    }),
  );
export type ProvisioningOptions = z.infer<typeof ProvisioningOptions>;
export type ProvisioningOptionsInput = z.input<typeof ProvisioningOptions>;

/** The provider YAML: the same bytes for the same options. */
export function provisioningYaml(input: ProvisioningOptionsInput = {}): string {
  const o = ProvisioningOptions.parse(input);
  const lit = grafanaLiteral;
  const header = yamlComments([
    'Grafana dashboard provisioning, written by kinesis-dashboards: regenerate it instead of editing it.',
    `Put this file in Grafana's provisioning/dashboards/ directory and the JSON files of ${PROVISIONING_DASHBOARDS_DIR}/`,
    'in options.path below.',
  ]);
  const provider = {
    name: lit(PROVIDER_NAME),
    orgId: 1,
    type: new YamlWord('file'),
    folder: lit(o.folderTitle ?? ''),
    folderUid: o.folderUid === undefined ? undefined : lit(o.folderUid),
    // Changes come from the code: saving in the UI is refused; a JSON file removed removes its dashboard.
    allowUiUpdates: false,
    disableDeletion: false,
    options: { path: lit(o.path), foldersFromFilesStructure: false },
  };
  return header + toYaml({ apiVersion: 1, providers: [provider] });
}

export interface ProvisioningFile {
  /** Relative to the provisioning directory, "/"-separated. */
  path: string;
  content: string;
}

/** The files of a provisioning directory for one dashboard (its serialized JSON), YAML last. */
export function provisioningFiles(dashboard: { uid: string; json: string }, options: ProvisioningOptionsInput = {}): ProvisioningFile[] {
  if (!UID_PATTERN.test(dashboard.uid)) throw new Error(`not a dashboard uid: ${JSON.stringify(dashboard.uid)}`);
  return [
    { path: `${PROVISIONING_DASHBOARDS_DIR}/${dashboard.uid}.json`, content: dashboard.json },
    { path: PROVISIONING_YAML, content: provisioningYaml(options) },
  ];
}

/** The files as output files under `dir` (see write.ts); `what` names the flag or field that chose `dir`. */
export function provisioningOutputs(dir: string, files: ProvisioningFile[], what: string): OutputFile[] {
  return files.map((f) => ({ path: join(dir, ...f.path.split('/')), content: () => f.content, what }));
}

/** Writes the files under `dir` as one set; returns their paths. Nothing is written when a destination cannot be used. */
export function writeProvisioning(dir: string, files: ProvisioningFile[], what: string): string[] {
  return writeFiles(provisioningOutputs(dir, files, what));
}

/** The provisioning flags of `generate`. */
export interface ProvisioningFlags {
  provisioning?: string;
  folderTitle?: string;
  folderUid?: string;
  provisioningPath?: string;
}

const FLAG: Record<string, string> = { folderTitle: '--folder-title', folderUid: '--folder-uid', path: '--provisioning-path', provisioningPath: '--provisioning-path' };

/** The checked provisioning request, or undefined without --provisioning. Bad flags: a UsageError naming each. */
export function provisioningFromFlags(
  flags: ProvisioningFlags,
  /** How messages name each setting when it came from somewhere else than its flag (the config file). */
  names: Partial<Record<keyof ProvisioningFlags, string>> = {},
): { dir: string; options: ProvisioningOptions } | undefined {
  const name = (k: string) => names[(k === 'path' ? 'provisioningPath' : k) as keyof ProvisioningFlags] ?? FLAG[k] ?? '--provisioning';
  if (flags.provisioning === undefined) {
    const stray = (['folderTitle', 'folderUid', 'provisioningPath'] as const).filter((k) => flags[k] !== undefined);
    if (stray.length) throw new UsageError(stray.map((k) => `${name(k)}: only used with --provisioning DIR; add it or drop this flag`).join('\n'));
    return undefined;
  }
  if (!flags.provisioning.trim()) throw new UsageError('--provisioning: give the directory to write, e.g. --provisioning provisioning');
  // publish reads --folder-title "Team/Kinesis" as nested folders ("\/" for a slash in a title); a provider has
  // one folder: refuse a path rather than make something else of it.
  if (flags.folderTitle !== undefined && /(?<!\\)\//.test(flags.folderTitle)) {
    throw new UsageError(`${name('folderTitle')} ${flags.folderTitle}: file provisioning puts dashboards in one folder, not a path like "Team/Kinesis"; write a "/" in a title as "\\/"`);
  }
  const folderTitle = flags.folderTitle?.replaceAll('\\/', '/');
  const parsed = ProvisioningOptions.safeParse({ folderTitle, folderUid: flags.folderUid, path: flags.provisioningPath });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${name(String(i.path[0]))}: ${i.message}`).join('\n'));
  return { dir: flags.provisioning, options: parsed.data };
}
