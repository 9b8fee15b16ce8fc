import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { cli } from '../support/cli.ts';

describe('the CLI', () => {
  it('prints --version', async () => {
    expect(await cli(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it.each([[[]], [['generate']], [['catalog']], [['validate']], [['publish']], [['diff']], [['preview']]])('has --help for %j', async (args) => {
    const r = await cli([...args, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Options:/);
  });

  it('asks for a command', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/name a command/);
  });

  it('refuses an unknown command', async () => {
    const r = await cli(['deploy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown argument: deploy/);
  });

  it('shows a stack trace only with --debug', async () => {
    const plain = await cli(['validate', 'missing.json']);
    const debug = await cli(['validate', 'missing.json', '--debug']);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
