import { writeSync } from 'node:fs';

/** Where a command reads and writes: the process in real use, buffers in tests. */
export interface Context {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Set by a command that finished but failed (e.g. problems found); thrown errors set it otherwise. */
  exitCode: number;
  /** stderr is a terminal: progress may be drawn there. */
  isTTY?: boolean;
}

/**
 * Writes straight to the file descriptor: creating process.stdout/stderr costs milliseconds of every
 * run (it loads the stream machinery). Falls back to the stream when the descriptor will not take a
 * synchronous write (a non-blocking pipe answering EAGAIN).
 */
export function writer(
  fd: 1 | 2,
  write: (fd: number, bytes: Buffer, offset: number) => number = writeSync,
  streamOf: () => { write(chunk: string | Buffer): unknown } = () => (fd === 1 ? process.stdout : process.stderr),
): (text: string) => void {
  let stream = false;
  return (text) => {
    let rest: string | Buffer = text;
    if (!stream) {
      const bytes = Buffer.from(text);
      let off = 0;
      try {
        // A pipe may take part of a large write: write the rest until all is out.
        while (off < bytes.length) off += write(fd, bytes, off);
        return;
      } catch {
        stream = true;
        rest = bytes.subarray(off); // what the descriptor took is out already: only the rest goes to the stream
      }
    }
    streamOf().write(rest);
  };
}

export function processContext(): Context {
  return {
    stdout: writer(1),
    stderr: writer(2),
    cwd: process.cwd(),
    env: process.env,
    exitCode: 0,
    // Only publish asks (for its progress line): the stream is created then, not on every run.
    get isTTY() {
      return process.stderr.isTTY === true;
    },
  };
}
