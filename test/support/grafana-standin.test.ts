import { afterEach, describe, expect, it } from 'vitest';
import { startGrafanaStandin, type GrafanaStandin, type StandinOptions } from './grafana-standin.ts';

const running: GrafanaStandin[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.close()));
});

async function start(options?: StandinOptions): Promise<GrafanaStandin> {
  const h = await startGrafanaStandin(options);
  running.push(h);
  return h;
}

interface Res {
  status: number;
  body: any; // parsed JSON; assertions index into it freely
  headers: Headers;
}

async function call(
  h: GrafanaStandin,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: 'Bearer test-token' },
): Promise<Res> {
  const res = await fetch(h.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const dash = (extra: Record<string, unknown> = {}) => ({ uid: 'kin-1', title: 'Kinesis / Streams', schemaVersion: 41, tags: ['kinesis'], ...extra });

describe('health and auth', () => {
  it('answers /api/health without credentials and can fail it', async () => {
    const h = await start({ version: '11.6.0' });
    expect(await call(h, 'GET', '/api/health', undefined, {})).toMatchObject({
      status: 200,
      body: { database: 'ok', version: '11.6.0', commit: 'standin' },
    });
    h.faults.push({ kind: 'status', status: 503, match: { path: '/api/health' } });
    expect(await call(h, 'GET', '/api/health', undefined, {})).toMatchObject({ status: 503, body: { database: 'failing' } });
  });

  it('rejects missing or wrong credentials with 401 and accepts bearer and basic', async () => {
    const h = await start();
    expect(await call(h, 'GET', '/api/search', undefined, {})).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    expect((await call(h, 'GET', '/api/search', undefined, { authorization: 'Bearer nope' })).status).toBe(401);
    const basic = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
    expect((await call(h, 'GET', '/api/search', undefined, { authorization: basic })).status).toBe(200);
    expect((await call(h, 'GET', '/api/search')).status).toBe(200);
    expect(h.requests.every((r) => r.headers.authorization === undefined || r.headers.authorization === '***')).toBe(true);
  });

  it('serves under a basePath with an X-API-TOKEN header (Logz.io)', async () => {
    const h = await start({ basePath: '/v1/grafana', auth: { tokens: ['lz'], apiTokenHeader: 'X-API-TOKEN' }, requireNoIdOnCreate: true });
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/grafana$/);
    expect((await call(h, 'GET', '/api/search', undefined, { authorization: 'Bearer lz' })).status).toBe(401);
    const lz = { 'X-API-TOKEN': 'lz' };
    expect((await call(h, 'GET', '/api/search', undefined, lz)).status).toBe(200);
    expect(h.requests.at(-1)).toMatchObject({ path: '/v1/grafana/api/search', headers: { 'x-api-token': '***' } });
    // Logz.io: a numeric id on create is refused; without it the create succeeds.
    expect((await call(h, 'POST', '/api/dashboards/db', { dashboard: dash({ id: 0 }) }, lz)).status).toBe(404);
    expect((await call(h, 'POST', '/api/dashboards/db', { dashboard: dash() }, lz)).status).toBe(200);
    const outside = await fetch(h.url.replace('/v1/grafana', '') + '/api/search', { headers: lz });
    expect(outside.status).toBe(404);
  });

  it('keeps orgs apart by X-Grafana-Org-Id', async () => {
    const h = await start({ orgs: [1, 2] });
    const org2 = { authorization: 'Bearer test-token', 'x-grafana-org-id': '2' };
    expect((await call(h, 'POST', '/api/dashboards/db', { dashboard: dash() }, org2)).status).toBe(200);
    expect((await call(h, 'GET', '/api/dashboards/uid/kin-1')).status).toBe(404);
    expect((await call(h, 'GET', '/api/dashboards/uid/kin-1', undefined, org2)).status).toBe(200);
    expect(h.state.getDashboard('kin-1', 2)?.version).toBe(1);
  });
});

describe('POST /api/dashboards/db', () => {
  it('creates at version 1, bumps by one per update and stores id/uid/version', async () => {
    const h = await start();
    const created = await call(h, 'POST', '/api/dashboards/db', { dashboard: dash(), message: 'first' });
    expect(created).toMatchObject({
      status: 200,
      body: { uid: 'kin-1', url: '/d/kin-1/kinesis-streams', status: 'success', version: 1, slug: 'kinesis-streams', folderUid: '' },
    });
    const updated = await call(h, 'POST', '/api/dashboards/db', { dashboard: dash({ version: 1 }) });
    expect(updated.body).toMatchObject({ id: created.body.id, version: 2 });
    const stored = h.state.getDashboard('kin-1');
    expect(stored?.dashboard).toMatchObject({ id: created.body.id, uid: 'kin-1', version: 2 });
    expect(h.state.writes).toBe(2);

    const got = await call(h, 'GET', '/api/dashboards/uid/kin-1');
    expect(got.body.dashboard.version).toBe(2);
    expect(got.body.meta).toMatchObject({ type: 'db', version: 2, folderTitle: 'General', folderUid: '', provisioned: false, slug: 'kinesis-streams' });
  });

  it('refuses a stale or missing version with 412 unless overwrite', async () => {
    const h = await start();
    await call(h, 'POST', '/api/dashboards/db', { dashboard: dash() });
    const conflict = { status: 412, body: { status: 'version-mismatch', message: 'The dashboard has been changed by someone else' } };
    expect(await call(h, 'POST', '/api/dashboards/db', { dashboard: dash({ version: 7 }) })).toMatchObject(conflict);
    expect(await call(h, 'POST', '/api/dashboards/db', { dashboard: dash() })).toMatchObject(conflict);
    const forced = await call(h, 'POST', '/api/dashboards/db', { dashboard: dash({ version: 7 }), overwrite: true });
    expect(forced.body.version).toBe(2);
  });

  it('answers 409 for conflicts when configured like the newest Grafana', async () => {
    const h = await start({ legacyConflictStatus: 409 });
    await call(h, 'POST', '/api/dashboards/db', { dashboard: dash() });
    expect(await call(h, 'POST', '/api/dashboards/db', { dashboard: dash() })).toMatchObject({
      status: 409,
      body: { message: 'Dashboard already exists. Use overwrite flag to update.' },
    });
  });

  it('validates the request like Grafana', async () => {
    const h = await start();
    const post = (body: unknown) => call(h, 'POST', '/api/dashboards/db', body);
    expect(await post('{nope')).toMatchObject({ status: 400, body: { message: 'bad request data' } });
    expect(await post({})).toMatchObject({ status: 400, body: { message: 'bad request data' } });
    expect(await post({ dashboard: dash({ title: '  ' }) })).toMatchObject({ status: 400, body: { status: 'empty-name' } });
    expect(await post({ dashboard: dash({ uid: 'a b' }) })).toMatchObject({ status: 400, body: { message: 'uid contains illegal characters' } });
    expect(await post({ dashboard: dash({ uid: 'x'.repeat(41) }) })).toMatchObject({ status: 400, body: { message: 'uid too long, max 40 characters' } });
    expect(await post({ dashboard: dash(), message: 'm'.repeat(501) })).toMatchObject({ status: 400, body: { message: 'message too long, max 500 characters' } });
    expect(await post({ dashboard: dash(), folderUid: 'missing' })).toMatchObject({ status: 400, body: { message: 'folder not found' } });
    expect(await post({ dashboard: dash({ id: 999 }) })).toMatchObject({ status: 404, body: { status: 'not-found', message: 'Dashboard not found' } });
    const a = await post({ dashboard: dash({ uid: 'a' }) });
    await post({ dashboard: dash({ uid: 'b' }) });
    expect(await post({ dashboard: dash({ uid: 'b', id: a.body.id, version: 1 }) })).toMatchObject({
      status: 400,
      body: { message: 'A dashboard with the same uid already exists' },
    });
    expect(h.state.writes).toBe(2);
  });

  it('refuses provisioned dashboards and plugin dashboards without overwrite', async () => {
    const h = await start();
    h.state.seedDashboard({ dashboard: { uid: 'prov', title: 'Prov' }, provisioned: true, provisionedExternalId: 'kinesis.json' });
    h.state.seedDashboard({ dashboard: { uid: 'plug', title: 'Plug' }, pluginId: 'aws-kinesis' });
    const save = (uid: string, overwrite = false) => call(h, 'POST', '/api/dashboards/db', { dashboard: { uid, title: 'X', version: 1 }, overwrite });
    expect(await save('prov', true)).toMatchObject({ status: 400, body: { message: 'Cannot save provisioned dashboard' } });
    expect(await call(h, 'DELETE', '/api/dashboards/uid/prov')).toMatchObject({ status: 400 });
    expect((await call(h, 'GET', '/api/dashboards/uid/prov')).body.meta).toMatchObject({ provisioned: true, provisionedExternalId: 'kinesis.json' });
    expect(await save('plug')).toMatchObject({ status: 412, body: { status: 'plugin-dashboard', message: 'The dashboard belongs to plugin aws-kinesis.' } });
    expect((await save('plug', true)).status).toBe(200);
  });

  it('deletes by uid', async () => {
    const h = await start();
    await call(h, 'POST', '/api/dashboards/db', { dashboard: dash() });
    expect(await call(h, 'DELETE', '/api/dashboards/uid/kin-1')).toMatchObject({
      status: 200,
      body: { title: 'Kinesis / Streams', message: 'Dashboard Kinesis / Streams deleted', uid: 'kin-1' },
    });
    expect(await call(h, 'GET', '/api/dashboards/uid/kin-1')).toMatchObject({ status: 404, body: { message: 'Dashboard not found' } });
  });
});

describe('folders and search', () => {
  it('nests folders and reports parents', async () => {
    const h = await start();
    const top = await call(h, 'POST', '/api/folders', { uid: 'aws', title: 'AWS' });
    expect(top).toMatchObject({ status: 200, body: { uid: 'aws', title: 'AWS', url: '/dashboards/f/aws/aws', version: 1 } });
    await call(h, 'POST', '/api/folders', { uid: 'kin', title: 'Kinesis', parentUid: 'aws' });
    const child = await call(h, 'GET', '/api/folders/kin');
    expect(child.body).toMatchObject({ uid: 'kin', parentUid: 'aws', parents: [{ uid: 'aws', title: 'AWS' }] });
    expect((await call(h, 'GET', '/api/folders')).body).toEqual([{ id: top.body.id, uid: 'aws', title: 'AWS' }]);
    expect((await call(h, 'GET', '/api/folders?parentUid=aws')).body).toMatchObject([{ uid: 'kin', parentUid: 'aws' }]);

    expect(await call(h, 'POST', '/api/folders', { uid: 'aws', title: 'Again' })).toMatchObject({ status: 409 });
    expect(await call(h, 'POST', '/api/folders', { title: '' })).toMatchObject({ status: 400, body: { message: 'folder title cannot be empty' } });
    expect(await call(h, 'POST', '/api/folders', { title: 'X', parentUid: 'nope' })).toMatchObject({ status: 404, body: { status: 'not-found' } });
    expect(await call(h, 'GET', '/api/folders/nope')).toMatchObject({ status: 404, body: { status: 'not-found', message: 'folder not found' } });
    const generated = await call(h, 'POST', '/api/folders', { title: 'Kinesis', parentUid: 'aws' });
    expect(generated.body.uid).toMatch(/^[a-z0-9]{14}$/);

    const saved = await call(h, 'POST', '/api/dashboards/db', { dashboard: dash(), folderUid: 'kin' });
    expect(saved.body.folderUid).toBe('kin');
    expect((await call(h, 'GET', '/api/dashboards/uid/kin-1')).body.meta).toMatchObject({ folderUid: 'kin', folderTitle: 'Kinesis', folderUrl: '/dashboards/f/kin/kinesis' });
  });

  it('refuses same-title siblings when uniqueFolderTitles is set', async () => {
    const h = await start({ uniqueFolderTitles: true });
    await call(h, 'POST', '/api/folders', { title: 'AWS' });
    expect((await call(h, 'POST', '/api/folders', { title: 'AWS' })).status).toBe(409);
  });

  it('filters by type, query, tags, folders and uids, folders first', async () => {
    const h = await start();
    h.state.seedFolder({ uid: 'f', title: 'Streams folder' });
    h.state.seedDashboard({ dashboard: { uid: 'a', title: 'b streams', tags: ['kinesis', 'prod'] }, folderUid: 'f' });
    h.state.seedDashboard({ dashboard: { uid: 'b', title: 'A Streams', tags: ['kinesis'] } });
    h.state.seedDashboard({ dashboard: { uid: 'c', title: 'Other' } });
    const uids = async (q: string) => ((await call(h, 'GET', `/api/search?${q}`)).body as { uid: string }[]).map((x) => x.uid);
    expect(await uids('')).toEqual(['f', 'b', 'a', 'c']);
    expect(await uids('type=dash-db&query=STREAMS')).toEqual(['b', 'a']);
    expect(await uids('type=dash-folder')).toEqual(['f']);
    expect(await uids('tag=kinesis&tag=prod')).toEqual(['a']);
    expect(await uids('type=dash-db&folderUIDs=f')).toEqual(['a']);
    expect(await uids('type=dash-db&folderUIDs=general')).toEqual(['b', 'c']);
    expect(await uids('dashboardUIDs=c&dashboardUIDs=a')).toEqual(['a', 'c']);
    expect(await uids('type=dash-db&limit=1&page=2')).toEqual(['a']);
    const [hit] = (await call(h, 'GET', '/api/search?dashboardUIDs=a')).body;
    expect(hit).toMatchObject({ uid: 'a', type: 'dash-db', uri: 'db/b-streams', url: '/d/a/b-streams', folderUid: 'f', folderTitle: 'Streams folder', tags: ['kinesis', 'prod'] });
    expect((await call(h, 'GET', '/api/search?limit=5001')).status).toBe(422);
  });
});

describe('POST /api/dashboards/import', () => {
  const shared = {
    __inputs: [{ name: 'DS_PROM', label: 'prom', description: '', type: 'datasource', pluginId: 'prometheus', pluginName: 'Prometheus' }],
    __elements: {},
    __requires: [{ type: 'grafana', id: 'grafana', name: 'Grafana', version: '12.0.0' }],
    id: null,
    uid: 'imp',
    title: 'Imported',
    panels: [{ datasource: { type: 'prometheus', uid: '${DS_PROM}' }, title: 'p on ${DS_PROM}, ${OTHER}' }],
  };

  it('substitutes inputs, strips the sharing keys and saves', async () => {
    const h = await start();
    const res = await call(h, 'POST', '/api/dashboards/import', {
      dashboard: shared,
      overwrite: true,
      inputs: [{ name: 'DS_PROM', type: 'datasource', pluginId: 'prometheus', value: 'prom-uid' }],
      folderUid: '',
    });
    expect(res).toMatchObject({
      status: 200,
      body: { uid: 'imp', pluginId: '', title: 'Imported', imported: true, importedUri: 'db/imported', importedUrl: '/d/imp/imported', slug: 'imported', folderUid: '', removed: false },
    });
    const stored = h.state.getDashboard('imp')?.dashboard;
    expect(stored).not.toHaveProperty('__inputs');
    expect(stored).not.toHaveProperty('__requires');
    expect(stored).not.toHaveProperty('__elements');
    // Only declared inputs are substituted.
    expect(stored?.panels).toEqual([{ datasource: { type: 'prometheus', uid: 'prom-uid' }, title: 'p on prom-uid, ${OTHER}' }]);
  });

  it('fails on a missing input and on a missing dashboard', async () => {
    const h = await start();
    expect(await call(h, 'POST', '/api/dashboards/import', { dashboard: shared, inputs: [] })).toMatchObject({
      status: 500,
      body: { message: 'Failed to save dashboard' },
    });
    expect(await call(h, 'POST', '/api/dashboards/import', { inputs: [] })).toMatchObject({ status: 422, body: { message: 'Dashboard must be set' } });
    expect(h.state.writes).toBe(0);
  });
});

describe('kubernetes-style API', () => {
  const base = '/apis/dashboard.grafana.app/v1beta1/namespaces/default/dashboards';
  const obj = (name: string, spec: Record<string, unknown> = { title: 'K', schemaVersion: 41 }, metadata: Record<string, unknown> = {}) => ({
    apiVersion: 'dashboard.grafana.app/v1beta1',
    kind: 'Dashboard',
    metadata: { name, ...metadata },
    spec,
  });

  it('is absent on legacy-only servers and discoverable otherwise', async () => {
    const legacy = await start();
    expect((await call(legacy, 'GET', '/apis/dashboard.grafana.app/')).status).toBe(404);
    const h = await start({ k8s: { versions: ['v1beta1', 'v2beta1'] } });
    expect((await call(h, 'GET', '/apis/dashboard.grafana.app/')).body).toEqual({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'dashboard.grafana.app',
      versions: [
        { groupVersion: 'dashboard.grafana.app/v1beta1', version: 'v1beta1' },
        { groupVersion: 'dashboard.grafana.app/v2beta1', version: 'v2beta1' },
      ],
      preferredVersion: { groupVersion: 'dashboard.grafana.app/v1beta1', version: 'v1beta1' },
    });
    expect((await call(h, 'GET', '/apis/dashboard.grafana.app/v1/namespaces/default/dashboards')).status).toBe(404);
  });

  it('creates, shares the store with the legacy API and enforces resourceVersion', async () => {
    const h = await start({ k8s: { versions: ['v1beta1'] } });
    const created = await call(h, 'POST', base, obj('k1', { title: 'K', schemaVersion: 41, id: 5, uid: 'x' }, { annotations: { 'grafana.app/message': 'hi' } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'Dashboard',
      metadata: { name: 'k1', namespace: 'default', generation: 1, annotations: { 'grafana.app/message': 'hi', 'grafana.app/createdBy': 'service-account:1' } },
      spec: { title: 'K', schemaVersion: 41 },
    });
    expect(created.body.spec).not.toHaveProperty('id');
    expect(await call(h, 'POST', base, obj('k1'))).toMatchObject({
      status: 409,
      body: { kind: 'Status', status: 'Failure', reason: 'AlreadyExists', code: 409, message: 'dashboards.dashboard.grafana.app "k1" already exists', details: { name: 'k1', group: 'dashboard.grafana.app', kind: 'dashboards' } },
    });

    // A legacy save bumps version == generation and resourceVersion.
    const legacy = await call(h, 'POST', '/api/dashboards/db', { dashboard: { uid: 'k1', title: 'K2', version: 1 } });
    expect(legacy.body.version).toBe(2);
    const got = await call(h, 'GET', `${base}/k1`);
    expect(got.body.metadata.generation).toBe(2);
    expect(got.body.metadata.resourceVersion).not.toBe(created.body.metadata.resourceVersion);

    const stale = await call(h, 'PUT', `${base}/k1`, obj('k1', { title: 'K3' }, { resourceVersion: created.body.metadata.resourceVersion }));
    expect(stale).toMatchObject({ status: 409, body: { reason: 'Conflict', message: expect.stringContaining('the object has been modified') } });
    const fresh = await call(h, 'PUT', `${base}/k1`, obj('k1', { title: 'K3' }, { resourceVersion: got.body.metadata.resourceVersion }));
    expect(fresh).toMatchObject({ status: 200, body: { metadata: { generation: 3 } } });
    // No resourceVersion: unconditional update.
    expect((await call(h, 'PUT', `${base}/k1`, obj('k1', { title: 'K4' }))).body.metadata.generation).toBe(4);
    expect((await call(h, 'GET', '/api/dashboards/uid/k1')).body.dashboard).toMatchObject({ title: 'K4', version: 4, uid: 'k1' });

    // An identical PUT writes nothing.
    const writes = h.state.writes;
    expect((await call(h, 'PUT', `${base}/k1`, obj('k1', { title: 'K4' }))).body.metadata.generation).toBe(4);
    expect(h.state.writes).toBe(writes);

    expect(await call(h, 'GET', `${base}/nope`)).toMatchObject({ status: 404, body: { reason: 'NotFound' } });
    expect((await call(h, 'POST', `${base}?dryRun=All`, obj('dry'))).status).toBe(201);
    expect(h.state.getDashboard('dry')).toBeUndefined();
    expect((await call(h, 'GET', base)).body).toMatchObject({ kind: 'DashboardList', items: [{ metadata: { name: 'k1' } }] });
    expect(await call(h, 'DELETE', `${base}/k1`)).toMatchObject({ status: 200, body: { status: 'Success' } });
    expect(h.state.getDashboard('k1')).toBeUndefined();
  });

  it('rejects a newer schemaVersion unless fieldValidation=Ignore, and foreign namespaces', async () => {
    const h = await start({ k8s: { versions: ['v1'] }, schemaVersion: 41 });
    const v1 = '/apis/dashboard.grafana.app/v1/namespaces/default/dashboards';
    const body = { ...obj('new', { title: 'N', schemaVersion: 42 }), apiVersion: 'dashboard.grafana.app/v1' };
    expect(await call(h, 'POST', v1, body)).toMatchObject({ status: 422, body: { reason: 'Invalid', code: 422 } });
    expect((await call(h, 'POST', `${v1}?fieldValidation=Ignore`, body)).status).toBe(201);
    expect((await call(h, 'GET', '/apis/dashboard.grafana.app/v1/namespaces/org-3/dashboards')).body).toMatchObject({
      reason: 'Forbidden',
      code: 403,
    });
  });

  it('reports provisioned dashboards as managed', async () => {
    const h = await start({ k8s: { versions: ['v1beta1'] } });
    h.state.seedDashboard({ dashboard: { uid: 'p', title: 'P' }, provisioned: true });
    const got = await call(h, 'GET', `${base}/p`);
    expect(got.body.metadata.annotations['grafana.app/managedBy']).toBe('classic-file');
  });
});

describe('faults, latency and concurrency', () => {
  it('returns injected statuses for the next N matching requests', async () => {
    const h = await start();
    h.faults.push({ kind: 'status', status: 429, retryAfter: '1', times: 2, match: { method: 'GET', path: /search/ } });
    const first = await call(h, 'GET', '/api/search');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect((await call(h, 'GET', '/api/folders')).status).toBe(200);
    expect((await call(h, 'GET', '/api/search')).status).toBe(429);
    expect((await call(h, 'GET', '/api/search')).status).toBe(200);
    expect(h.faults.pending).toHaveLength(0);

    h.faults.push({ kind: 'status', status: 502, body: '<html>Bad Gateway</html>' });
    const proxy = await fetch(`${h.url}/api/search`);
    expect([proxy.status, proxy.headers.get('content-type'), await proxy.text()]).toEqual([502, 'text/html', '<html>Bad Gateway</html>']);
  });

  it('resets the connection, sends malformed JSON and delays', async () => {
    const h = await start();
    h.faults.push({ kind: 'reset' }, { kind: 'malformed' }, { kind: 'delay', ms: 30 });
    await expect(fetch(`${h.url}/api/search`)).rejects.toThrow();
    const malformed = await fetch(`${h.url}/api/search`, { headers: { authorization: 'Bearer test-token' } });
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow();
    const t0 = performance.now();
    expect((await call(h, 'GET', '/api/search')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('applies the write before a delayed response (client timeout after success)', async () => {
    const h = await start();
    h.faults.push({ kind: 'delayAfterApply', ms: 300, match: { path: '/api/dashboards/db' } });
    const attempt = fetch(`${h.url}/api/dashboards/db`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
      body: JSON.stringify({ dashboard: dash() }),
      signal: AbortSignal.timeout(50),
    });
    await expect(attempt).rejects.toThrow();
    expect(h.state.getDashboard('kin-1')?.version).toBe(1);
    expect(h.state.writes).toBe(1);
  });

  it('drops the connection after applying a write, hangs without applying, and lets the first matches pass (skip)', async () => {
    const h = await start();
    const post = (signal?: AbortSignal) =>
      fetch(`${h.url}/api/dashboards/db`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
        body: JSON.stringify({ dashboard: dash(), overwrite: true }),
        ...(signal ? { signal } : {}),
      });
    h.faults.push({ kind: 'resetAfterApply', match: { method: 'POST' } });
    await expect(post()).rejects.toThrow();
    expect(h.state.writes).toBe(1);
    h.faults.push({ kind: 'hang', match: { method: 'POST' } });
    await expect(post(AbortSignal.timeout(100))).rejects.toThrow();
    expect(h.state.writes).toBe(1);
    h.faults.push({ kind: 'status', status: 500, skip: 2, match: { path: /search/ } });
    expect((await call(h, 'GET', '/api/search')).status).toBe(200);
    expect((await call(h, 'GET', '/api/search')).status).toBe(200);
    expect((await call(h, 'GET', '/api/search')).status).toBe(500);
    expect(h.faults.pending).toHaveLength(0);
  });

  it('adds latency to every request and tracks peak concurrency', async () => {
    const h = await start({ latencyMs: 20 });
    await Promise.all([1, 2, 3, 4].map(() => call(h, 'GET', '/api/search')));
    expect(h.maxConcurrent).toBe(4);
    expect(h.inFlight).toBe(0);
  });

  it('uses an injected clock', async () => {
    const h = await start({ now: () => new Date('2024-05-06T07:08:09.123Z') });
    await call(h, 'POST', '/api/dashboards/db', { dashboard: dash() });
    expect((await call(h, 'GET', '/api/dashboards/uid/kin-1')).body.meta).toMatchObject({ created: '2024-05-06T07:08:09Z', updated: '2024-05-06T07:08:09Z' });
  });

  it('answers unknown routes with 404', async () => {
    const h = await start();
    expect(await call(h, 'GET', '/api/nope')).toMatchObject({ status: 404, body: { message: 'Not found' } });
  });
});

describe('data source proxy (/api/datasources/proxy/uid/<uid>/...)', () => {
  it('forwards to the data source with the path and query string, behind Grafana\'s auth; refuses what Grafana refuses', async () => {
    const { createServer } = await import('node:http');
    const seen: Array<{ method: string; url: string; auth?: string }> = [];
    const upstream = createServer((req, res) => {
      seen.push({ method: req.method!, url: req.url!, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      const port = (upstream.address() as { port: number }).port;
      const h = await start({ datasources: { prom: { url: `http://127.0.0.1:${port}/prefix` } } });
      const ok = await call(h, 'GET', '/api/datasources/proxy/uid/prom/api/v1/query?query=up&time=1');
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ status: 'success', data: { resultType: 'vector', result: [] } });
      // The caller's credentials stay with Grafana: the data source gets its own (none here).
      expect(seen).toEqual([{ method: 'GET', url: '/prefix/api/v1/query?query=up&time=1' }]);
      expect((await call(h, 'GET', '/api/datasources/proxy/uid/prom/api/v1/query?query=up', undefined, {})).status).toBe(401);
      expect((await call(h, 'GET', '/api/datasources/proxy/uid/nope/api/v1/query?query=up')).status).toBe(404);
      expect((await call(h, 'POST', '/api/datasources/proxy/uid/prom/api/v1/admin/tsdb/delete_series')).status).toBe(403);
      expect((await call(h, 'DELETE', '/api/datasources/proxy/uid/prom/api/v1/series')).status).toBe(403);
      expect(seen).toHaveLength(1);
    } finally {
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });
});
