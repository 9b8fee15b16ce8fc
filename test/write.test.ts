import * as fs from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { writeFiles } from '../src/output/write.ts';
import { tempDir } from './support/cli.ts';

// A rename that fails on the n-th call (0: never): what a file system may do after every check passed.
let failRenameAt = 0;
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  let calls = 0;
  return {
    ...real,
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      if (failRenameAt && ++calls === failRenameAt) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
      return real.renameSync(from, to);
    },
  };
});

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir());
  failRenameAt = 0;
});
afterEach(() => cleanup());

const tree = async (d: string): Promise<string[]> => (await readdir(d, { recursive: true })).map(String).sort();
const file = (name: string, content: string | (() => string), what = '--out o') => ({ path: join(dir, 'o', 'deep', name), content: typeof content === 'string' ? () => content : content, what });

describe('writeFiles: a set written whole or not at all', () => {
  it('creates the directories and writes every file, leaving no temporary file', () => {
    const paths = writeFiles([file('a.json', 'A'), file('b.json', 'B')]);
    expect(paths).toEqual([join(dir, 'o', 'deep', 'a.json'), join(dir, 'o', 'deep', 'b.json')]);
    expect(fs.readdirSync(join(dir, 'o', 'deep')).sort()).toEqual(['a.json', 'b.json']);
  });

  it('a file that cannot be made (a full disk) leaves nothing: no file, no temporary file, no new directory', async () => {
    const full = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    expect(() => writeFiles([file('a.json', 'A'), file('b.json', full)])).toThrow(/--out o: cannot write .*b\.json \(ENOSPC\); nothing was written/);
    expect(await tree(dir)).toEqual([]);
  });

  it('an existing file is kept as it was when the set fails', async () => {
    await mkdir(join(dir, 'o', 'deep'), { recursive: true });
    await writeFile(join(dir, 'o', 'deep', 'a.json'), 'old');
    await mkdir(join(dir, 'o', 'deep', 'b.json'));
    expect(() => writeFiles([file('a.json', 'new'), file('b.json', 'B')])).toThrow(UsageError);
    expect(await readFile(join(dir, 'o', 'deep', 'a.json'), 'utf8')).toBe('old');
    expect(await tree(join(dir, 'o', 'deep'))).toEqual(['a.json', 'b.json']);
  });

  it('a rename failing midway says which files were written and which were not, and leaves no temporary file', async () => {
    failRenameAt = 2;
    let error: Error | undefined;
    try {
      writeFiles([file('a.json', 'A'), file('b.json', 'B'), file('c.json', 'C')]);
    } catch (err) {
      error = err as Error;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UsageError); // the file system failed, not the user: exit 1
    expect(error!.message).toMatch(/cannot write .*b\.json \(EIO\); written: .*a\.json; not written: .*b\.json, .*c\.json/);
    expect(await tree(join(dir, 'o', 'deep'))).toEqual(['a.json']);
  });

  it('the same file twice in one set is refused before anything is written', async () => {
    expect(() => writeFiles([file('a.json', 'A', '--out o'), file('a.json', 'A', '--provisioning p')])).toThrow(/--provisioning p: .*a\.json would be written twice \(also by --out o\)/);
    expect(await tree(dir)).toEqual([]);
  });
});
