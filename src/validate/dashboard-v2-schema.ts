import '../zod-config.ts';
import * as z from 'zod/mini';

// The parts of a `dashboard.grafana.app/v2beta1` dashboard that `validate` checks (the whole resource
// or its bare spec). Objects stay open; what is present must have the right shape.

const Cell = z.int().check(z.minimum(0));

const GridItem = z.looseObject({
  kind: z.literal('GridLayoutItem'),
  spec: z.looseObject({
    x: Cell,
    y: Cell,
    width: z.int().check(z.minimum(1), z.maximum(24, 'a panel is at most 24 columns wide')),
    height: z.int().check(z.minimum(1)),
    element: z.looseObject({ kind: z.literal('ElementReference'), name: z.string().check(z.minLength(1)) }),
  }),
});

const Grid = z.looseObject({ kind: z.literal('GridLayout'), spec: z.looseObject({ items: z.array(GridItem) }) });

export interface V2LayoutJson {
  kind: string;
  spec: { items?: z.infer<typeof GridItem>[]; rows?: { spec: { title?: string; layout: V2LayoutJson } }[]; tabs?: { spec: { title?: string; layout: V2LayoutJson } }[] };
}

// Rows and tabs nest layouts; auto grids place their items themselves (nothing to check).
const Layout: z.ZodMiniType<V2LayoutJson> = z.union([
  Grid,
  z.looseObject({ kind: z.literal('AutoGridLayout'), spec: z.looseObject({}) }),
  z.looseObject({
    kind: z.literal('RowsLayout'),
    spec: z.looseObject({ rows: z.array(z.looseObject({ kind: z.literal('RowsLayoutRow'), spec: z.looseObject({ title: z.optional(z.string()), get layout() { return Layout; } }) })) }),
  }),
  z.looseObject({
    kind: z.literal('TabsLayout'),
    spec: z.looseObject({ tabs: z.array(z.looseObject({ kind: z.literal('TabsLayoutTab'), spec: z.looseObject({ title: z.optional(z.string()), get layout() { return Layout; } }) })) }),
  }),
], { error: 'a layout: GridLayout, RowsLayout, AutoGridLayout or TabsLayout with its spec' }) as z.ZodMiniType<V2LayoutJson>;

const PanelQuery = z.looseObject({
  kind: z.literal('PanelQuery'),
  spec: z.looseObject({
    refId: z.string().check(z.minLength(1, 'every query needs a refId')),
    query: z.looseObject({ kind: z.literal('DataQuery'), group: z.string(), spec: z.nullable(z.looseObject({ expr: z.optional(z.string()) })) }),
  }),
});

const Element = z.union([
  z.looseObject({
    kind: z.literal('Panel'),
    spec: z.looseObject({
      id: z.number(),
      title: z.string(),
      data: z.looseObject({ kind: z.literal('QueryGroup'), spec: z.looseObject({ queries: z.array(PanelQuery) }) }),
      vizConfig: z.looseObject({ kind: z.literal('VizConfig'), group: z.string().check(z.minLength(1)) }),
    }),
  }),
  z.looseObject({ kind: z.literal('LibraryPanel'), spec: z.looseObject({ id: z.number(), title: z.string() }) }),
]);

const Variable = z.looseObject({
  kind: z.string().check(z.regex(/Variable$/, 'a variable kind such as QueryVariable')),
  spec: z.looseObject({ name: z.string().check(z.regex(/^\w+$/, 'a variable name is letters, digits and "_"')) }),
});

export const V2Spec = z.looseObject({
  title: z.string().check(z.minLength(1, 'a dashboard needs a title')),
  tags: z.optional(z.array(z.string())),
  elements: z.record(z.string(), Element),
  layout: Layout,
  variables: z._default(z.array(Variable), []),
});
export type V2Spec = z.infer<typeof V2Spec>;

export const V2Resource = z.looseObject({
  apiVersion: z.string().check(z.regex(/^dashboard\.grafana\.app\/v2/, 'a v2 dashboard resource is dashboard.grafana.app/v2beta1')),
  kind: z.literal('Dashboard'),
  metadata: z.looseObject({ name: z.string().check(z.regex(/^[a-zA-Z0-9_-]{1,40}$/, 'metadata.name is the uid: 1 to 40 letters, digits, "-" or "_"')) }),
  spec: V2Spec,
});
