import '../zod-config.ts';
import * as z from 'zod/mini';

// The parts of Grafana's classic dashboard model that `validate` checks. Objects stay open
// (Grafana adds fields every release); what is present must have the right shape.

const GridPos = z.looseObject({
  x: z.int().check(z.minimum(0, 'x starts at column 0')),
  y: z.int().check(z.minimum(0)),
  w: z.int().check(z.minimum(1), z.maximum(24, 'a panel is at most 24 columns wide')),
  h: z.int().check(z.minimum(1)),
});

const DatasourceRef = z.union([z.string(), z.null(), z.looseObject({ type: z.optional(z.string()), uid: z.optional(z.string()) })]);

const Target = z.looseObject({
  refId: z.string().check(z.minLength(1, 'every query needs a refId')),
  expr: z.optional(z.string()),
  datasource: z.optional(DatasourceRef),
});

const BasePanel = z.looseObject({
  id: z.int(),
  type: z.string().check(z.minLength(1)),
  title: z.optional(z.string()),
  gridPos: GridPos,
  datasource: z.optional(DatasourceRef),
  targets: z.optional(z.array(Target)),
});

export const Panel = z.extend(BasePanel, {
  // A collapsed row keeps its panels inside it.
  panels: z.optional(z.array(BasePanel)),
});
export type Panel = z.infer<typeof Panel>;

const Variable = z.looseObject({
  name: z.string().check(z.regex(/^\w+$/, 'a variable name is letters, digits and "_"')),
  type: z.enum(['query', 'datasource', 'custom', 'constant', 'interval', 'textbox', 'adhoc', 'groupby', 'switch', 'system', 'snapshot']),
  query: z.optional(z.unknown()),
  multi: z.optional(z.boolean()),
  includeAll: z.optional(z.boolean()),
  allValue: z.optional(z.nullable(z.string())),
});

export const Dashboard = z.looseObject({
  title: z.string().check(z.minLength(1, 'a dashboard needs a title')),
  uid: z.optional(z.string().check(z.regex(/^[a-zA-Z0-9_-]{1,40}$/, 'a uid is 1 to 40 letters, digits, "-" or "_"'))),
  schemaVersion: z.int(),
  tags: z.optional(z.array(z.string())),
  panels: z._default(z.array(Panel), []),
  templating: z.optional(z.looseObject({ list: z._default(z.array(Variable), []) })),
});
export type Dashboard = z.infer<typeof Dashboard>;
