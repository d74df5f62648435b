/**
 * Running a Pulumi program in-process under the SDK's mocks (the mock engine of cli/plan), for
 * the component's tests. Each call starts a fresh program run.
 */
import * as pulumi from "@pulumi/pulumi";
import { createMockEngine, installMocks, MockEngine, RecordedResource, settle } from "../../cli/plan/mock-engine";

export interface ProgramRun<T> {
  engine: MockEngine;
  result: T;
  /** What the program logged through pulumi.log (component warnings and notes). */
  logs: { severity: "info" | "warning" | "error"; message: string }[];
  /** Resources of one type token. */
  ofType(type: string): RecordedResource[];
}

export async function runProgram<T>(program: () => T, options: { preview?: boolean; project?: string; stack?: string; stableKeys?: boolean } = {}): Promise<ProgramRun<T>> {
  const engine = createMockEngine({ stableKeys: options.stableKeys ?? true });
  await installMocks(pulumi, engine, options.project ?? "maildomain-test", options.stack ?? "dev", options.preview ?? false);
  // Under mocks pulumi.log writes to the console; tests read the messages instead.
  const logs: ProgramRun<T>["logs"] = [];
  const log = pulumi.log as unknown as Record<"info" | "warn" | "error", (msg: string) => Promise<void>>;
  const original = { info: log.info, warn: log.warn, error: log.error };
  log.info = async (m) => void logs.push({ severity: "info", message: m });
  log.warn = async (m) => void logs.push({ severity: "warning", message: m });
  log.error = async (m) => void logs.push({ severity: "error", message: m });
  try {
    const result = program();
    await settle(pulumi, engine);
    return { engine, result, logs, ofType: (type) => engine.resources.filter((r) => r.type === type) };
  } finally {
    Object.assign(log, original);
  }
}

/** The resolved value of an Output (under mocks outputs resolve; an unknown stays undefined). */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** Whether an Output is marked secret. */
export function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}
