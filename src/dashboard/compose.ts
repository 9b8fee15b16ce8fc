import '../zod-config.ts';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as z from 'zod/mini';
import { buildPanel } from '../../panels/build.ts';
import { splitWidth } from '../../panels/layout.ts';
import { PanelSpec, type RowSpec } from '../../panels/spec.ts';
import { catalog } from '../catalog/index.ts';
import { DashboardOptions } from '../config/schema.ts';
import { formatIssues, UsageError } from '../errors.ts';
import { getProfile, type Profile } from '../profiles/index.ts';
import { profileSettings } from '../config/profile-settings.ts';
import { rowsFor } from './synth.ts';

// The Kinesis rows for a dashboard someone else owns: the same rows, panels and queries as `synth`
// makes, as Grafana Foundation SDK builders to add to any DashboardBuilder, or as plain JSON.

/** The dashboard options that shape panels (the config file's), and which rows to take. */
export const KinesisRowsOptions = z.extend(z.omit(DashboardOptions, { uid: true, title: true, tags: true, alerts: true }), {
  /** Only the rows with these titles, in the dashboard's order; rows without a title (the seed's stat panels) are then left out. */
  only: z.optional(z.array(z.string()).check(z.minLength(1, 'name at least one row title, or leave "only" out for every row'))),
  /** The id of the first row or panel; the others follow. Default 1. */
  firstId: z.optional(z.int().check(z.positive())),
});
export type KinesisRowsOptions = z.input<typeof KinesisRowsOptions>;
type ParsedOptions = z.infer<typeof KinesisRowsOptions>;

/** A panel the SDK can build: what `kinesisPanel` and the rows return. */
export type KinesisPanelBuilder = stat.PanelBuilder | timeseries.PanelBuilder;

export interface KinesisRows {
  /** Rows and their panels in reading order, with ids and sizes; DashboardBuilder places them (withRow / withPanel). */
  panels: (dashboard.RowBuilder | KinesisPanelBuilder)[];
  /** The template variables the queries use ($datasource, $stream, ...), in the order the dashboard shows them. */
  variables: cog.Builder<dashboard.VariableModel>[];
}

/** Options parsed by their schema; bad input names the field. */
export function parseOptions<S extends z.ZodMiniType>(schema: S, input: unknown, name = 'options'): z.infer<S> {
  const parsed = z.safeParse(schema, input);
  if (!parsed.success) throw new UsageError(formatIssues(parsed.error.issues, name));
  return parsed.data;
}

function selectRows(options: ParsedOptions): RowSpec[] {
  const rows = rowsFor(options);
  if (!options.only) return rows;
  const titles = rows.flatMap((r) => (r.title ? [r.title] : []));
  const unknown = options.only.filter((t) => !titles.includes(t));
  if (unknown.length) {
    throw new UsageError(`options.only: no row titled ${unknown.map((t) => `"${t}"`).join(', ')} with these options: use some of ${titles.map((t) => `"${t}"`).join(', ')}`);
  }
  return rows.filter((r) => r.title !== undefined && options.only!.includes(r.title));
}

function profileFor(options: ParsedOptions): Profile {
  return getProfile(options.profile, profileSettings(options));
}

/**
 * The Kinesis rows as SDK builders. Panels carry their width and height but no position: a
 * DashboardBuilder lays them out after what it already holds (each row's widths fill the grid's 24
 * columns, so its flow layout gives the same rows as `synth`).
 */
export function kinesisRows(input: KinesisRowsOptions = {}): KinesisRows {
  const options = parseOptions(KinesisRowsOptions, input);
  const profile = profileFor(options);
  let id = options.firstId ?? 1;
  const panels: KinesisRows['panels'] = [];
  for (const row of selectRows(options)) {
    if (row.title) panels.push(new dashboard.RowBuilder(row.title).id(id++));
    const widths = splitWidth(row.panels.length);
    row.panels.forEach((spec, i) => panels.push(buildPanel(spec, profile).id(id++).gridPos({ x: 0, y: 0, w: widths[i]!, h: row.height })));
  }
  return { panels, variables: profile.variables() };
}

/**
 * Adds the Kinesis rows under what `builder` already holds, numbered after its highest panel id, and
 * the template variables it does not have yet (by name). Returns the builder.
 */
export function addKinesisRows(builder: dashboard.DashboardBuilder, input: KinesisRowsOptions = {}): dashboard.DashboardBuilder {
  const { panels: existing = [], templating } = builder.build();
  const ids = existing.flatMap((p) => [p.id ?? 0, ...('panels' in p ? (p.panels ?? []).map((q) => q.id ?? 0) : [])]);
  const rows = kinesisRows({ firstId: Math.max(0, ...ids) + 1, ...input });
  const names = new Set((templating?.list ?? []).map((v) => v.name));
  for (const v of rows.variables) if (!names.has(v.build().name)) builder.withVariable(v);
  for (const p of rows.panels) {
    if (p instanceof dashboard.RowBuilder) builder.withRow(p);
    else builder.withPanel(p);
  }
  return builder;
}

/** The Kinesis rows as plain dashboard JSON, laid out from the top (y = 0), and the variables they use. */
export function kinesisRowsJson(input: KinesisRowsOptions = {}): { panels: (dashboard.Panel | dashboard.RowPanel)[]; variables: dashboard.VariableModel[] } {
  const built = addKinesisRows(new dashboard.DashboardBuilder(''), input).build();
  return { panels: built.panels ?? [], variables: built.templating.list ?? [] };
}

/**
 * One panel of your own from catalog signals, with the queries, unit and description the profile
 * gives them. Set its id and position where you add it.
 */
export function kinesisPanel(spec: z.input<typeof PanelSpec>, options: KinesisRowsOptions = {}): KinesisPanelBuilder {
  const parsed = parseOptions(PanelSpec, spec, 'spec');
  parsed.signals.forEach((s, i) => {
    for (const [field, id] of [['metric', s.metric], ['ratioTo.metric', s.ratioTo?.metric]] as const) {
      if (id !== undefined && !catalog().has(id)) throw new UsageError(`spec.signals.${i}.${field}: "${id}" is not in the catalog: use a metric id such as "IncomingBytes" (catalog() lists them)`);
    }
  });
  return buildPanel(parsed, profileFor(parseOptions(KinesisRowsOptions, options)));
}

/** The template variables the Kinesis panels' queries use ($datasource, $stream, ...), for a dashboard of your own. */
export function kinesisVariables(options: KinesisRowsOptions = {}): cog.Builder<dashboard.VariableModel>[] {
  return profileFor(parseOptions(KinesisRowsOptions, options)).variables();
}
