import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import type { Context } from '../src/cli/context.ts';
import { buildParser } from '../src/cli/parser.ts';

// No YAML parser is installed: these tests read the workflow as lines. They check what matters to a
// user copying it: the steps exist, the permissions are minimal, and every `kinesis-dashboards` command
// line in it (commented alternatives included) is one our CLI accepts.

const WORKFLOW = 'examples/github-actions/publish.yml';
const text = readFileSync(new URL(`../${WORKFLOW}`, import.meta.url), 'utf8');
const lines = text.split('\n');

/** Shell words of a command line, up to the first operator; `${{ expr }}` stands for one value. */
function shellWords(line: string): string[] {
  const src = line.replace(/\$\{\{[^}]*\}\}/g, 'EXPR');
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' in ${line}`);
      word = (word ?? '') + src.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      for (; j < src.length && src[j] !== '"'; j++) s += src[j] === '\\' && /["\\$`]/.test(src[j + 1] ?? '') ? src[++j] : src[j];
      if (j >= src.length) throw new Error(`unclosed " in ${line}`);
      word = (word ?? '') + s;
      i = j;
    } else if (c === '\\') {
      word = (word ?? '') + (src[++i] ?? '');
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (/[|&;<>()]/.test(c) || (c === '2' && src[i + 1] === '>' && word === undefined)) {
      break;
    } else if (c === '#' && word === undefined) {
      break;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Every `npx kinesis-dashboards …` in the file, comments included (the Logz.io alternative must stay valid). */
const invocations = lines.flatMap((line, i) => {
  const at = line.indexOf('npx kinesis-dashboards ');
  if (at < 0) return [];
  const args = shellWords(line.slice(at)).slice(2);
  return [{ line: i + 1, text: line.trim(), args }];
});

class DryRun extends Error {}
const quiet: Context = { stdout: () => {}, stderr: () => {}, cwd: process.cwd(), env: {}, exitCode: 0 };

/** Parses a command line with the real parser, validation included, and stops before the command runs. */
async function check(args: string[]): Promise<string> {
  try {
    await buildParser({ ...quiet })
      .middleware(() => {
        throw new DryRun();
      })
      .parseAsync(args);
    return 'no command ran';
  } catch (err) {
    return err instanceof DryRun ? 'ok' : (err as Error).message;
  }
}

/** The lines of the job named `name` (up to the next job). */
function job(name: string): string[] {
  const start = lines.indexOf(`  ${name}:`);
  expect(start, `job ${name}`).toBeGreaterThan(0);
  const end = lines.findIndex((l, i) => i > start && /^ {2}\S/.test(l));
  return lines.slice(start, end < 0 ? undefined : end);
}

describe(WORKFLOW, () => {
  it('is block YAML as GitHub reads it: spaces only, even indentation, no trailing spaces', () => {
    lines.forEach((l, i) => {
      expect(l, `line ${i + 1}`).not.toMatch(/\t/);
      expect(l, `line ${i + 1}`).not.toMatch(/ $/);
      expect((l.match(/^ */)![0].length % 2), `line ${i + 1} indentation`).toBe(0);
    });
    expect(text.endsWith('\n')).toBe(true);
    // Expressions are closed and name only the secrets the README tells users to create.
    expect(text.match(/\$\{\{/g)!.length).toBe(text.match(/\}\}/g)!.length);
    expect(new Set(text.match(/secrets\.\w+/g))).toEqual(new Set(['secrets.GRAFANA_URL', 'secrets.GRAFANA_TOKEN', 'secrets.LOGZIO_API_TOKEN']));
  });

  it('runs on pull requests and on pushes to main', () => {
    expect(text).toMatch(/^on:\n {2}pull_request:\n {2}push:\n {4}branches: \[main\]\n/m);
  });

  it('asks for the least permissions: read at the top, pull-requests write only where it comments', () => {
    expect(text).toMatch(/^permissions:\n {2}contents: read\n\n/m);
    expect(text.match(/pull-requests: write/g)).toHaveLength(1);
    expect(job('diff').join('\n')).toMatch(/ {4}permissions:\n {6}contents: read\n {6}pull-requests: write\n/);
    expect(text).not.toMatch(/write-all|contents: write|pull_request_target/);
  });

  it('pins every action to a major version', () => {
    const uses = text.match(/uses: \S+/g)!;
    expect(uses.length).toBeGreaterThanOrEqual(5);
    for (const u of uses) expect(u).toMatch(/^uses: actions\/[\w-]+@v\d+$/);
  });

  it('check: npm ci, then fails when out/ is not what generate writes', () => {
    const check = job('check').join('\n');
    expect(check).toContain('- run: npm ci');
    expect(check.indexOf('npm ci')).toBeLessThan(check.indexOf('npm run generate'));
    expect(check).toMatch(/npm run generate\n(.*\n)*? *if ! git diff --exit-code -- out\/; then\n(.*\n)*? *exit 1\n/);
  });

  it('diff: on same-repository pull requests, with the secrets, comments the output only when something would change', () => {
    const diff = job('diff').join('\n');
    expect(diff).toContain("if: github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository");
    expect(diff).toContain('GRAFANA_URL: ${{ secrets.GRAFANA_URL }}');
    expect(diff).toContain('GRAFANA_TOKEN: ${{ secrets.GRAFANA_TOKEN }}');
    expect(diff).toMatch(/npx kinesis-dashboards diff .*--exit-code > diff\.txt/);
    expect(diff).toContain('if [ "$code" -ge 2 ]; then exit "$code"; fi'); // 2 = error fails the job
    expect(diff).toContain("if (process.env.DIFF_CODE === '1')");
    expect(diff).toContain('github.rest.issues.createComment');
  });

  it('publish: pushes to main only, one at a time, with the secrets and the commit as message', () => {
    const publish = job('publish').join('\n');
    expect(publish).toContain("if: github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(publish).toMatch(/concurrency:\n {6}group: kinesis-dashboards-publish\n {6}cancel-in-progress: false/);
    expect(publish).toContain('run: npx kinesis-dashboards publish --folder-title "Kinesis" --message "${{ github.sha }}"');
    expect(publish).toMatch(/# +run: npx kinesis-dashboards publish --logzio-region eu /);
    expect(publish).toContain('LOGZIO_API_TOKEN: ${{ secrets.LOGZIO_API_TOKEN }}');
  });

  it('finds the command lines to check', () => {
    expect(invocations.map((i) => i.args[0])).toEqual(['preview', 'diff', 'publish', 'publish']);
    expect(invocations.find((i) => i.text.startsWith('#'))?.args).toEqual(['publish', '--logzio-region', 'eu', '--folder-title', 'Kinesis', '--message', 'EXPR']);
  });

  it.each(invocations.map((i) => [`line ${i.line}: ${i.args.join(' ')}`, i.args] as const))('our CLI accepts %s', async (_name, args) => {
    expect(await check(args)).toBe('ok');
  });

  it('the npm scripts it runs exist and call our CLI', async () => {
    const scripts = pkg.scripts as Record<string, string>;
    for (const [, name] of text.matchAll(/npm run ([\w:-]+)/g)) {
      const script = scripts[name!];
      expect(script, `npm run ${name}`).toBeDefined();
      const words = shellWords(script!);
      if (words[0] === 'kinesis-dashboards') expect(await check(words.slice(1))).toBe('ok');
    }
  });

  it('the check itself refuses what the CLI refuses', async () => {
    expect(await check(['publish', '--folder-title', 'Kinesis', '--colour', 'red'])).toMatch(/Unknown argument: colour/);
    expect(await check(['publish', '--logzio-region', 'mars'])).toMatch(/Invalid values/);
    expect(await check(['deploy'])).toMatch(/Unknown argument: deploy/);
    expect(shellWords(`npx kinesis-dashboards diff --title "a \\"b\\"" 'c d' > out.txt 2>&1`)).toEqual(['npx', 'kinesis-dashboards', 'diff', '--title', 'a "b"', 'c d']);
  });
});
