/**
 * Running a Pulumi program in-process under the SDK's mocks (the mock engine of cli/plan), for
 * the component's tests. Each call starts a fresh program run.
 */
import * as pulumi from "@pulumi/pulumi";
import { createMockEngine, installMocks, MockEngine, RecordedResource, settle } from "../../cli/plan/mock-engine";

export interface ProgramRun<T> {
  engine: MockEngine;
  result: T;
  /** Resources of one type token. */
  ofType(type: string): RecordedResource[];
}

export async function runProgram<T>(program: () => T, options: { preview?: boolean; project?: string; stack?: string; stableKeys?: boolean } = {}): Promise<ProgramRun<T>> {
  const engine = createMockEngine({ stableKeys: options.stableKeys ?? true });
  await installMocks(pulumi, engine, options.project ?? "maildomain-test", options.stack ?? "dev", options.preview ?? false);
  const result = program();
  await settle(pulumi, engine);
  return { engine, result, ofType: (type) => engine.resources.filter((r) => r.type === type) };
}

/** The resolved value of an Output (under mocks outputs resolve; an unknown stays undefined). */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** Whether an Output is marked secret. */
export function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}
