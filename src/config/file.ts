import '../zod-config.ts';
import * as z from 'zod/mini';
import { DashboardOptions, FolderPath, ProfileName, Title, Uid } from './schema.ts';
import { OWNER_PATTERN } from '../dashboard/tags.ts';
import { Target, TargetName } from './targets.ts';

/**
 * One dashboard of a fleet as it is made: its `dashboards` entry merged over the top level's
 * dashboard fields and the flags (src/config/load.ts), parsed once: its own uid and title, the
 * targets it goes to, optional overrides.
 */
export const DashboardEntry = z.strictObject({
  ...DashboardOptions.shape,
  uid: Uid,
  title: Title,
  targets: z._default(z.array(TargetName), []),
  /** Folder in every target, instead of the target's own. */
  folder: z.optional(FolderPath),
});
export type DashboardEntry = z.infer<typeof DashboardEntry>;

/** The most dashboards one config lists: each is a file of ~100 KB and a request per target. */
export const MAX_FLEET = 5000;

/**
 * The config file (`--config FILE`): every flag of `generate`; named `targets` (where to publish);
 * and a `dashboards` list (several dashboards, each to some targets). Top-level dashboard fields
 * are defaults for every entry.
 */
export const ConfigFile = z
  .strictObject({
    ...z.partial(DashboardOptions).shape,
    // As written, without the defaults: a fleet must not inherit the default uid and title.
    uid: z.optional(Uid),
    title: z.optional(Title),
    profile: z.optional(ProfileName),
    out: z.optional(z.string().check(z.minLength(1), z.refine((o) => !/[\u0000-\u001f]/.test(o), 'a directory path of printable characters'))),
    stdout: z.optional(z.boolean()),
    /** As `generate --format`. */
    format: z.optional(z.enum(['json', 'import'])),
    /**
     * Who publishes: every dashboard this configuration publishes carries it (a tag, and a label on the
     * Kubernetes-style API), and `publish --prune` deletes only dashboards carrying it. Default: the
     * config file's name; `--prune` needs it written here.
     */
    owner: z.optional(z.string().check(z.regex(OWNER_PATTERN, 'an owner id is 1 to 40 lower-case letters, digits, ".", "-" or "_", starting and ending with a letter or digit (e.g. the repository\'s name)'))),
    /** As `--schema` of generate, publish and diff: v1 (classic JSON) or v2 (dashboard.grafana.app/v2beta1). */
    schema: z.optional(z.enum(['v1', 'v2'])),
    /** As `generate --provisioning DIR --folder-title … --folder-uid … --provisioning-path …`. */
    provisioning: z.optional(
      z.strictObject({
        dir: z.string().check(z.minLength(1), z.refine((o) => !/[\u0000-\u001f]/.test(o), 'a directory path of printable characters')),
        folderTitle: z.optional(z.string()),
        folderUid: z.optional(z.string()),
        path: z.optional(z.string()),
      }),
    ),
    targets: z.optional(z.record(TargetName, Target)),
    /** Objects here; each is checked as a DashboardEntry once merged (src/config/load.ts). */
    dashboards: z.optional(z.array(z.looseObject({})).check(z.minLength(1), z.maxLength(MAX_FLEET, `at most ${MAX_FLEET} dashboards in one config: split the fleet into several configs`))),
  })
  .check(
    z.superRefine((c, ctx) => {
      if (c.dashboards) {
        for (const k of ['uid', 'title'] as const) {
          if (c[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `with a "dashboards" list, give each dashboard its own ${k}` });
        }
      }
    }),
  );
export type ConfigFile = z.infer<typeof ConfigFile>;

/**
 * What no one entry shows: uids used twice, targets the file does not define. Read from the entries
 * as written (whatever else is wrong with them, reported by their own check). Paths from the file's root.
 */
export function fleetProblems(entries: readonly unknown[], targetNames: readonly string[]): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const targets = new Set(targetNames);
  const uids = new Map<string, number>();
  entries.forEach((entry, i) => {
    const d = (entry ?? {}) as { uid?: unknown; targets?: unknown };
    if (typeof d.uid === 'string') {
      const seen = uids.get(d.uid);
      if (seen !== undefined) problems.push({ path: ['dashboards', i, 'uid'], message: `duplicate uid "${d.uid}" (also dashboards.${seen}.uid): every dashboard needs its own` });
      uids.set(d.uid, i);
    }
    (Array.isArray(d.targets) ? d.targets : []).forEach((t, j) => {
      if (typeof t === 'string' && !targets.has(t)) {
        problems.push({ path: ['dashboards', i, 'targets', j], message: `unknown target "${t}": define it under "targets"${targets.size ? ` (known: ${[...targets].join(', ')})` : ''}` });
      }
    });
  });
  return problems;
}
