/**
 * Running a Pulumi Node.js program under the mock engine: no Pulumi CLI, no cloud account.
 *
 * The program runs in a worker thread (program-worker.ts), for two reasons a pipeline cares about:
 * - it can be stopped: after `--time-limit` seconds the thread is terminated, even in the middle
 *   of a loop that never ends, and the plan fails with a message that says so;
 * - the plan ends when the program is done, not when its event loop is empty: once its resources
 *   are registered and its exports resolved, the results come back and the thread is terminated,
 *   with any timer or socket the program left open.
 * A fresh thread also gives every run a fresh module registry and a fresh SDK instance. The mocks
 * and the config are installed on the `@pulumi/pulumi` instance the program itself resolves (a
 * program with its own node_modules has its own SDK copy), and a TypeScript program is compiled
 * in the thread as Pulumi compiles it (typescript.ts). What the program prints (console.log) is
 * passed on as `output`, so that it never mixes with the plan's own stdout (`--json`).
 */
import { Worker } from "node:worker_threads";
import type * as pulumiSdk from "@pulumi/pulumi";
import { GeneratedTestKey, RecordedResource } from "./mock-engine";
import { PulumiProject, StackConfig } from "./project";
import { DEFAULT_TIME_LIMIT_SECONDS } from "./time-limit";
import { ownSourcesLoader } from "../own-sources";


export interface ProgramLog {
  severity: "info" | "warning" | "error";
  message: string;
}

/** What the worker is given. */
export interface WorkerInput {
  projectDir: string;
  project: string;
  stack: string;
  entry: string;
  /** Compile `.ts` files as Pulumi does (Pulumi.yaml's `typescript` option). */
  typescript: boolean;
  config: Record<string, string>;
  secureKeys: string[];
}

/** What the worker sends back: the mock engine's records as plain data. */
export interface ProgramResult {
  resources: RecordedResource[];
  calls: pulumiSdk.runtime.MockCallArgs[];
  keys: Map<string, GeneratedTestKey>;
  logs: ProgramLog[];
  /** Set when the program failed. `userError` failures are bad arguments: no stack trace needed. */
  failure?: { message: string; userError: boolean; stack?: string };
  /** Every string held by a secret input or output. */
  secretTexts: string[];
}

export interface ProgramRun {
  engine: Pick<ProgramResult, "resources" | "calls" | "keys">;
  logs: ProgramLog[];
  failure?: ProgramResult["failure"] & { timedOut?: boolean };
  secretTexts: string[];
  /** What the program wrote to its stdout and stderr. */
  output: string;
}

export interface RunOptions {
  /** Seconds before the program is stopped; 0 for no limit. Default `DEFAULT_TIME_LIMIT_SECONDS`. */
  timeLimitSeconds?: number;
}

/**
 * The worker's bootstrap, evaluated as a script. When maildomain itself runs from its TypeScript
 * sources (a checkout under jest or ts-node, not the built package), the worker module needs
 * compiling too: ts-node is registered for it first (and marked as the thread's TypeScript
 * registration, so that typescript.ts does not add a second one for the program), with Node's own
 * stack trace hook put back as typescript.ts does. Then the worker module runs.
 */
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
const own = workerData.ownSources;
if (own) {
  const prepareStackTrace = Error.prepareStackTrace;
  require(own.tsNode).register(own.options);
  Error.prepareStackTrace = prepareStackTrace;
  globalThis[Symbol.for("maildomain.plan.typescript")] = { compiler: own.compiler, tsNode: own.tsNode, tsconfig: own.options.project };
}
require(workerData.workerModule).runInWorker();
`;

export async function runProgram(project: PulumiProject, stack: string, config: StackConfig, options: RunOptions = {}): Promise<ProgramRun> {
  const limit = options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS;
  const workerModule = require.resolve("./program-worker");
  const input: WorkerInput = { projectDir: project.dir, project: project.name, stack, entry: project.entry, typescript: project.typescript, config: config.values, secureKeys: config.secureKeys };
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { ...input, workerModule, ownSources: ownSourcesLoader(workerModule) }, stdout: true, stderr: true });
  let output = "";
  worker.stdout.on("data", (d: Buffer) => (output += d.toString("utf8")));
  worker.stderr.on("data", (d: Buffer) => (output += d.toString("utf8")));

  const outcome = await new Promise<{ result?: ProgramResult; failure?: ProgramRun["failure"] }>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (o: { result?: ProgramResult; failure?: ProgramRun["failure"] }) => {
      if (timer) clearTimeout(timer);
      worker.removeAllListeners("message").removeAllListeners("error").removeAllListeners("exit");
      // An error the thread raises while it is being stopped has nobody left to tell.
      worker.on("error", () => undefined);
      resolve(o);
    };
    if (limit > 0) {
      timer = setTimeout(
        () =>
          done({
            failure: {
              timedOut: true,
              userError: true,
              message: `the program did not finish within ${limit} s, so it was stopped (--time-limit ${limit}). A program that loops forever, or waits for something that never comes (a promise that never settles, a network call), never finishes: fix it, or pass a larger --time-limit if it is only slow.`,
            },
          }),
        limit * 1000,
      );
    }
    worker.once("message", (result: ProgramResult) => done({ result }));
    worker.once("error", (e: Error) => done({ failure: { message: e.message, userError: false, stack: e.stack } }));
    worker.once("exit", (code) =>
      done({
        failure: {
          userError: true,
          message:
            code === 0
              ? "the program ended before its resources were registered and its exports resolved: it called process.exit, or it waits for a promise that nothing will ever settle (nothing else was left to run). A Pulumi program must not call process.exit, and every promise it awaits must settle."
              : `the program ended the process with exit code ${code} before its resources were registered: a Pulumi program must not call process.exit.`,
        },
      }),
    );
  });
  // Whatever the program left running (timers, sockets, a loop) ends with its thread.
  await worker.terminate();
  // Output written just before the end arrives on the next turns of the event loop.
  await new Promise((r) => setImmediate(r));
  const r = outcome.result;
  return {
    engine: { resources: r?.resources ?? [], calls: r?.calls ?? [], keys: r?.keys ?? new Map() },
    logs: r?.logs ?? [],
    failure: outcome.failure ?? r?.failure,
    secretTexts: r?.secretTexts ?? [],
    output,
  };
}
