import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, tempDir } from './support/cli.ts';
import { TOKEN, useGrafana } from './support/publish.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ path: dir, cleanup } = await tempDir()));
afterEach(() => cleanup());
const setup = useGrafana();

describe('preview --live', () => {
  it('marks what publishing would change against the live dashboard', async () => {
    const { g, env } = await setup();
    const run = (args: string[]) => cli(['preview', '--live', '--out', 'p.svg', ...args], { cwd: dir, env });

    const before = await run([]);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/\(0 changed, 15 added, 0 removed\)/); // not published yet: everything is new

    expect((await cli(['publish'], { env })).code).toBe(0);
    expect((await run([])).stdout).toMatch(/\(0 changed, 0 added, 0 removed\)/);

    const changed = await run(['--profile', 'yace']);
    expect(changed.stdout).toMatch(/\((1[0-9]|[2-9]) changed, 0 added, 0 removed\)/);
    expect(await readFile(join(dir, 'p.svg'), 'utf8')).toContain('changed');
    expect(changed.stdout + changed.stderr).not.toContain(TOKEN);
    expect(g.state.writes).toBe(1); // preview never writes to Grafana
  });

  it('does not take a proxy\'s 404 page for "not published yet"', async () => {
    const { g, env } = await setup();
    g.faults.push({ match: { method: 'GET', path: '/api/dashboards/uid/aws-kinesis' }, kind: 'status', status: 404, body: '<html><body><h1>404 Not Found</h1></body></html>' });
    const r = await cli(['preview', '--live', '--out', 'p.svg'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 404 with an answer that is not Grafana's/);
    expect(r.stdout).not.toMatch(/added/);
  });

  it('needs a connection, like publish', async () => {
    const r = await cli(['preview', '--live', '--stdout'], { cwd: dir, env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--url: where is Grafana\?/);
  });
});
