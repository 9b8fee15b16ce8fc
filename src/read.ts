import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './errors.ts';

// Every file the tool reads from its user (a config, a dashboard, a token, a CA) goes through here:
// a size cap, so a huge file or a device (/dev/zero, /dev/urandom) fails at once instead of filling
// memory; and a nesting cap, so JSON nested thousands of levels deep is refused before any recursive
// code (the schema checks, the secret scan) could overflow the stack.

/** The most bytes read from each kind of input: far above any real one, far below trouble. */
export const MAX_BYTES = {
  /** A config file: a fleet of a thousand dashboards is ~200 KB. */
  config: 4 * 1024 * 1024,
  /** A dashboard JSON: Grafana's largest real dashboards are a few MB. */
  dashboard: 32 * 1024 * 1024,
  /** A token file. */
  secret: 64 * 1024,
  /** A PEM bundle of CA certificates (the whole Mozilla bundle is ~220 KB). */
  pem: 4 * 1024 * 1024,
} as const;

/** JSON deeper than this is not a config or a dashboard (a Grafana dashboard is ~10 levels deep). */
export const MAX_JSON_DEPTH = 64;

const codeOf = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return code.startsWith('ERR_INVALID_ARG') ? 'not a valid path' : code;
};

const mib = (n: number) => (n >= 1024 * 1024 ? `${n / 1024 / 1024} MiB` : `${n / 1024} KiB`);

const KIND: Record<string, string> = {
  isCharacterDevice: 'a character device',
  isBlockDevice: 'a block device',
  isSocket: 'a socket',
  isDirectory: 'a directory',
};

/**
 * Reads a file named by the user, at most `max` bytes. `what` names the flag or field ("--config kd.json")
 * and `fix` says what to pass instead. A regular file or a pipe (`<(...)`) is read; a directory, a
 * device or a socket is refused without reading. Errors are UsageErrors.
 */
export function readBounded(cwd: string, path: string, what: string, max: number, fix: string): Buffer {
  let fd: number;
  try {
    // Non-blocking open: a FIFO without a writer, or a device that blocks on open, must not hang the check below.
    fd = openSync(resolve(cwd, path), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new UsageError(`${what}: cannot read it (${codeOf(err)}); ${fix}`);
  }
  try {
    const stat = fstatSync(fd);
    const kind = Object.keys(KIND).find((k) => (stat as unknown as Record<string, () => boolean>)[k]!());
    if (kind) throw new UsageError(`${what}: is ${KIND[kind]}, not a file; ${fix}`);
    if (stat.isFIFO()) {
      // A pipe is read as it comes: reopened blocking, so reads wait for the writer rather than spin.
      closeSync(fd);
      fd = -1;
      fd = openSync(resolve(cwd, path), 'r');
    } else if (stat.size > max) {
      throw new UsageError(`${what}: ${stat.size} bytes, more than the ${mib(max)} this tool reads; ${fix}`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, max + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > max) throw new UsageError(`${what}: more than the ${mib(max)} this tool reads; ${fix}`);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${what}: cannot read it (${codeOf(err)}); ${fix}`);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** Text that must be UTF-8: a byte that is not (a binary file) is refused rather than turned into U+FFFD. */
export function utf8(bytes: Buffer, what: string, fix: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UsageError(`${what}: not UTF-8 text; ${fix}`);
  }
}

/**
 * The deepest nesting of arrays and objects in a JSON text, counted without parsing (strings skipped),
 * stopping as soon as it passes `limit`: linear, no recursion.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c /* \ */) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

/** A file that was read but is not JSON (or nests too deep): `validate` reports it as the file's problem. */
export class JsonSyntaxError extends UsageError {
  override name = 'JsonSyntaxError';
  constructor(
    message: string,
    /** The problem in a file's own terms, without the file's name. */
    readonly problem: string,
  ) {
    super(message);
  }
}

/** Parses JSON text for `what`; bad syntax or nesting deeper than MAX_JSON_DEPTH is a JsonSyntaxError. */
export function parseJsonText(text: string, what: string, fix = 'fix the syntax'): unknown {
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw new JsonSyntaxError(`${what}: nested more than ${MAX_JSON_DEPTH} levels deep; this is not a config or a dashboard`, `nested more than ${MAX_JSON_DEPTH} levels deep: not a dashboard`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const detail = (err as Error).message;
    throw new JsonSyntaxError(`${what}: not valid JSON (${detail}); ${fix}`, `not valid JSON: ${detail}`);
  }
}

/** Reads and parses a JSON file named by the user: bounded in size and depth; every problem a UsageError naming `what`. */
export function readJsonFile(cwd: string, path: string, what: string, max: number, fix: string): unknown {
  return parseJsonText(utf8(readBounded(cwd, path, what, max, fix), what, fix), what);
}
