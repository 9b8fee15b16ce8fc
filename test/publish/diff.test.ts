import { describe, expect, it } from 'vitest';
import { formatChanges, jsonDiff } from '../../src/publish/diff.ts';
import { normalize } from '../../src/publish/normalize.ts';
import { useGrafana } from '../support/publish.ts';

const setup = useGrafana();

describe('jsonDiff', () => {
  it('lists changes path by path, in a stable order', () => {
    const before = { title: 'A', tags: ['x', 'y'], panels: [{ id: 1, title: 'p' }], old: 1 };
    const after = { title: 'B', tags: ['x'], panels: [{ id: 1, title: 'q' }, { id: 2 }], 'new key': true };
    expect(formatChanges(jsonDiff(before, after))).toEqual([
      '+ ["new key"]: true',
      '- old: 1',
      '~ panels[0].title: "p" → "q"',
      '+ panels[1]: {"id":2}',
      '- tags[1]: "y"',
      '~ title: "A" → "B"',
    ]);
    expect(jsonDiff(before, structuredClone(before))).toEqual([]);
  });

  it('ignores server-managed fields', () => {
    expect(jsonDiff(normalize({ id: 1, uid: 'u', version: 3, iteration: 9, title: 'T' }), normalize({ title: 'T' }))).toEqual([]);
  });
});

describe('diff', () => {
  it('shows the changes and follows git diff --exit-code: 0 equal, 1 different, 2 error', async () => {
    const { g, run } = await setup();
    const missing = await run(['diff', '--exit-code']);
    expect(missing).toMatchObject({ code: 1, stdout: 'aws-kinesis: not in Grafana yet\n  + (new dashboard)\n' });
    await run(['publish']);
    expect(await run(['diff', '--exit-code'])).toMatchObject({ code: 0, stdout: 'aws-kinesis: no changes\n' });
    const changed = await run(['diff', '--exit-code', '--title', 'Other', '--profile', 'yace']);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^aws-kinesis: \d+ changes\n/);
    expect(changed.stdout).toContain('  ~ title: "Amazon Kinesis" → "Other"');
    expect(changed.stdout).toMatch(/~ panels\[0\]\.targets\[0\]\.expr: "sum\(avg_over_time\(aws_kinesis_incoming_bytes_sum\{stream_name/);
    expect((await run(['diff', '--title', 'Other'])).code).toBe(0); // without --exit-code a difference is not an error
    const broken = await run(['diff', '--exit-code'], { GRAFANA_URL: 'http://127.0.0.1:1' });
    expect(broken.code).toBe(2);
    expect(g.state.writes).toBe(1);
  });

  it('does not take a proxy\'s 404 page for "not in Grafana yet"', async () => {
    const { g, run } = await setup();
    await run(['publish']);
    g.faults.push({ match: { method: 'GET', path: '/api/dashboards/uid/aws-kinesis' }, kind: 'status', status: 404, body: '<html><body><h1>404 Not Found</h1></body></html>' });
    const r = await run(['diff', '--exit-code']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^failed aws-kinesis: GET \/api\/dashboards\/uid\/aws-kinesis: HTTP 404 with an answer that is not Grafana's/);
    expect(r.stdout).not.toContain('not in Grafana yet');
  });
});
