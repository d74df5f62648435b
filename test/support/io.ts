/** An `Io` that captures what a command writes, for in-process CLI tests. */
import { Io } from "../../cli/io";

export interface CapturedIo extends Io {
  out: string[];
  err: string[];
  readonly stdoutText: string;
  readonly stderrText: string;
}

export function captureIo(opts: { tty?: boolean; columns?: number } = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: opts.tty ?? false,
    columns: opts.columns,
    get stdoutText() {
      return out.join("");
    },
    get stderrText() {
      return err.join("");
    },
  };
}
