import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TextPanelBuilder } from '@grafana/grafana-foundation-sdk/text';
import { describe, expect, it } from 'vitest';
import {
  addKinesisRows,
  alertRuleFile,
  alertRules,
  kinesisPanel,
  kinesisRows,
  kinesisRowsJson,
  kinesisVariables,
  profileNames,
  serialize,
  synth,
  UsageError,
  validate,
} from '../src/index.ts';
import { alertFile } from '../src/alerts/index.ts';
import { DashboardOptions } from '../src/config/schema.ts';
import { synth as synthFromSources } from '../src/dashboard/synth.ts';
import { validateGrafanaSchema } from './support/schema.ts';

type AnyPanel = { id: number; type: string; title?: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: { expr?: string }[] };
const ALL_ROWS = { rows: { successRates: true, recordOutcomes: true, fanOut: true, shards: true }, capacity: {} };

describe('the library', () => {
  it('synth is the CLI\'s dashboard; bad options name the field', () => {
    expect(serialize(synth({ profile: 'yace' }))).toBe(serialize(synthFromSources({ profile: 'yace' })));
    expect(() => synth({ rows: { shards: 3 } } as never)).toThrow(UsageError);
    expect(() => synth({ rows: { shards: 3 } } as never)).toThrow(/^options\.rows\.shards: true, false, or \{ "top": n \}/);
    expect(() => synth({ uid: 'a b' })).toThrow(/^options\.uid: a dashboard uid is 1 to 40 letters/);
  });

  it.each(profileNames())('kinesisRowsJson gives the dashboard\'s own panels and variables (%s, every row)', (profile) => {
    const whole = synth({ profile, ...ALL_ROWS });
    const rows = kinesisRowsJson({ profile, ...ALL_ROWS });
    expect(serialize(rows.panels)).toBe(serialize(whole.panels));
    // The dashboard adds a "shards" text box for the capacity row when the config gives no shard counts.
    expect(serialize(rows.variables)).toBe(serialize(whole.templating.list!.filter((v) => v.name !== 'shards')));
  });

  it('addKinesisRows puts the rows under your panels, numbered after them, and adds only the variables you lack', () => {
    const builder = new DashboardBuilder('Orders service')
      .uid('orders-service')
      .withPanel(new TextPanelBuilder().id(7).title('About').content('Orders API').gridPos({ x: 0, y: 0, w: 24, h: 3 }))
      .withVariable(kinesisVariables({ profile: 'yace' })[0]!);
    addKinesisRows(builder, { profile: 'yace', streams: ['orders'], only: ['Put Requests', 'Get Requests', 'Latency'] });
    const built = builder.build();
    const panels = built.panels as unknown as AnyPanel[];

    expect(panels.map((p) => (p.type === 'row' ? `# ${p.title}` : p.title))).toEqual([
      'About',
      '# Put Requests', 'Incoming Records', 'Incoming Bytes', 'Throttled PutRecords/PutRecord Requests',
      '# Get Requests', 'Outgoing Records', 'Outgoing Bytes', 'Throttled GetRecords Requests',
      '# Latency', 'Average Get Latency', 'Average Put Latency',
    ]);
    expect(panels.map((p) => p.id)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    // Below "About" (3 high), each row's panels side by side filling the 24 columns.
    expect(panels[1]!.gridPos).toEqual({ x: 0, y: 3, w: 24, h: 1 });
    expect(panels.slice(2, 5).map((p) => p.gridPos)).toEqual([
      { x: 0, y: 4, w: 8, h: 8 },
      { x: 8, y: 4, w: 8, h: 8 },
      { x: 16, y: 4, w: 8, h: 8 },
    ]);
    expect(panels[9]!.gridPos).toEqual({ x: 0, y: 21, w: 24, h: 1 });

    // The same queries as the whole dashboard for this profile draws in those panels.
    const whole = synth({ profile: 'yace', streams: ['orders'] }).panels as unknown as AnyPanel[];
    for (const p of panels.slice(1)) expect(serialize(p.targets)).toBe(serialize(whole.find((w) => w.title === p.title && w.type === p.type)!.targets));

    expect(built.templating.list!.map((v) => v.name)).toEqual(kinesisVariables({ profile: 'yace' }).map((v) => v.build().name));
    expect(validateGrafanaSchema(JSON.parse(serialize(built))), JSON.stringify(validateGrafanaSchema.errors)).toBe(true);
    expect(validate(JSON.parse(serialize(built)), 'yace')).toEqual([]);
  });

  it('kinesisRows gives SDK builders with ids from firstId and sizes but no position', () => {
    const { panels, variables } = kinesisRows({ profile: 'logzio-metric-streams', firstId: 100, only: ['Latency'] });
    expect(panels.map((p) => p.build())).toMatchObject([
      { type: 'row', id: 100, title: 'Latency' },
      { type: 'timeseries', id: 101, title: 'Average Get Latency', gridPos: { x: 0, y: 0, w: 12, h: 8 } },
      { type: 'timeseries', id: 102, title: 'Average Put Latency', gridPos: { x: 0, y: 0, w: 12, h: 8 } },
    ]);
    expect(variables.length).toBeGreaterThan(0);
  });

  it('rejects a row title the options do not have, and bad options, naming the field', () => {
    expect(() => kinesisRows({ only: ['Puts'] })).toThrow('options.only: no row titled "Puts" with these options: use some of "Put Requests", "Get Requests", "Latency"');
    expect(() => kinesisRows({ only: ['Capacity'], capacity: {} })).not.toThrow();
    expect(() => kinesisRows({ firstId: 0 })).toThrow(/^options\.firstId: /);
    expect(() => kinesisRows({ title: 'x' } as never)).toThrow(/^options: Unrecognized key: "title"/);
  });

  it('kinesisPanel builds a panel of your own from catalog signals, with the profile\'s query', () => {
    const panel = kinesisPanel(
      { kind: 'timeseries', title: 'Oldest unread record', signals: [{ metric: 'GetRecords.IteratorAgeMilliseconds', statistic: 'Maximum' }] },
      { profile: 'cloudwatch-exporter' },
    ).build() as unknown as AnyPanel & { fieldConfig: { defaults: { unit: string } } };
    expect(panel.targets!.map((t) => t.expr)).toEqual([expect.stringMatching(/^max by \(stream_name\) \(aws_kinesis_get_records_iterator_age_milliseconds_maximum\{stream_name=~"\$stream"[,}]/)]);
    expect(panel.fieldConfig.defaults.unit).toBe('ms');
    expect(() => kinesisPanel({ kind: 'timeseries', title: 'x', signals: [{ metric: 'Nope' }] })).toThrow('spec.signals.0.metric: "Nope" is not in the catalog');
    expect(() => kinesisPanel({ kind: 'pie', title: 'x', signals: [{ metric: 'IncomingBytes' }] } as never)).toThrow(/^spec\.kind: /);
  });

  it('alert rules and their file are the CLI\'s, from the same options', () => {
    const options = { profile: 'yace', uid: 'orders', capacity: { shards: { orders: 2 } } };
    expect(alertRuleFile(options).content).toBe(alertFile(DashboardOptions.parse(options), 'prometheus').content);
    expect(alertRules(options).rules.map((r) => r.name)).toContain('KinesisIteratorAgeHigh');
    expect(() => alertRuleFile(options, 'grafana')).toThrow(/^options\.alerts\.datasourceUid: /);
    expect(alertRuleFile({ ...options, alerts: { datasourceUid: 'prom' } }, 'grafana').name).toBe('orders.grafana-alerts.yaml');
    expect(() => alertRules({ profile: 'cloudwatch' })).toThrow(UsageError);
  });
});
