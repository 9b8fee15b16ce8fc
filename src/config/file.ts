import '../zod-config.ts';
import * as z from 'zod/mini';
import { DashboardOptions, ProfileName, Title, Uid } from './schema.ts';
import { Target, TargetName } from './targets.ts';

/**
 * A dashboard field of a `dashboards` entry: known here, checked where it is merged with the top
 * level's fields and the flags (src/config/load.ts), so that a fleet's entries are parsed once.
 */
const mergedLater = Object.fromEntries(Object.keys(DashboardOptions.shape).map((k) => [k, z.optional(z.unknown())])) as Record<keyof typeof DashboardOptions.shape, z.ZodMiniOptional<z.ZodMiniUnknown>>;

/** One dashboard of a fleet: its own uid and title, the targets it goes to, optional overrides. */
export const DashboardEntry = z.strictObject({
  ...mergedLater,
  uid: Uid,
  title: Title,
  targets: z._default(z.array(TargetName), []),
  /** Folder in every target, instead of the target's own. */
  folder: z.optional(z.string().check(z.minLength(1))),
});
export type DashboardEntry = z.infer<typeof DashboardEntry>;

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
    out: z.optional(z.string().check(z.minLength(1))),
    stdout: z.optional(z.boolean()),
    /** As `generate --format`. */
    format: z.optional(z.enum(['json', 'import'])),
    /** As `generate --provisioning DIR --folder-title … --folder-uid … --provisioning-path …`. */
    provisioning: z.optional(
      z.strictObject({
        dir: z.string().check(z.minLength(1)),
        folderTitle: z.optional(z.string()),
        folderUid: z.optional(z.string()),
        path: z.optional(z.string()),
      }),
    ),
    targets: z.optional(z.record(TargetName, Target)),
    dashboards: z.optional(z.array(DashboardEntry).check(z.minLength(1))),
  })
  .check(
    z.superRefine((c, ctx) => {
      const targets = new Set(Object.keys(c.targets ?? {}));
      const uids = new Map<string, number>();
      c.dashboards?.forEach((d, i) => {
        const seen = uids.get(d.uid);
        if (seen !== undefined) ctx.addIssue({ code: 'custom', path: ['dashboards', i, 'uid'], message: `duplicate uid "${d.uid}" (also dashboards.${seen}.uid): every dashboard needs its own` });
        uids.set(d.uid, i);
        d.targets.forEach((t, j) => {
          if (!targets.has(t)) {
            ctx.addIssue({ code: 'custom', path: ['dashboards', i, 'targets', j], message: `unknown target "${t}": define it under "targets"${targets.size ? ` (known: ${[...targets].join(', ')})` : ''}` });
          }
        });
      });
      if (c.dashboards) {
        for (const k of ['uid', 'title'] as const) {
          if (c[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `with a "dashboards" list, give each dashboard its own ${k}` });
        }
      }
    }),
  );
export type ConfigFile = z.infer<typeof ConfigFile>;
