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

export function processContext(): Context {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    exitCode: 0,
    isTTY: process.stderr.isTTY === true,
  };
}
