import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.ts';

// `completion` is yargs' own: it prints a script for the shell in $SHELL, which asks the CLI for the words
// (`--get-yargs-completions`) as you type.
const shell = process.env.SHELL;
afterEach(() => {
  if (shell === undefined) delete process.env.SHELL;
  else process.env.SHELL = shell;
});

describe('completion', () => {
  it('prints a bash script that asks the CLI for completions, valid for bash', async () => {
    process.env.SHELL = '/bin/bash';
    const r = await cli(['completion']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('kinesis-dashboards --get-yargs-completions');
    expect(r.stdout).toContain('complete -o bashdefault -o default -F _kinesis-dashboards_yargs_completions kinesis-dashboards');
    const syntax = spawnSync('bash', ['-n'], { input: r.stdout, encoding: 'utf8' });
    expect(syntax.status, syntax.stderr).toBe(0);
  });

  it('prints a zsh script when the shell is zsh', async () => {
    process.env.SHELL = '/usr/bin/zsh';
    const r = await cli(['completion']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('compdef _kinesis-dashboards_yargs_completions kinesis-dashboards');
  });

  it('completes commands, and the flags of a command', async () => {
    const commands = await cli(['--get-yargs-completions', 'kinesis-dashboards', '']);
    expect(commands.code).toBe(0);
    expect(commands.stdout.split('\n')).toEqual(expect.arrayContaining(['generate', 'validate', 'publish', 'alerts', 'completion']));
    const flags = await cli(['--get-yargs-completions', 'kinesis-dashboards', 'generate', '--']);
    expect(flags.stdout.split('\n')).toEqual(expect.arrayContaining(['--profile', '--config', '--out', '--stdout']));
    expect(flags.stdout.split('\n')).not.toContain('--grafana-url');
  });

  it('is listed in --help', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/kinesis-dashboards completion +print a bash\/zsh completion script/);
  });
});
