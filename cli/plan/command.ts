/**
 * `maildomain plan`: run a Pulumi program offline under the mock engine, run the policy pack's
 * own policy objects on what it registered, and print the records per mail domain (or JSON, or
 * zone files). Exit 0 when nothing mandatory is violated, 1 on a mandatory violation or a failed
 * program (including one stopped by `--time-limit`), 2 on usage errors.
 *
 * Secrets are printed as `pulumi preview` prints them, `[secret]`, in every output (redact.ts).
 */
import * as path from "node:path";
import { allPolicies } from "../../policies/all";
import { loadPolicyConfigFile, PolicyConfigError, PolicyRunResult, runPolicies } from "../../policies/harness";
import { EXIT, Io, UsageError } from "../io";
import { plannedDnsRecords, TLS_PRIVATE_KEY } from "./dns-records";
import { RecordedResource } from "./mock-engine";
import { checkPolicyConfigNames } from "./policy-config";
import { readProject, readStackConfig } from "./project";
import { Redactor, SECRET } from "./redact";
import { printPlan } from "./report";
import { runProgram } from "./run-program";
import { DEFAULT_TIME_LIMIT_SECONDS } from "./time-limit";
import { renderZoneFiles, writeZoneFiles } from "./zone-files";

export interface PlanOptions {
  cwd: string;
  stack: string;
  policyConfig?: string;
  json: boolean;
  zoneOut?: string;
  /** Seconds the program may run (0: no limit); default `DEFAULT_TIME_LIMIT_SECONDS`. */
  timeLimit?: number;
}

/** The `--json` document. */
export interface PlanJson {
  /** `previewKey`: a tls key generated for this plan only, and the records whose value holds it. */
  resources: { type: string; name: string; urn: string; inputs: Record<string, unknown>; previewKey?: true }[];
  violations: { policy: string; enforcementLevel: string; message: string; urn?: string }[];
}

export async function runPlan(options: PlanOptions, io: Io): Promise<number> {
  const project = readProject(path.resolve(options.cwd));
  // As the Pulumi CLI, a stack needs no stack file; but beside other stack files a missing one is a typo.
  const config = readStackConfig(project, options.stack, { missing: "error-unless-none" });
  const policyConfig = options.policyConfig ? asUsageError(() => loadPolicyConfigFile(path.resolve(options.policyConfig as string))) : undefined;
  if (policyConfig) checkPolicyConfigNames(policyConfig, allPolicies, options.policyConfig as string);
  for (const key of config.secureKeys) io.stderr(`maildomain plan: config ${key} is a secret and cannot be decrypted offline; the program sees an empty string.\n`);

  const run = await runProgram(project, options.stack, config, { timeLimitSeconds: options.timeLimit ?? DEFAULT_TIME_LIMIT_SECONDS });
  const redactor = new Redactor(run.secretTexts);
  if (run.output) io.stderr(redactor.text(run.output.endsWith("\n") ? run.output : `${run.output}\n`));
  if (run.failure) {
    const f = run.failure;
    io.stderr(`maildomain plan: ${f.timedOut ? "" : "the program failed: "}${redactor.text(f.userError ? f.message : (f.stack ?? f.message))}\n`);
    return EXIT.failed;
  }

  // Registration order depends on when outputs resolve: sort for output that diffs cleanly.
  const resources = [...run.engine.resources].sort((a, b) => a.urn.localeCompare(b.urn));
  const policies: PolicyRunResult = await asUsageErrorAsync(() => runPolicies(resources.map(toPolicyInput), { stack: options.stack, project: project.name, config: policyConfig }));
  for (const v of policies.violations) v.message = redactor.text(v.message);
  const logs = run.logs.map((l) => ({ ...l, message: redactor.text(l.message) }));
  const records = plannedDnsRecords(run.engine);
  const zoneFiles = options.zoneOut ? writeZoneFiles(path.resolve(options.zoneOut), renderZoneFiles(records)) : undefined;

  const previewKeys = new Set([...resources.filter((r) => r.type === TLS_PRIVATE_KEY).map((r) => r.urn), ...records.filter((r) => r.previewKey).map((r) => r.urn)]);
  if (options.json) {
    for (const l of logs) io.stderr(`${l.severity}: ${l.message}\n`);
    const doc: PlanJson = {
      resources: resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, inputs: redactSecrets(r), ...(previewKeys.has(r.urn) ? { previewKey: true as const } : {}) })),
      violations: policies.violations.map((v) => ({ policy: v.policy, enforcementLevel: v.enforcementLevel, message: v.message, ...(v.urn ? { urn: v.urn } : {}) })),
    };
    io.stdout(JSON.stringify(doc, null, 2) + "\n");
  } else {
    printPlan({ project: project.name, stack: options.stack, records, logs, policies, resourceCount: resources.length, zoneFiles }, io);
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
    opts: { additionalSecretOutputs: r.additionalSecretOutputs },
  };
}

/** Inputs the program (or a secret output they derive from) made secret are printed as `[secret]`. */
function redactSecrets(r: RecordedResource): Record<string, unknown> {
  if (!r.secretPaths.length) return r.inputs;
  return Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, r.secretPaths.includes(k) ? SECRET : v]));
}
