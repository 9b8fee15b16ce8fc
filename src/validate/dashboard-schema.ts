import { z } from 'zod';

// The parts of Grafana's classic dashboard model that `validate` checks. Objects stay open
// (Grafana adds fields every release); what is present must have the right shape.

const GridPos = z.looseObject({
  x: z.number().int().min(0, 'x starts at column 0'),
  y: z.number().int().min(0),
  w: z.number().int().min(1).max(24, 'a panel is at most 24 columns wide'),
  h: z.number().int().min(1),
});

const DatasourceRef = z.union([z.string(), z.null(), z.looseObject({ type: z.string().optional(), uid: z.string().optional() })]);

const Target = z.looseObject({
  refId: z.string().min(1, 'every query needs a refId'),
  expr: z.string().optional(),
  datasource: DatasourceRef.optional(),
});

const BasePanel = z.looseObject({
  id: z.number().int(),
  type: z.string().min(1),
  title: z.string().optional(),
  gridPos: GridPos,
  datasource: DatasourceRef.optional(),
  targets: z.array(Target).optional(),
});

export const Panel = BasePanel.extend({
  // A collapsed row keeps its panels inside it.
  panels: z.array(BasePanel).optional(),
});
export type Panel = z.infer<typeof Panel>;

const Variable = z.looseObject({
  name: z.string().regex(/^\w+$/, 'a variable name is letters, digits and "_"'),
  type: z.enum(['query', 'datasource', 'custom', 'constant', 'interval', 'textbox', 'adhoc', 'groupby', 'switch', 'system', 'snapshot']),
  query: z.unknown().optional(),
  multi: z.boolean().optional(),
  includeAll: z.boolean().optional(),
  allValue: z.string().nullable().optional(),
});

export const Dashboard = z.looseObject({
  title: z.string().min(1, 'a dashboard needs a title'),
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, 'a uid is 1 to 40 letters, digits, "-" or "_"').optional(),
  schemaVersion: z.number().int(),
  tags: z.array(z.string()).optional(),
  panels: z.array(Panel).default([]),
  templating: z.looseObject({ list: z.array(Variable).default([]) }).optional(),
});
export type Dashboard = z.infer<typeof Dashboard>;
