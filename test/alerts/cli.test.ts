import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertFile } from '../../src/alerts/index.ts';
import { DashboardOptions } from '../../src/config/schema.ts';
import { cli, tempDir } from '../support/cli.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ path: dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const listing = async (d: string) => (await readdir(d).catch(() => [] as string[])).sort();
const config = (c: unknown) => writeFile(join(dir, 'kd.json'), JSON.stringify(c));

describe('alerts', () => {
  it('writes out/alerts/aws-kinesis.rules.yml by default, exactly what alertFile makes, and says what it left out', async () => {
    const r = await cli(['alerts'], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const path = join(dir, 'out', 'alerts', 'aws-kinesis.rules.yml');
    expect(r.stdout).toBe(`wrote ${path} (5 rules)\n  note: ${alertFile(DashboardOptions.parse({}), 'prometheus').plan.notes[0]}\n`);
    expect(await readFile(path, 'utf8')).toBe(alertFile(DashboardOptions.parse({}), 'prometheus').content);
    expect(await listing(join(dir, 'out', 'alerts'))).toEqual(['aws-kinesis.rules.yml']); // no temp file left behind
  });

  it('is byte-identical on every run', async () => {
    await cli(['alerts', '--out', 'a', '--profile', 'yace'], { cwd: dir });
    await cli(['alerts', '--out', 'b', '--profile', 'yace'], { cwd: dir });
    expect(await readFile(join(dir, 'a', 'aws-kinesis.rules.yml'), 'utf8')).toBe(await readFile(join(dir, 'b', 'aws-kinesis.rules.yml'), 'utf8'));
  });

  it('takes the dashboard settings from the config: shard counts, retention, streams, Grafana address', async () => {
    await config({
      profile: 'logzio-metric-streams',
      uid: 'kin-prod',
      streams: ['orders'],
      capacity: { shards: { orders: 2 }, retentionHours: 72 },
      alerts: { grafanaUrl: 'https://grafana.example.com/' },
    });
    const r = await cli(['alerts', '--config', 'kd.json', '--stdout'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('> 129600000'); // half of 72 h in ms
    expect(r.stdout).toContain('streamname=~"orders"');
    expect(r.stdout).toContain("alert: 'KinesisWriteBytesUtilisationHigh'");
    expect(r.stdout).toContain('https://grafana.example.com/d/kin-prod?var-stream={{ $labels.streamname | urlquery }}');
    expect(await listing(dir)).toEqual(['kd.json']);
  });

  it('flags win over the config', async () => {
    await config({ alerts: { grafanaUrl: 'https://from-config.example.com' } });
    const r = await cli(['alerts', '--config', 'kd.json', '--stdout', '--grafana-url', 'https://from-flag.example.com'], { cwd: dir });
    expect(r.stdout).toContain('https://from-flag.example.com/d/aws-kinesis?');
    expect(r.stdout).not.toContain('from-config');
  });

  it('writes one file per dashboard of a config list, into config.out/alerts', async () => {
    await config({
      out: 'dist',
      profile: 'yace',
      dashboards: [
        { uid: 'kin-a', title: 'A', streams: ['a'] },
        { uid: 'kin-b', title: 'B', capacity: { shards: { b: 1 } } },
      ],
    });
    const r = await cli(['alerts', '--config', 'kd.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(await listing(join(dir, 'dist', 'alerts'))).toEqual(['kin-a.rules.yml', 'kin-b.rules.yml']);
    expect(r.stdout).toMatch(/kin-a\.rules\.yml \(5 rules\)\n {2}note: no write-utilisation rules/);
    expect(r.stdout).toMatch(/kin-b\.rules\.yml \(7 rules\)\n$/);
    expect(await readFile(join(dir, 'dist', 'alerts', 'kin-a.rules.yml'), 'utf8')).toContain("- name: 'kin-a'");
  });

  it('writes Grafana provisioning with --format grafana and a datasource uid', async () => {
    const r = await cli(['alerts', '--format', 'grafana', '--datasource-uid', 'prom-1', '--folder', 'Data team'], { cwd: dir });
    expect(r.code).toBe(0);
    const text = await readFile(join(dir, 'out', 'alerts', 'aws-kinesis.grafana-alerts.yaml'), 'utf8');
    expect(text).toContain("folder: 'Data team'");
    expect(text).toContain("datasourceUid: 'prom-1'");
    expect(text).toMatch(/^apiVersion: 1$/m);
  });

  it('takes the datasource and folder of Grafana rules from the config too', async () => {
    await config({ alerts: { datasourceUid: 'from-config', folder: 'Ops' } });
    const r = await cli(['alerts', '--config', 'kd.json', '--format', 'grafana', '--stdout'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("datasourceUid: 'from-config'");
    expect(r.stdout).toContain("folder: 'Ops'");
  });

  it('leaves the dashboard alone: generate ignores the alerts settings', async () => {
    await config({ alerts: { grafanaUrl: 'https://grafana.example.com', datasourceUid: 'prom', folder: 'Ops' } });
    const withAlerts = await cli(['generate', '--config', 'kd.json', '--stdout'], { cwd: dir });
    const without = await cli(['generate', '--stdout'], { cwd: dir });
    expect(withAlerts.code).toBe(0);
    expect(withAlerts.stdout).toBe(without.stdout);
  });

  it('has --help', async () => {
    const r = await cli(['alerts', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--format.*prometheus/s);
    expect(r.stdout).toMatch(/--datasource-uid/);
  });

  describe('bad input: one clear message, exit 2, nothing written', () => {
    it.each([
      ['the cloudwatch profile', ['--profile', 'cloudwatch'], /--profile cloudwatch: alert rules are PromQL, and this profile reads CloudWatch/],
      ['an unknown profile', ['--profile', 'graphite'], /--profile: unknown profile/],
      ['grafana format without a datasource', ['--format', 'grafana'], /--datasource-uid: Grafana-managed rules name the Prometheus datasource/],
      ['an unknown format', ['--format', 'json'], /Invalid values:[\s\S]*format/],
      ['a Grafana address that is not one', ['--grafana-url', 'grafana.local'], /--grafana-url: Grafana's address/],
      ['a Grafana address with a query', ['--grafana-url', 'https://g.example.com/?orgId=2'], /--grafana-url:/],
      ['a datasource uid Grafana refuses', ['--format', 'grafana', '--datasource-uid', 'has spaces'], /--datasource-uid: a datasource uid is 1 to 40/],
      ['a folder path', ['--format', 'grafana', '--datasource-uid', 'p', '--folder', 'Team/Kinesis'], /--folder: one folder, not a path/],
      ['--datasource-uid for Prometheus rules', ['--datasource-uid', 'p'], /--datasource-uid: only used with --format grafana/],
      ['--out with --stdout', ['--out', 'x', '--stdout'], /mutually exclusive|conflict/i],
    ])('%s', async (_name, args, message) => {
      const r = await cli(['alerts', ...args], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(await listing(dir)).toEqual([]);
    });

    it('a cloudwatch dashboard in a config list', async () => {
      await config({ dashboards: [{ uid: 'a', title: 'A' }, { uid: 'b', title: 'B', profile: 'cloudwatch' }] });
      const r = await cli(['alerts', '--config', 'kd.json'], { cwd: dir });
      expect(r).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr).toMatch(/dashboard b: profile cloudwatch: alert rules are PromQL/);
      expect(await listing(dir)).toEqual(['kd.json']);
    });

    it('--stdout with several dashboards', async () => {
      await config({ dashboards: [{ uid: 'a', title: 'A' }, { uid: 'b', title: 'B' }] });
      const r = await cli(['alerts', '--config', 'kd.json', '--stdout'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--stdout: the config lists 2 dashboards/);
    });

    it('a bad alerts section in the config', async () => {
      await config({ alerts: { grafanaUrl: 'ftp://x', colour: 'red' } });
      const r = await cli(['alerts', '--config', 'kd.json'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/config\.alerts/);
      expect(await listing(dir)).toEqual(['kd.json']);
    });
  });
});
