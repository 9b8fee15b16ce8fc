import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConnection } from '../../src/grafana/connection.ts';
import { cli, tempDir } from '../support/cli.ts';
import { TOKEN, useGrafana } from '../support/publish.ts';

const setup = useGrafana();

describe('connection and secrets', () => {
  it('sends the token as a Bearer header and never prints it, even with --debug', async () => {
    const { g, run } = await setup();
    const r = await run(['publish', '--debug', '--header', 'X-Proxy-Key: proxy-secret-123']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/debug: GET \/api\/dashboards\/uid\/aws-kinesis → 404/);
    for (const text of [r.stdout, r.stderr]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('proxy-secret-123');
    }
    expect(g.requests[0]!.headers.authorization).toBe('***'); // the stand-in saw it (and redacts its own log)
    expect(g.requests[0]!.headers['x-proxy-key']).toBe('proxy-secret-123');
  });

  it('authenticates with GRAFANA_USER and GRAFANA_PASSWORD', async () => {
    const { run } = await setup({ auth: { basic: [{ user: 'ci', password: 'pa55word-ci' }] } });
    const r = await run(['publish', '--debug'], { GRAFANA_TOKEN: undefined, GRAFANA_USER: 'ci', GRAFANA_PASSWORD: 'pa55word-ci' });
    expect(r.stdout).toMatch(/^created/);
    expect(r.stdout + r.stderr).not.toContain('pa55word-ci');
  });

  it('reads the token from --token-file', async () => {
    const { run } = await setup();
    const { path, cleanup } = await tempDir();
    try {
      await writeFile(join(path, 'token'), `${TOKEN}\n`);
      const r = await run(['publish', '--token-file', join(path, 'token')], { GRAFANA_TOKEN: undefined });
      expect(r.stdout).toMatch(/^created/);
    } finally {
      await cleanup();
    }
  });

  it('reports a rejected token as a failure without echoing it', async () => {
    const { run } = await setup();
    const r = await run(['publish'], { GRAFANA_TOKEN: 'wrong-token-abcdefghijklmnopqrstu' });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/HTTP 401 Unauthorized/);
    expect(r.stdout + r.stderr).not.toContain('wrong-token-abcdefghijklmnopqrstu');
  });

  it('sends X-Grafana-Org-Id from --org-id or GRAFANA_ORG_ID', async () => {
    const { g, run } = await setup({ orgs: [1, 2] });
    await run(['publish'], { GRAFANA_ORG_ID: '2' });
    expect(g.requests[0]!.headers['x-grafana-org-id']).toBe('2');
    expect(g.state.getDashboard('aws-kinesis', 2)).toBeDefined();
    expect(g.state.getDashboard('aws-kinesis', 1)).toBeUndefined();
  });

  it.each([
    ['no URL', ['publish'], { GRAFANA_TOKEN: 't0ken' }, /--url: where is Grafana\? pass --url/],
    ['no credentials', ['publish', '--url', 'http://127.0.0.1:9'], {}, /no Grafana credentials: set GRAFANA_TOKEN/],
    ['a --token flag', ['publish', '--url', 'http://127.0.0.1:9', '--token', 'glsa_inline_secret'], {}, /--token would put the secret in shell history/],
    ['credentials in the URL', ['publish', '--url', 'https://admin:hunter22@grafana.example.com'], { GRAFANA_TOKEN: 't0ken' }, /remove the credentials from the URL/],
    ['a bad header', ['publish', '--url', 'http://127.0.0.1:9', '--header', 'novalue'], { GRAFANA_TOKEN: 't0ken' }, /--header: "novalue" is not "Name: value"/],
    ['a bad org id', ['publish', '--url', 'http://127.0.0.1:9', '--org-id', '0'], { GRAFANA_TOKEN: 't0ken' }, /--org-id: an organisation id is a positive whole number/],
    ['a missing CA file', ['publish', '--url', 'https://127.0.0.1:9', '--ca-cert', '/nonexistent.pem'], { GRAFANA_TOKEN: 't0ken' }, /--ca-cert \/nonexistent.pem: cannot read it \(ENOENT\)/],
    ['both folder flags', ['publish', '--folder-uid', 'a', '--folder-title', 'b'], { GRAFANA_TOKEN: 't0ken' }, /mutually exclusive/],
    ['an empty folder level', ['publish', '--url', 'http://127.0.0.1:9', '--folder-title', 'Team//Kinesis'], { GRAFANA_TOKEN: 't0ken' }, /empty folder name/],
  ])('%s is bad input: exit 2, nothing sent', async (_name, args, env, message) => {
    const r = await cli(args, { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/glsa_inline_secret|hunter22/);
  });

  it('warns before sending credentials over plain http to another host', async () => {
    let stderr = '';
    const env = { cwd: '/', env: { GRAFANA_TOKEN: 't0ken' }, warn: (m: string) => void (stderr += `warning: ${m}\n`) };
    await resolveConnection({ url: 'http://grafana.internal:3000' }, env);
    expect(stderr).toMatch(/warning: sending credentials over plain http to grafana\.internal/);
    stderr = '';
    await resolveConnection({ url: 'http://127.0.0.1:3000' }, env);
    await resolveConnection({ url: 'https://grafana.internal' }, env);
    expect(stderr).toBe('');
  });
});
