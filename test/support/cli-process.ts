/** Spawn the maildomain command as its own process (see run-cli.ts), and wait for it. */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "run-cli.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function finished(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c) => (stdout += c));
  child.stderr?.on("data", (c) => (stderr += c));
  return new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return finished(spawnCli(args, env));
}
