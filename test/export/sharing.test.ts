import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inputName, MIN_GRAFANA_VERSION, SCHEMA_VERSION, toSharingFormat } from '../../src/output/sharing.ts';
import { getProfile, profileNames } from '../../src/profiles/index.ts';
import { prepareForPublish } from '../../src/publish/prepare.ts';
import { canonical, serialize } from '../../src/output/serialize.ts';
import { synth } from '../../src/dashboard/synth.ts';
import { cli, tempDir } from '../support/cli.ts';
import { startGrafanaStandin, type GrafanaStandin } from '../support/grafana-standin.ts';
import { validateGrafanaSchema } from '../support/schema.ts';

type Obj = Record<string, any>;

/** What `generate --profile p` writes, parsed. */
const plain = (profile: string): Obj => JSON.parse(serialize(synth({ profile })));
const sharing = (profile: string): Obj => JSON.parse(serialize(toSharingFormat(synth({ profile }), getProfile(profile))));

/** Every object held under a `datasource` key, with where it is. */
function datasourceRefs(value: unknown, path = '$'): { path: string; ref: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => datasourceRefs(v, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(k === 'datasource' ? [{ path: `${path}.${k}`, ref: v }] : []),
    ...datasourceRefs(v, `${path}.${k}`),
  ]);
}

const allPanels = (d: Obj): Obj[] => (d.panels as Obj[]).flatMap((p) => [p, ...((p.panels as Obj[] | undefined) ?? [])]);
const datasourceVariable = (d: Obj): Obj => (d.templating.list as Obj[]).find((v) => v.type === 'datasource')!;

/** Grafana's import evaluator: `${NAME}` of every declared input replaced in every string; the __ keys dropped. */
function substitute(d: Obj, values: Record<string, string>): Obj {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/\$\{.+?\}/g, (m) => values[m.slice(2, -1)] ?? m);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const { __inputs, __elements, __requires, ...rest } = walk(d) as Obj;
  return rest;
}

/** What importing must yield: `generate`'s dashboard with the datasource chosen on import as the variable's current. */
function expectedImport(profile: string, uid: string): Obj {
  const d = plain(profile);
  datasourceVariable(d).current = { selected: true, text: '', value: uid };
  return d;
}

const withoutServerFields = ({ id, version, ...rest }: Obj): Obj => rest;

