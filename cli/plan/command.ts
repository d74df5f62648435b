/**
 * `maildomain plan`: run a Pulumi program offline under the mock engine, run the policy pack's
 * own policy objects on what it registered, and print the records per mail domain (or JSON, or
 * zone files). Exit 0 when nothing mandatory is violated, 1 on a mandatory violation or a failed
 * program, 2 on usage errors.
 */
import * as path from "node:path";
import { loadPolicyConfigFile, PolicyConfigError, PolicyRunResult, runPolicies } from "../../policies/harness";
import { EXIT, Io, UsageError } from "../io";
import { plannedDnsRecords, TLS_PRIVATE_KEY } from "./dns-records";
import { RecordedResource } from "./mock-engine";
import { readProject, readStackConfig } from "./project";
import { printPlan } from "./report";
import { runProgram } from "./run-program";
import { renderZoneFiles, writeZoneFiles } from "./zone-files";

export interface PlanOptions {
  cwd: string;
  stack: string;
  policyConfig?: string;
  json: boolean;
  zoneOut?: string;
}

/** The `--json` document. */
export interface PlanJson {
  /** `previewKey`: a tls key generated for this plan only, and the records whose value holds it. */
  resources: { type: string; name: string; urn: string; inputs: Record<string, unknown>; previewKey?: true }[];
  violations: { policy: string; enforcementLevel: string; message: string; urn?: string }[];
}

export async function runPlan(options: PlanOptions, io: Io): Promise<number> {
  const project = readProject(path.resolve(options.cwd));
  const config = readStackConfig(project, options.stack);
  const policyConfig = options.policyConfig ? asUsageError(() => loadPolicyConfigFile(path.resolve(options.policyConfig as string))) : undefined;
  for (const key of config.secureKeys) io.stderr(`maildomain plan: config ${key} is a secret and cannot be decrypted offline; the program sees an empty string.\n`);

  const run = await runProgram(project, options.stack, config);
  if (run.failure) {
    io.stderr(`maildomain plan: the program failed: ${run.failure.userError ? run.failure.message : (run.failure.stack ?? run.failure.message)}\n`);
    return EXIT.failed;
  }

  // Registration order depends on when outputs resolve: sort for output that diffs cleanly.
  const resources = [...run.engine.resources].sort((a, b) => a.urn.localeCompare(b.urn));
  const policies: PolicyRunResult = await asUsageErrorAsync(() => runPolicies(resources.map(toPolicyInput), { stack: options.stack, project: project.name, config: policyConfig }));
  const records = plannedDnsRecords(run.engine);
  const zoneFiles = options.zoneOut ? writeZoneFiles(path.resolve(options.zoneOut), renderZoneFiles(records)) : undefined;

  const previewKeys = new Set([...resources.filter((r) => r.type === TLS_PRIVATE_KEY).map((r) => r.urn), ...records.filter((r) => r.previewKey).map((r) => r.urn)]);
  if (options.json) {
    for (const l of run.logs) io.stderr(`${l.severity}: ${l.message}\n`);
    const doc: PlanJson = {
      resources: resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, inputs: redactSecrets(r), ...(previewKeys.has(r.urn) ? { previewKey: true as const } : {}) })),
      violations: policies.violations.map((v) => ({ policy: v.policy, enforcementLevel: v.enforcementLevel, message: v.message, ...(v.urn ? { urn: v.urn } : {}) })),
    };
    io.stdout(JSON.stringify(doc, null, 2) + "\n");
  } else {
    printPlan({ project: project.name, stack: options.stack, records, logs: run.logs, policies, resourceCount: resources.length, zoneFiles }, io);
  }
  return policies.hasMandatory ? EXIT.failed : EXIT.ok;
}

/** A policy config file that cannot be read or names invalid levels is a usage error (exit 2). */
function asUsageError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toUsageError(e);
  }
}

async function asUsageErrorAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toUsageError(e);
  }
}

function toUsageError(e: unknown): unknown {
  if (e instanceof PolicyConfigError) return new UsageError(`policy config: ${e.message}`);
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "EACCES" || code === "EISDIR") return new UsageError(`cannot read the policy config file: ${(e as Error).message}`);
  return e;
}

function toPolicyInput(r: RecordedResource) {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    inputs: r.inputs,
    custom: r.custom,
    provider: r.provider,
    parent: r.parent,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
  };
}

/** Inputs the program marked secret are not printed. */
function redactSecrets(r: RecordedResource): Record<string, unknown> {
  if (!r.secretPaths.length) return r.inputs;
  return Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, r.secretPaths.includes(k) ? "[secret]" : v]));
}
