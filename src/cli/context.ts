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
function writer(fd: 1 | 2): (text: string) => void {
  let stream = false;
  return (text) => {
    if (!stream) {
      try {
        const bytes = Buffer.from(text);
        // A pipe may take part of a large write: write the rest until all is out.
        for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
        return;
      } catch {
        stream = true;
      }
    }
    (fd === 1 ? process.stdout : process.stderr).write(text);
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
