/**
 * The program's side of `maildomain plan`, run in a worker thread (see run-program.ts): the
 * `@pulumi/pulumi` instance the program itself resolves gets the mocks and the config, the program
 * runs, and once its resources are registered and its exports resolved, what the mock engine
 * recorded goes back to the main thread as plain data. The main thread then stops the thread,
 * with whatever timers or sockets the program left behind.
 */
import * as path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import type * as pulumiSdk from "@pulumi/pulumi";
import { isUserInputError } from "../../components/errors";
import { createMockEngine, duplicateUrnMessage, installMocks, SECRET_SIG, settle, SIG_KEY } from "./mock-engine";
import { registerTypeScript } from "./typescript";
import type { ProgramLog, ProgramResult, WorkerInput } from "./run-program";

type PulumiModule = typeof pulumiSdk;

/** Entry point, called by the worker's bootstrap. */
export async function runInWorker(): Promise<void> {
  const input = workerData as WorkerInput;
  const result = await runProgramHere(input);
  parentPort?.postMessage(result);
}

async function runProgramHere(input: WorkerInput): Promise<ProgramResult> {
  const { pulumi, packageDir } = loadSdk(input.projectDir);
  const engine = createMockEngine();
  const logs: ProgramLog[] = [];
  let failure: ProgramResult["failure"];
  const fail = (e: unknown) => {
    if (failure) return;
    const err = e instanceof Error ? e : new Error(String(e));
    failure = { message: err.message, userError: isUserInputError(err), stack: err.stack };
  };
  captureLog(pulumi, logs);
  process.on("unhandledRejection", fail);
  process.on("uncaughtException", fail);
  await installMocks(pulumi, engine, input.project, input.stack, false);
  pulumi.runtime.setAllConfig(input.config, input.secureKeys);
  try {
    if (input.typescript) registerTypeScript(input.projectDir, packageDir);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported: unknown = require(input.entry);
    await resolveExports(pulumi, exported);
  } catch (e) {
    fail(e);
  }
  await settle(pulumi, engine);
  // Outputs that fail (a generated key the core refuses) surface as rejected promises.
  await new Promise((r) => setImmediate(r));
  // A user's naming mistake, in the engine's words: no stack trace.
  if (!failure && engine.duplicateUrns.length) failure = { message: duplicateUrnMessage(engine.duplicateUrns), userError: true };
  const firstError = logs.find((l) => l.severity === "error");
  if (!failure && firstError) failure = { message: firstError.message, userError: false };
  return { resources: engine.resources.map((r) => ({ ...r, inputs: plainData(r.inputs) as Record<string, unknown> })), calls: plainData(engine.calls) as ProgramResult["calls"], keys: engine.keys, logs, failure, secretTexts: [...engine.secretTexts] };
}

/**
 * As Pulumi's Node.js runtime does with the main module: an exported function is called (an
 * `export = async () => { … }` program), a promise awaited, and the stack outputs resolved.
 */
async function resolveExports(pulumi: PulumiModule, exported: unknown): Promise<void> {
  let value = exported;
  if (typeof value === "function") value = (value as () => unknown)();
  value = await value;
  if (value === undefined || value === null || typeof value !== "object") return;
  await new Promise<void>((resolve) => pulumi.output(value as Record<string, unknown>).apply(() => resolve()));
}

/** The `@pulumi/pulumi` the program itself resolves (its own copy when it has one), and its folder. */
function loadSdk(programDir: string): { pulumi: PulumiModule; packageDir: string } {
  let resolved: string;
  try {
    resolved = require.resolve("@pulumi/pulumi", { paths: [programDir] });
  } catch {
    resolved = require.resolve("@pulumi/pulumi");
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { pulumi: require(resolved) as PulumiModule, packageDir: path.dirname(resolved) };
}

/** Collect what the program logs through the SDK (component warnings, notes, errors). */
function captureLog(pulumi: PulumiModule, logs: ProgramLog[]): void {
  const log = pulumi.log as unknown as Record<"info" | "warn" | "error", (msg: string) => Promise<void>>;
  log.info = async (msg) => void logs.push({ severity: "info", message: String(msg) });
  log.warn = async (msg) => void logs.push({ severity: "warning", message: String(msg) });
  log.error = async (msg) => void logs.push({ severity: "error", message: String(msg) });
}

/**
 * A copy that a worker can post: plain objects, arrays and scalars only. Secrets are unwrapped
 * (the record keeps which inputs were secret), functions left out, class instances copied as
 * their own fields, and cycles cut.
 */
export function plainData(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== "object") return typeof value === "function" || typeof value === "symbol" ? undefined : typeof value === "bigint" ? String(value) : value;
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => plainData(v, seen) ?? null);
  const o = value as Record<string, unknown>;
  if (o[SIG_KEY] === SECRET_SIG) return plainData(o.value, seen);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const p = plainData(v, seen);
    if (p !== undefined) out[k] = p;
  }
  return out;
}
