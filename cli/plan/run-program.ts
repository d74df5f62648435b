/**
 * Running a Pulumi Node.js program in-process under the mock engine: no Pulumi CLI, no cloud
 * account. The mocks and the config are installed on the `@pulumi/pulumi` instance the program
 * itself resolves (a program with its own node_modules has its own SDK copy).
 */
import * as path from "node:path";
import type * as pulumiSdk from "@pulumi/pulumi";
import { isUserInputError } from "../../components/errors";
import { createMockEngine, duplicateUrnMessage, installMocks, MockEngine, settle } from "./mock-engine";
import { PulumiProject, StackConfig } from "./project";
import { registerTypeScript } from "./typescript";

export interface ProgramLog {
  severity: "info" | "warning" | "error";
  message: string;
}

export interface ProgramRun {
  engine: MockEngine;
  logs: ProgramLog[];
  /** Set when the program failed. `userError` failures are bad arguments: no stack trace needed. */
  failure?: { message: string; userError: boolean; stack?: string };
}

export async function runProgram(project: PulumiProject, stack: string, config: StackConfig): Promise<ProgramRun> {
  const { pulumi, packageDir } = loadSdk(project.dir);
  const engine = createMockEngine();
  const logs: ProgramLog[] = [];
  const run: ProgramRun = { engine, logs };
  const fail = (e: unknown) => {
    if (run.failure) return;
    const err = e instanceof Error ? e : new Error(String(e));
    run.failure = { message: err.message, userError: isUserInputError(err), stack: err.stack };
  };
  const restoreLog = captureLog(pulumi, logs);
  const onRejection = (reason: unknown) => fail(reason);
  process.on("unhandledRejection", onRejection);
  try {
    await installMocks(pulumi, engine, project.name, stack, false);
    pulumi.runtime.setAllConfig(config.values, config.secureKeys);
    forgetModules(project.dir);
    try {
      if (project.typescript) registerTypeScript(project.dir, packageDir);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(project.entry);
    } catch (e) {
      fail(e);
    }
    await settle(pulumi, engine);
    // Outputs that fail (a generated key the core refuses) surface as rejected promises.
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off("unhandledRejection", onRejection);
    restoreLog();
  }
  // A user's naming mistake, in the engine's words: no stack trace.
  if (!run.failure && engine.duplicateUrns.length) run.failure = { message: duplicateUrnMessage(engine.duplicateUrns), userError: true };
  const firstError = logs.find((l) => l.severity === "error");
  if (!run.failure && firstError) run.failure = { message: firstError.message, userError: false };
  return run;
}

/** The `@pulumi/pulumi` the program itself resolves (its own copy when it has one), and its folder. */
function loadSdk(programDir: string): { pulumi: typeof pulumiSdk; packageDir: string } {
  let resolved: string;
  try {
    resolved = require.resolve("@pulumi/pulumi", { paths: [programDir] });
  } catch {
    resolved = require.resolve("@pulumi/pulumi");
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { pulumi: require(resolved) as typeof pulumiSdk, packageDir: path.dirname(resolved) };
}

/** Collect what the program logs through the SDK (component warnings, notes, errors). */
function captureLog(pulumi: typeof pulumiSdk, logs: ProgramLog[]): () => void {
  const log = pulumi.log as unknown as Record<"info" | "warn" | "error", (msg: string) => Promise<void>>;
  const original = { info: log.info, warn: log.warn, error: log.error };
  log.info = async (msg) => void logs.push({ severity: "info", message: msg });
  log.warn = async (msg) => void logs.push({ severity: "warning", message: msg });
  log.error = async (msg) => void logs.push({ severity: "error", message: msg });
  return () => Object.assign(log, original);
}

/** A second plan in the same process must run the program again, not reuse the module cache. */
function forgetModules(programDir: string): void {
  const prefix = programDir.endsWith(path.sep) ? programDir : programDir + path.sep;
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(prefix) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
  }
}
