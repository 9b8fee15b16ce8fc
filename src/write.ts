import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors.ts';

// Synchronous file system calls on purpose: a CLI writes its files one after the other, and the
// promise API's round trips through the thread pool cost more than the writes (a fleet of 1,000
// dashboards spent most of its time waiting on them).

/** Creates the output directory, or explains why it cannot be used; `what` names the option to fix. */
export async function ensureDir(dir: string, what: string): Promise<void> {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`${what}: cannot be used as an output directory (${code}); choose a writable directory`);
  }
}

let counter = 0;

/**
 * Writes a file atomically: a temporary file in the same directory, then a rename,
 * so readers see the old content or the new, never half of one.
 */
export async function writeAtomic(path: string, content: string): Promise<void> {
  // pid + counter is unique among writers: two processes differ in pid, one process counts.
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  try {
    writeString(tmp, content);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
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