describe.each(profileNames())('toSharingFormat, profile %s', (name) => {
  const profile = getProfile(name);
  const ds = profile.datasource;
  const input = inputName(ds.name);
  const placeholder = `\${${input}}`;

  it('declares one datasource input and nothing else a user must choose', () => {
    const s = sharing(name);
    expect(s.__inputs).toEqual([{ name: input, label: ds.name, description: '', type: 'datasource', pluginId: ds.type, pluginName: ds.name }]);
    expect(input).toMatch(/^DS_[A-Z0-9_]+$/);
    expect(s.__elements).toEqual({});
    expect(s.id).toBeNull();
    // No constant variables to become inputs: region/account/stream are query variables.
    expect((s.templating.list as Obj[]).filter((v) => v.type === 'constant')).toEqual([]);
  });

  it('requires Grafana, the datasource plugin and every panel plugin used, sorted by id', () => {
    const s = sharing(name);
    const panelTypes = [...new Set(allPanels(plain(name)).map((p) => p.type as string))].filter((t) => t !== 'row');
    expect(panelTypes.length).toBeGreaterThan(0);
    const ids = (s.__requires as Obj[]).map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(s.__requires).toEqual(
      expect.arrayContaining([
        { type: 'grafana', id: 'grafana', name: 'Grafana', version: MIN_GRAFANA_VERSION },
        { type: 'datasource', id: ds.type, name: ds.name, version: '1.0.0' },
      ]),
    );
    const panels = (s.__requires as Obj[]).filter((r) => r.type === 'panel');
    expect(panels.map((p) => p.id).sort()).toEqual([...panelTypes].sort());
    expect(panels.every((p) => p.version === '' && typeof p.name === 'string' && p.name !== '')).toBe(true);
    expect(s.__requires).toHaveLength(2 + panelTypes.length);
    if (panelTypes.includes('timeseries')) expect(panels).toContainEqual({ type: 'panel', id: 'timeseries', name: 'Time series', version: '' });
    if (panelTypes.includes('stat')) expect(panels).toContainEqual({ type: 'panel', id: 'stat', name: 'Stat', version: '' });
  });

  it('routes every datasource reference through the input: ${datasource} everywhere, the variable opens on ${DS_...}', () => {
    const s = sharing(name);
    const refs = datasourceRefs(s);
    expect(refs.length).toBeGreaterThan(0);
    for (const { path, ref } of refs) {
      const r = ref as Obj;
      // Grafana's expressions are built in (no input); everything else goes through the datasource variable.
      if (r.type === '__expr__') continue;
      expect({ path, ref }).toEqual({ path, ref: { type: ds.type, uid: '${datasource}' } });
    }
    const variable = datasourceVariable(s);
    expect(variable).toMatchObject({ name: 'datasource', type: 'datasource', query: ds.type });
    expect(variable.current).toEqual({ selected: true, text: '', value: placeholder });
    // The only placeholder is the declared input's.
    expect(JSON.stringify(s).match(/\$\{DS_[A-Za-z0-9_]*\}/g)).toEqual([placeholder]);
  });

  it('changes nothing else: the plain dashboard plus the sharing keys, id null and the variable\'s current', () => {
    const s = sharing(name);
    const { __inputs, __elements, __requires, id, ...rest } = s;
    delete datasourceVariable(rest).current;
    expect(rest).toEqual(plain(name));
  });

  it('never puts a ${DS_ placeholder in generate\'s plain output', () => {
    expect(serialize(synth({ profile: name }))).not.toContain('${DS_');
  });

  it('is deterministic and leaves its argument alone', () => {
    const d = synth({ profile: name });
    const before = serialize(d);
    const a = serialize(toSharingFormat(d, profile));
    expect(serialize(d)).toBe(before);
    expect(serialize(toSharingFormat(synth({ profile: name }), profile))).toBe(a);
  });

  it('is the sharing format, not a dashboard: Grafana\'s JSON Schema refuses it, and the imported result passes', () => {
    const s = sharing(name);
    expect(validateGrafanaSchema(s)).toBe(false);
    const extra = (validateGrafanaSchema.errors ?? []).filter((e) => e.keyword === 'additionalProperties' && e.instancePath === '').map((e) => (e.params as Obj).additionalProperty);
    expect(extra.sort()).toEqual(['__elements', '__inputs', '__requires']);
    // What the import stores is as valid as what generate makes (it adds no schema error of its own).
    const errors = (d: Obj) => (validateGrafanaSchema(d), (validateGrafanaSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
    expect(errors({ ...expectedImport(name, 'prom-uid-1'), id: 7, version: 1 })).toEqual(errors(plain(name)));
    expect(() => prepareForPublish(s, 'aws-kinesis.import.json')).toThrow(/\$\{DS_|__inputs/);
  });

  describe('imported through POST /api/dashboards/import', () => {
    let grafana: GrafanaStandin;
    beforeEach(async () => void (grafana = await startGrafanaStandin()));
    afterEach(() => grafana.close());

    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${grafana.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: 'Bearer test-token' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Obj };
    };

    it('yields exactly what generate makes, with the chosen datasource selected (id and version are the server\'s)', async () => {
      const chosen = 'logzio-metrics-7a1';
      const s = sharing(name);
      const imported = await call('POST', '/api/dashboards/import', {
        dashboard: s,
        overwrite: true,
        inputs: [{ name: input, type: 'datasource', pluginId: ds.type, value: chosen }],
        folderUid: '',
      });
      expect(imported).toMatchObject({ status: 200, body: { uid: s.uid, title: s.title, imported: true, importedUrl: `/d/${s.uid}/amazon-kinesis` } });

      const got = await call('GET', `/api/dashboards/uid/${s.uid}`);
      expect(got.status).toBe(200);
      expect(got.body.dashboard).toMatchObject({ id: expect.any(Number), version: 1 });
      const stored = canonical(withoutServerFields(got.body.dashboard));
      expect(stored).toEqual(canonical(expectedImport(name, chosen)));
      // The same as the import evaluator's substitution of the sharing file.
      expect(stored).toEqual(canonical(withoutServerFields(substitute(s, { [input]: chosen }))));

      // Importing again (overwrite) replaces it: the same content, the next version.
      const again = await call('POST', '/api/dashboards/import', { dashboard: s, overwrite: true, inputs: [{ name: input, type: 'datasource', pluginId: ds.type, value: chosen }], folderUid: '' });
      expect(again.status).toBe(200);
      const second = await call('GET', `/api/dashboards/uid/${s.uid}`);
      expect(second.body.dashboard.version).toBe(2);
      expect(canonical(withoutServerFields(second.body.dashboard))).toEqual(stored);
    });

    it('fails without the input, as Grafana does (500), and stores nothing', async () => {
      const s = sharing(name);
      const r = await call('POST', '/api/dashboards/import', { dashboard: s, overwrite: true, inputs: [], folderUid: '' });
      expect(r).toEqual({ status: 500, body: { message: 'Failed to save dashboard', traceID: '' } });
      expect((await call('GET', `/api/dashboards/uid/${s.uid}`)).status).toBe(404);
      expect(grafana.state.writes).toBe(0);
    });
  });
});

describe('the JSON our sharing form is written in', () => {
  it('is schemaVersion 42, the version MIN_GRAFANA_VERSION was chosen for (re-check it when this changes)', () => {
    expect(synth().schemaVersion).toBe(SCHEMA_VERSION);
  });
});

describe('toSharingFormat, beyond our dashboards', () => {
  const prometheus = { datasource: { type: 'prometheus', name: 'Prometheus' } };

  it('templates a concrete datasource reference as Grafana\'s exporter does, and names the input from the datasource', () => {
    const s = toSharingFormat(
      { title: 't', uid: 'u', panels: [{ id: 1, type: 'stat', datasource: { type: 'prometheus', uid: 'abc' }, targets: [{ refId: 'A', datasource: { type: 'prometheus', uid: 'abc' } }] }] },
      prometheus,
    ) as Obj;
    expect(s.panels[0].datasource).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
    expect(s.panels[0].targets[0].datasource).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
    expect(s.__inputs).toHaveLength(1);
    expect(inputName('My Metrics (prod)')).toBe('DS_MY_METRICS_PROD_');
  });

  it('handles a CloudWatch datasource from the profile alone', () => {
    const s = toSharingFormat(
      {
        title: 't',
        uid: 'u',
        panels: [{ id: 1, type: 'timeseries', datasource: { type: 'cloudwatch', uid: '${datasource}' }, targets: [{ refId: 'A', datasource: { type: 'cloudwatch', uid: '${datasource}' } }] }],
        templating: { list: [{ name: 'datasource', type: 'datasource', query: 'cloudwatch' }] },
      },
      { datasource: { type: 'cloudwatch', name: 'CloudWatch' } },
    ) as Obj;
    expect(s.__inputs).toEqual([{ name: 'DS_CLOUDWATCH', label: 'CloudWatch', description: '', type: 'datasource', pluginId: 'cloudwatch', pluginName: 'CloudWatch' }]);
    expect(s.__requires).toContainEqual({ type: 'datasource', id: 'cloudwatch', name: 'CloudWatch', version: '1.0.0' });
    expect(s.templating.list[0].current).toEqual({ selected: true, text: '', value: '${DS_CLOUDWATCH}' });
  });

  it('refuses what one input cannot express, and a file already in the sharing form', () => {
    expect(() => toSharingFormat({ title: 't', panels: [{ id: 1, type: 'stat', datasource: { type: 'loki', uid: 'x' } }] }, prometheus)).toThrow(/loki datasource/);
    expect(() => toSharingFormat({ title: 't', panels: [{ id: 1, type: 'mystery' }] }, prometheus)).toThrow(/panel type "mystery"/);
    const once = toSharingFormat(synth(), getProfile('cloudwatch-exporter'));
    expect(() => toSharingFormat(once, getProfile('cloudwatch-exporter'))).toThrow(/already/);
  });
});

describe('generate --format import', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ path: dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('writes out/<uid>.import.json next to the plain file, never over it', async () => {
    expect((await cli(['generate'], { cwd: dir })).code).toBe(0);
    const r = await cli(['generate', '--format', 'import', '--profile', 'logzio-metric-streams'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`wrote ${join(dir, 'out', 'aws-kinesis.import.json')}\n`);
    expect(await readFile(join(dir, 'out', 'aws-kinesis.import.json'), 'utf8')).toBe(
      serialize(toSharingFormat(synth({ profile: 'logzio-metric-streams' }), getProfile('logzio-metric-streams'))),
    );
    // The plain file (cloudwatch-exporter, from the first run) is untouched; no temp file left behind.
    expect(await readFile(join(dir, 'out', 'aws-kinesis.json'), 'utf8')).toBe(serialize(synth()));
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['aws-kinesis.import.json', 'aws-kinesis.json']);
  });

  it('prints the import form with --stdout; --format json is the plain dashboard', async () => {
    const r = await cli(['generate', '--format', 'import', '--stdout', '--uid', 'kin-prod'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(serialize(toSharingFormat(synth({ uid: 'kin-prod' }), getProfile('cloudwatch-exporter'))));
    const j = await cli(['generate', '--format', 'json', '--stdout'], { cwd: dir });
    expect(j.stdout).toBe(serialize(synth()));
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ['an unknown format', ['--format', 'yaml'], /Invalid values:[\s\S]*format[\s\S]*"json", "import"/],
    ['--provisioning', ['--format', 'import', '--provisioning', 'prov'], /--format import: Grafana file provisioning stores \$\{DS_\.\.\.\} placeholders verbatim/],
  ])('refuses %s: exit 2, nothing written', async (_name, args, message) => {
    const r = await cli(['generate', ...args], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await readdir(dir)).toEqual([]);
  });
});
