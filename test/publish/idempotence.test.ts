import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cli, tempDir } from '../support/cli.ts';
import { startGrafanaStandin, type GrafanaStandin, type StandinOptions } from '../support/grafana-standin.ts';
import { useGrafana } from '../support/publish.ts';

const setup = useGrafana();
const writes = (g: GrafanaStandin) => g.requests.filter((r) => r.method !== 'GET').length;

const LOGZIO_TOKEN = '6f1c2a9e-logz-api-token-0001';
const logzios: GrafanaStandin[] = [];
afterEach(async () => {
  await Promise.all(logzios.splice(0).map((g) => g.close()));
});

/** Every kind of server the tool publishes to, each with a runner of `publish`. */
const servers: [string, () => Promise<{ g: GrafanaStandin; run: (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }> }>][] = [
  ['legacy API, nested folders', () => setup()],
  ['legacy API, no nested folders', () => setup({ nestedFolders: false })],
  ['legacy API, unique folder titles (older Grafana)', () => setup({ uniqueFolderTitles: true, legacyConflictStatus: 412 })],
  ['Kubernetes-style API', () => setup({ k8s: { versions: ['v1beta1', 'v2beta1'] } })],
  ['Kubernetes-style API v1, no nested folders', () => setup({ k8s: { versions: ['v1'] }, nestedFolders: false })],
  [
    'Logz.io',
    async () => {
      const options: StandinOptions = { basePath: '/v1/grafana', auth: { tokens: [LOGZIO_TOKEN], apiTokenHeader: 'X-API-TOKEN' }, requireNoIdOnCreate: true };
      const g = await startGrafanaStandin(options);
      logzios.push(g);
      const run = (args: string[]) => cli([...args, '--logzio-api-url', g.url], { env: { LOGZIO_API_TOKEN: LOGZIO_TOKEN, KINESIS_DASHBOARDS_RETRY_BASE_MS: '5' } });
      return { g, run };
    },
  ],
];

const placements: [string, string[], (g: GrafanaStandin) => void][] = [
  ['no folder', [], () => {}],
  ['--folder-uid', ['--folder-uid', 'ops'], (g) => void g.state.seedFolder({ uid: 'ops', title: 'Ops' })],
  ['a one-level --folder-title', ['--folder-title', 'Kinesis'], () => {}],
  ['a one-level --folder-title that exists', ['--folder-title', 'Ops'], (g) => void g.state.seedFolder({ uid: 'ops', title: 'Ops' })],
];

describe('running the same publish twice makes no write the second time', () => {
  for (const [server, start] of servers) {
    for (const [placement, args, seed] of placements) {
      it(`${server}, ${placement}`, async () => {
        const { g, run } = await start();
        seed(g);
        const first = await run(['publish', ...args]);
        expect(first.code, first.stdout + first.stderr).toBe(0);
        expect(first.stdout).toMatch(/^created\s+aws-kinesis/);
        const before = writes(g);
        const second = await run(['publish', ...args]);
        expect(second).toMatchObject({ code: 0 });
        expect(second.stdout).toMatch(/^unchanged\s+aws-kinesis/);
        expect(writes(g)).toBe(before);
      });
    }
    it(`${server}, a nested --folder-title: created once where nesting works, refused (and nothing more created) where it does not`, async () => {
      const { g, run } = await start();
      const first = await run(['publish', '--folder-title', 'Team/Kinesis']);
      const folders = () => [...g.state.orgs.get(1)!.folders.values()].map((f) => `${f.parentUid ?? ''}/${f.title}`).sort();
      if (server.includes('no nested')) {
        expect(first.code).toBe(1);
        expect(first.stdout).toMatch(/^failed\s+aws-kinesis\s+folder "Team\/Kinesis": this Grafana has no nested folders .*use a one-level --folder-title, or --folder-uid/);
        expect(folders()).toEqual(['/Team']); // the first level, which it asked for; nothing at the root posing as the second
        expect(g.state.getDashboard('aws-kinesis')).toBeUndefined();
      } else {
        expect(first.code).toBe(0);
        expect(folders()).toEqual(['/Team', `${[...g.state.orgs.get(1)!.folders.values()].find((f) => f.title === 'Team')!.uid}/Kinesis`].sort());
      }
      const before = writes(g);
      const second = await run(['publish', '--folder-title', 'Team/Kinesis']);
      expect(second.code).toBe(first.code);
      if (!server.includes('no nested')) expect(second.stdout).toMatch(/^unchanged/);
      expect(writes(g)).toBe(before);
      expect(folders()).toHaveLength(2 - (server.includes('no nested') ? 1 : 0));
    });
  }
});

describe('what Grafana changes on save does not make every later publish a write', () => {
  it.each([['  Spaced  '], ['Spaced\u0085'], ['\u00a0Spaced\u3000']])('a --file title with space around it (Grafana stores it trimmed): %j', async (title) => {
    const { path: dir, cleanup } = await tempDir();
    try {
      await writeFile(join(dir, 'd.json'), JSON.stringify({ uid: 'spaced', title, panels: [], schemaVersion: 42 }));
      for (const [server, start] of servers) {
        const { g, run } = await start();
        expect((await run(['publish', '--file', join(dir, 'd.json')])).stdout, server).toMatch(/^created/);
        const before = writes(g);
        expect((await run(['publish', '--file', join(dir, 'd.json')])).stdout, server).toMatch(/^unchanged/);
        expect(writes(g), server).toBe(before);
        expect(g.state.getDashboard('spaced')!.dashboard.title).toBe('Spaced');
      }
    } finally {
      await cleanup();
    }
  });
});

describe('a Grafana without nested folders', () => {
  it('is noticed by diff too, once the first level exists', async () => {
    const { g, run } = await setup({ nestedFolders: false });
    g.state.seedFolder({ uid: 'team', title: 'Team' });
    const r = await run(['diff', '--folder-title', 'Team/Kinesis']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed aws-kinesis: folder "Team\/Kinesis": this Grafana has no nested folders/);
    expect(writes(g)).toBe(0);
  });

  it('is noticed when a created folder comes back without the parent it was given', async () => {
    const { g, run } = await setup();
    g.state.seedFolder({ uid: 'team', title: 'Team' });
    g.faults.push({ match: { method: 'POST', path: '/api/folders' }, kind: 'status', status: 200, body: { id: 9, uid: 'k1', title: 'Kinesis' } });
    const r = await run(['publish', '--folder-title', 'Team/Kinesis']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed\s+aws-kinesis\s+folder "Team\/Kinesis": this Grafana has no nested folders .* It has just created "Kinesis" \(uid k1\) at the root; delete it there if it is not wanted/);
    expect(g.requests.filter((q) => q.method === 'POST').map((q) => q.path)).toEqual(['/api/folders']);
  });

  it('publishes into a one-level folder, found again on the next run', async () => {
    const { g, run } = await setup({ nestedFolders: false });
    g.state.seedFolder({ uid: 'a', title: 'Alpha' });
    expect((await run(['publish', '--folder-title', 'Kinesis'])).stdout).toMatch(/^created/);
    expect((await run(['publish', '--folder-title', 'Kinesis'])).stdout).toMatch(/^unchanged/);
    expect(g.state.orgs.get(1)!.folders.size).toBe(2);
  });
});
