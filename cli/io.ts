/** Where a command writes: injected so tests capture output and exit codes without a process. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stdout is a terminal (tables shorten long values, progress shows on stderr). */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Terminal width, when known. */
  columns?: number;
}

export const processIo: Io = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  columns: process.stdout.columns,
};

/** Exit codes shared by every subcommand. */
export const EXIT = {
  /** Nothing mandatory violated / no error finding. */
  ok: 0,
  /** A mandatory policy violated, an error finding, or the program failed. */
  failed: 1,
  /** Usage error, or DNS could not be asked at all. */
  usage: 2,
} as const;

/** A mistake in how the command was called: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
