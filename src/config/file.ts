import { z } from 'zod';
import { DashboardOptions, ProfileName, Title, Uid } from './schema.ts';
import { Target, TargetName } from './targets.ts';

/** One dashboard of a fleet: its own uid and title, the targets it goes to, optional overrides. */
export const DashboardEntry = DashboardOptions.partial()
  .extend({
    uid: Uid,
    title: Title,
    targets: z.array(TargetName).default([]),
    /** Folder in every target, instead of the target's own. */
    folder: z.string().min(1).optional(),
  })
  .strict();
export type DashboardEntry = z.infer<typeof DashboardEntry>;

/**
 * The config file (`--config FILE`): every flag of `generate`; named `targets` (where to publish);
 * and a `dashboards` list (several dashboards, each to some targets). Top-level dashboard fields
 * are defaults for every entry.
 */
export const ConfigFile = DashboardOptions.partial()
  .extend({
    // As written, without the defaults: a fleet must not inherit the default uid and title.
    uid: Uid.optional(),
    title: Title.optional(),
    profile: ProfileName.optional(),
    out: z.string().min(1).optional(),
    stdout: z.boolean().optional(),
    /** As `generate --format`. */
    format: z.enum(['json', 'import']).optional(),
    /** As `generate --provisioning DIR --folder-title … --folder-uid … --provisioning-path …`. */
    provisioning: z
      .strictObject({
        dir: z.string().min(1),
        folderTitle: z.string().optional(),
        folderUid: z.string().optional(),
        path: z.string().optional(),
      })
      .optional(),
    targets: z.record(TargetName, Target).optional(),
    dashboards: z.array(DashboardEntry).min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
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
  });
export type ConfigFile = z.infer<typeof ConfigFile>;
