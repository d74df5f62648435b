/**
 * A real server (knotd, dovecot, postgres) as a child of the test process, never left behind: stop() kills it
 * by its pid, a process `exit` hook kills any still running, and a watchdog shell kills it and removes its temp
 * dir if this process dies without running hooks (SIGKILL, jest tearing a worker down). Its output is kept (the
 * last 16 KB) for error messages.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const SEARCH_DIRS = ["/usr/sbin", "/usr/local/sbin", "/sbin"];

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Path of an executable on PATH, in the sbin directories or in `extraDirs`, or undefined. */
export function findProgram(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean), ...SEARCH_DIRS, ...extraDirs];
  for (const d of dirs) {
    const f = path.join(d, name);
    if (isExecutable(f)) return f;
  }
  return undefined;
}

export { isExecutable };

const live = new Set<ChildProcess>();
function killLive(): void {
  for (const c of live) {
    try {
      if (c.pid) process.kill(c.pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
}
/** Kill tracked servers when this process exits; the hook is only installed while any are running. */
function track(child: ChildProcess): void {
  if (live.size === 0) process.on("exit", killLive);
  live.add(child);
  child.once("exit", () => {
    live.delete(child);
    if (live.size === 0) process.off("exit", killLive);
  });
}

/**
 * A shell that waits for EOF on its stdin (a pipe only this process holds) and then kills the server and removes
 * the temp dir: when this process dies, however, the pipe closes. Unref'd so it never keeps node alive.
 */
function startWatchdog(pid: number, dir: string): ChildProcess {
  const script = 'read -r _ignored; kill -TERM "$0" 2>/dev/null; sleep 0.2; kill -KILL "$0" 2>/dev/null; rm -rf -- "$1"';
  const w = spawn("/bin/sh", ["-c", script, String(pid), dir], { stdio: ["pipe", "ignore", "ignore"] });
  w.on("error", () => undefined);
  w.unref();
  (w.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  w.stdin?.on("error", () => undefined);
  return w;
}

/** Ring buffer of a child's output, for error messages. */
export class OutputTail {
  private text = "";
  private total = 0;
  constructor(private readonly max = 16_384) {}
  add(chunk: Buffer | string): void {
    const s = chunk.toString();
    this.total += s.length;
    this.text = (this.text + s).slice(-this.max);
  }
  /** A position to read new output from. */
  mark(): number {
    return this.total;
  }
  /** Output added since `mark` (as much as is kept). */
  since(mark: number): string {
    return this.text.slice(Math.max(0, this.text.length - (this.total - mark)));
  }
  toString(): string {
    return this.text.trim() || "(no output)";
  }
}

export interface ServerProcess {
  child: ChildProcess;
  tail: OutputTail;
  exited: Promise<void>;
  /** Set once the process is gone: "exit code N", "signal S" or "spawn error: …". */
  exitInfo?: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Start `file args` in the foreground, watched; `dir` is the temp dir the watchdog removes if this process dies. */
export function startServerProcess(file: string, args: string[], dir: string, opts: Pick<SpawnOptions, "uid" | "gid" | "env" | "cwd"> = {}): ServerProcess {
  const tail = new OutputTail();
  const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
  let watchdog: ChildProcess | undefined;
  const s: ServerProcess = {
    child,
    tail,
    exited: Promise.resolve(),
    async stop(graceMs = 2000) {
      if (s.exitInfo === undefined && child.pid) {
        try {
          process.kill(child.pid, "SIGTERM");
        } catch {
          /* gone */
        }
        const timer = setTimeout(() => {
          try {
            process.kill(child.pid!, "SIGKILL");
          } catch {
            /* gone */
          }
        }, graceMs);
        await s.exited;
        clearTimeout(timer);
      } else {
        await s.exited;
      }
      try {
        if (watchdog?.pid) process.kill(watchdog.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    },
  };
  s.exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      s.exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
      try {
        if (watchdog?.pid) process.kill(watchdog.pid, "SIGKILL");
      } catch {
        /* gone */
      }
      resolve();
    });
    child.once("error", (e) => {
      s.exitInfo = `spawn error: ${e.message}`;
      resolve();
    });
  });
  child.stdout?.on("data", (c) => tail.add(c));
  child.stderr?.on("data", (c) => tail.add(c));
  if (child.pid) {
    track(child);
    watchdog = startWatchdog(child.pid, dir);
  }
  return s;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
