import { closeSync, mkdirSync, mkdtempSync, openSync, renameSync, rmdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';

// Synchronous file system calls on purpose: a CLI writes its files one after the other, and the
// promise API's round trips through the thread pool cost more than the writes (a fleet of 1,000
// dashboards spent most of its time waiting on them).
//
// A command's files are written as a set, in four steps: every destination is checked (nothing left
// behind: a probe directory is made and removed where writability must be tried); missing directories are created; every file is written to a temporary file beside its
// destination; then each is renamed into place. A problem before the renames leaves nothing behind
// (what was created is removed); renames within a directory do not fail for want of space, and if one
// fails anyway the error says which files were written and which were not.

/** One file of a command's output. `what` names the flag or config field that chose where it goes. */
export interface OutputFile {
  path: string;
  /** Made when its turn comes, and not kept: a fleet's texts are never all held at once. */
  content: () => string;
  what: string;
}

/** Error codes that mean "this destination cannot be used" (the user's to fix), not a failing disk. */
const DESTINATION_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ELOOP', 'ENAMETOOLONG', 'EINVAL', 'EXDEV']);

const codeOf = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE' ? 'not a valid path' : code;
};

function unusable(what: string, why: string): UsageError {
  return new UsageError(`${what}: cannot be used as an output directory (${why}); choose a writable directory`);
}

/** stat, or undefined where nothing is (a missing entry, or a path through a file); other errors name `what`. */
function statOf(path: string, what: string) {
  try {
    return statSync(path);
  } catch (err) {
    const code = codeOf(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw unusable(what, `${path}: ${code}`);
  }
}

/**
 * Whether entries can be made in the existing directory `d`: by making one (a directory, removed at
 * once). Permission bits cannot tell: root passes every access() check, yet nothing can be made below
 * /proc or on a read-only mount. `probed` keeps the answers of one check (directory → why not, or '').
 */
function probe(d: string, what: string, probed: Map<string, string>): void {
  let why = probed.get(d);
  if (why === undefined) {
    try {
      rmdirSync(mkdtempSync(join(d, '.kinesis-dashboards-probe-')));
      why = '';
    } catch (err) {
      why = `${codeOf(err)}: nothing can be created in ${d}`;
    }
    probed.set(d, why);
  }
  if (why) throw unusable(what, why);
}

/** The directories to create for `dir`, outermost first; throws when an existing part of the path cannot take them. */
function missingDirs(dir: string, what: string, probed: Map<string, string>): string[] {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    const s = statOf(d, what);
    if (!s) {
      if (dirname(d) === d) throw unusable(what, `${d} does not exist`);
      missing.unshift(d);
      continue;
    }
    if (!s.isDirectory()) throw unusable(what, `ENOTDIR: ${d} is not a directory`);
    probe(d, what, probed);
    return missing;
  }
}

/**
 * Checks every destination without touching anything: each directory exists or can be created under a
 * writable directory, and no file's place is taken by a directory or something that is not a file.
 * Returns the directories to create. Each problem is a UsageError naming the file's flag or field.
 */
export function checkDestinations(files: readonly OutputFile[]): Map<string, string> {
  const create = new Map<string, string>(); // directory → the flag or field that wants it
  const seen = new Map<string, string>();
  const probed = new Map<string, string>();
  for (const f of files) {
    const path = resolve(f.path);
    const other = seen.get(path);
    if (other !== undefined) throw new UsageError(`${f.what}: ${path} would be written twice (also by ${other}); choose different places`);
    seen.set(path, f.what);
    const parent = dirname(path);
    // One walk per directory: a fleet's thousand files share one or two.
    if (!probed.has(parent) && !create.has(parent)) for (const d of missingDirs(parent, f.what, probed)) if (!create.has(d)) create.set(d, f.what);
    const s = statOf(path, f.what);
    if (s && !s.isFile()) {
      throw new UsageError(`${f.what}: cannot write ${path}: ${s.isDirectory() ? 'a directory' : 'something that is not a file'} is in the way; remove it or choose another place`);
    }
  }
  return create;
}

let counter = 0;

/**
 * Writes the files as a set (see the top of this module) and returns their paths. Problems found
 * before the first rename leave nothing written: a UsageError naming the flag or field when the
 * destination is at fault, an Error otherwise (a full disk).
 */
export function writeFiles(files: readonly OutputFile[]): string[] {
  const dirs = checkDestinations(files);
  const made: string[] = [];
  const staged: { tmp: string; path: string }[] = [];
  const undo = () => {
    for (const s of staged) rmSync(s.tmp, { force: true });
    for (const d of made.reverse()) {
      try {
        rmdirSync(d);
      } catch {
        // not empty any more (someone else wrote there): leave it
      }
    }
  };
  try {
    for (const [d, what] of dirs) {
      try {
        mkdirSync(d); // one level at a time: { recursive: true } spins forever below /proc
      } catch (err) {
        throw unusable(what, `${codeOf(err)}: ${d}`);
      }
      made.push(d);
    }
    for (const f of files) {
      const path = resolve(f.path);
      // pid + counter is unique among writers: two processes differ in pid, one process counts.
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++counter}.tmp`);
      try {
        writeString(tmp, f.content());
        staged.push({ tmp, path });
      } catch (err) {
        rmSync(tmp, { force: true });
        const code = codeOf(err);
        if (DESTINATION_CODES.has(code)) throw unusable(f.what, `${code}: ${path}`);
        throw new Error(`${f.what}: cannot write ${path} (${code}); nothing was written`);
      }
    }
  } catch (err) {
    undo();
    throw err;
  }
  const written: string[] = [];
  for (const [i, s] of staged.entries()) {
    try {
      renameSync(s.tmp, s.path);
      written.push(s.path);
    } catch (err) {
      for (const rest of staged.slice(i)) rmSync(rest.tmp, { force: true });
      const notWritten = staged.slice(i).map((r) => r.path);
      throw new Error(
        `cannot write ${s.path} (${codeOf(err)}); ` +
          `written: ${written.length ? written.join(', ') : 'none'}; not written: ${notWritten.join(', ')}`,
      );
    }
  }
  return written;
}

/** Writes one file atomically (a temporary file, then a rename): readers see the old content or the new. */
export function writeAtomic(path: string, content: string, what = path): void {
  writeFiles([{ path, content: () => content, what }]);
}

/**
 * Creates `path` (it must not exist) holding `content` as UTF-8. A string handed to writeSync is
 * encoded by Node as it writes it: writeFileSync would first copy it into a new Buffer, and a fleet
 * of dashboards made of those copies spent its time collecting them.
 */
function writeString(path: string, content: string): void {
  const fd = openSync(path, 'wx');
  try {
    const written = writeSync(fd, content);
    // A short write (a full disk is reported as an error, not as one): write the rest from bytes.
    const bytes = written < content.length || written < Buffer.byteLength(content) ? Buffer.from(content) : undefined;
    for (let at = written; bytes && at < bytes.length; ) at += writeSync(fd, bytes, at);
  } finally {
    closeSync(fd);
  }
}
