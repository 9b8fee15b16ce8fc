import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/cli.ts';

// The doctor's command line without a Prometheus: help, bad input (exit 2, nothing written), secrets.

describe('doctor --help', () => {
  it('says what it reads and that it never writes to Grafana or Prometheus', async () => {
    const r = await cli(['doctor', '--help']);
    expect(r.code).toBe(0);
    for (const word of ['--prometheus-url', 'PROMETHEUS_TOKEN', 'PROMETHEUS_USER', '--datasource-uid', 'GRAFANA_TOKEN', '--logzio-region', 'LOGZIO_API_TOKEN', '/api/v1/query']) {
      expect(r.stdout).toContain(word);
    }
    expect(r.stdout).toContain('never writes to Grafana or Prometheus');
  });
});

describe('doctor: bad input is exit 2 with the field and the fix', () => {
  const cases: Array<[string[], RegExp, NodeJS.ProcessEnv?]> = [
    [[], /where are the metrics\? pass --prometheus-url/],
    [['--prometheus-url', 'http://127.0.0.1:1', '--token', 'abc'], /--token would put the secret in shell history/],
    [['--prometheus-url', 'http://127.0.0.1:1', '--profile', 'cloudwatch'], /--profile cloudwatch: the doctor reads Prometheus-compatible metrics/],
    [['--prometheus-url', 'http://127.0.0.1:1', '--since', 'an hour'], /--since: "an hour" is not a duration/],
    [['--prometheus-url', 'http://127.0.0.1:1', '--until', 'yesterday'], /--until: "yesterday" is not a time/],
    [['--prometheus-url', 'http://127.0.0.1:1/api/v1'], /--prometheus-url: give the base without \/api\/v1/],
    [['--prometheus-url', 'prometheus.example.com'], /--prometheus-url: not a URL/],
    [['--prometheus-url', 'http://127.0.0.1:1', '--timeout', '0'], /--timeout: seconds to wait/],
    [['--prometheus-url', 'http://127.0.0.1:1', '--concurrency', '1000'], /--concurrency: at most 100/],
    [['--prometheus-url', 'http://127.0.0.1:1', '--write-config', 'package.json/kd.json'], /--write-config: cannot be used as an output directory \(ENOTDIR/],
    [['--prometheus-url', 'http://u:p@127.0.0.1:1'], /remove the credentials from the URL/],
    [['--url', 'http://127.0.0.1:1'], /--datasource-uid: name the Prometheus data source/, { GRAFANA_TOKEN: 't0ken-value' }],
    [['--datasource-uid', 'prom'], /where are the metrics/],
    [['--prometheus-url', 'http://127.0.0.1:1'], /PROMETHEUS_PASSWORD is not set/, { PROMETHEUS_USER: 'me' }],
    [['--prometheus-url', 'http://127.0.0.1:1', '--url', 'http://127.0.0.1:2'], /mutually exclusive|conflict/i],
  ];
  for (const [args, message, env] of cases) {
    it(`${args.join(' ') || '(no source)'}`, async () => {
      const r = await cli(['doctor', ...args], env ? { env } : {});
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    });
  }

  it('--write-config on a file that is not JSON: refused before any query, the file left as it was', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir.path, 'kd.json');
      await writeFile(path, '{ "profile": "yace", ');
      const r = await cli(['doctor', '--prometheus-url', 'http://127.0.0.1:1', '--write-config', path]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--write-config .*kd\.json: not valid JSON/);
      expect(await readFile(path, 'utf8')).toBe('{ "profile": "yace", ');
    } finally {
      await dir.cleanup();
    }
  });
});

describe('doctor: secrets never reach the output', () => {
  let server: Server;
  let url = '';
  const seen: string[] = [];
  beforeAll(async () => {
    // A server that repeats the credentials it was sent in its error: the doctor must not print them.
    server = createServer((req, res) => {
      seen.push(String(req.headers.authorization ?? ''));
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: `refused ${req.headers.authorization} ${req.headers['x-scope-orgid']}` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  for (const [name, env, secret] of [
    ['bearer token', { PROMETHEUS_TOKEN: 'tok' }, 'tok'],
    ['basic auth', { PROMETHEUS_USER: 'ops', PROMETHEUS_PASSWORD: 'pw' }, Buffer.from('ops:pw').toString('base64')],
  ] as const) {
    it(`${name}: sent, and shown as *** in errors and --debug lines, whatever its length`, async () => {
      const r = await cli(['doctor', '--prometheus-url', url, '--debug', '--header', 'X-Scope-OrgID: tenant-7'], { env: { ...env } });
      expect(r.code).toBe(1);
      expect(seen.at(-1)).toContain(secret);
      // --debug prints every query it sends, before it is sent.
      expect(r.stderr).toMatch(/^debug: GET query count\(last_over_time\(\{__name__=~/m);
      const printed = r.stdout + r.stderr;
      expect(printed).toContain('***');
      expect(printed).not.toContain(secret);
      expect(printed).not.toContain('tenant-7');
    });
  }
});
