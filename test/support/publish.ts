import { afterEach } from 'vitest';
import { startGrafanaStandin, type GrafanaStandin, type StandinOptions } from './grafana-standin.ts';
import { cli, type CliResult } from './cli.ts';

// Not shaped like a real service-account token (glsa_…): the repository's secret scan flags those.
export const TOKEN = 'standin-test-token-0123456789abcdef';

/** A stand-in Grafana and a CLI runner wired to it (token auth, fast retries). */
export async function grafana(options: StandinOptions = {}) {
  const g: GrafanaStandin = await startGrafanaStandin({ auth: { tokens: [TOKEN] }, ...options });
  const env = { GRAFANA_URL: g.url, GRAFANA_TOKEN: TOKEN, KINESIS_DASHBOARDS_RETRY_BASE_MS: '5' };
  const run = (args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<CliResult> => cli(args, { env: { ...env, ...extraEnv } });
  const dashboardWrites = () => g.requests.filter((r) => r.method !== 'GET' && /dashboards/.test(r.path)).length;
  return { g, env, run, dashboardWrites };
}

/** For a test file: `setup(options)` starts a stand-in that is closed after each test. */
export function useGrafana() {
  const open: GrafanaStandin[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((g) => g.close()));
  });
  return async (options: StandinOptions = {}) => {
    const s = await grafana(options);
    open.push(s.g);
    return s;
  };
}
