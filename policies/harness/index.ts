/**
 * Runs the pack's policies (or any CrossGuard policies) over a list of resources, in process,
 * without starting the policy server: what the offline `maildomain plan` command and the tests use.
 *
 * It builds `ResourceValidationArgs` and `StackValidationArgs` as `@pulumi/policy`'s server does
 * (server.js: makeAnalyzeRpcFun, makeAnalyzeStackRpcFun): props wrapped in the SDK's
 * `unknownCheckingProxy`, `stackTags`, `getConfig` with the resolved config (schema defaults
 * applied, as the engine's ReconcilePolicyPackConfig does), `isType`/`asType`, `opts`, `provider`,
 * `notApplicable`; for stack policies every resource with its `parent`, `dependencies` and
 * `propertyDependencies` resolved to resource objects. Enforcement levels are resolved as the
 * server does: the configured level, else the policy's, else the pack's; `disabled` policies do
 * not run; `remediate` is reported as `mandatory` (these policies never remediate).
 *
 * Resource policies run on the custom resources' inputs (the engine analyzes custom resources
 * only); stack policies on every resource's outputs (default: its inputs), components included.
 * A policy that throws the SDK's `UnknownValueError` is skipped for that resource, as in a real
 * preview ("can't run policy … during preview"); any other exception is a `PolicyRunError`.
 */
import type {
  EnforcementLevel,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as proxyModule from "@pulumi/policy/proxy";
import { allPolicies, PACK_NAME } from "../all";
import { parseUrn } from "../environment";
import { isUnknownValueError } from "../records";
import { PolicyConfigFile, resolvePolicyConfig, ResolvedPolicyConfig } from "./config";
import { toPolicyProps } from "./values";

export { loadPolicyConfigFile, PolicyConfigError, resolvePolicyConfig } from "./config";
export type { PolicyConfigEntry, PolicyConfigFile, ResolvedPolicyConfig } from "./config";
export { UNKNOWN, toPolicyProps } from "./values";

/**
 * The server's proxy. `@pulumi/policy` exports it at runtime but its typings leave it out; its own
 * module is read directly, which also spares loading the SDK's gRPC server code.
 */
const { unknownCheckingProxy } = proxyModule as unknown as { unknownCheckingProxy<T extends object>(o: T): T };

type Policy = ResourceValidationPolicy | StackValidationPolicy;

/** A resource as the plan command records it (`cli/plan/mock-engine.ts`), or as a test writes it. */
export interface PolicyResourceInput {
  /** Type token, e.g. `cloudflare:index/dnsRecord:DnsRecord`. */
  type: string;
  name: string;
  /** `urn:pulumi:<stack>::<project>::<type>::<name>`; built from the run's stack and project when missing. */
  urn?: string;
  /** What resource policies see. Unknown values: `UNKNOWN`, or the SDK's `Unknown` from mocks. */
  inputs: Record<string, unknown>;
  /** What stack policies see; default `inputs`. */
  outputs?: Record<string, unknown>;
  /** False for component resources: resource policies do not run on them. Default true. */
  custom?: boolean;
  /** The provider reference `urn::id` (as the mocks record it), or the provider resource itself. */
  provider?: string | { type: string; name: string; urn: string; props?: Record<string, unknown> };
  /** URN of the parent resource. */
  parent?: string;
  /** URNs of the resources this one depends on. */
  dependencies?: string[];
  /** Property name → URNs of the resources its value depends on. */
  propertyDependencies?: Record<string, string[]>;
  opts?: Partial<PolicyResourceOptions>;
}

export interface RunPoliciesOptions {
  /** Stack name, used for URNs that are missing. Default `dev`. */
  stack?: string;
  /** Project name, used for URNs that are missing and the `pulumi:project` stack tag. Default `project`. */
  project?: string;
  /** The policy config, in the format of `--policy-pack-config` (see `loadPolicyConfigFile`). */
  config?: PolicyConfigFile;
  /** Stack tags (`pulumi stack tag`); `pulumi:project` is added when missing. */
  stackTags?: Record<string, string> | ReadonlyMap<string, string>;
  /** The policies to run; default every policy of this pack. */
  policies?: readonly Policy[];
  /** The pack's default enforcement level. Default `advisory`. */
  packEnforcementLevel?: EnforcementLevel;
  /** Run resource policies (default true) and stack policies (default true). */
  resourcePolicies?: boolean;
  stackPolicies?: boolean;
}

export interface PolicyViolation {
  policy: string;
  enforcementLevel: "advisory" | "mandatory";
  /** What the policy reported (the server prints `description` and this message below it). */
  message: string;
  description: string;
  /** The resource concerned; absent for a stack-wide violation. */
  urn?: string;
  kind: "resource" | "stack";
}

export interface PolicyNotApplicable {
  policy: string;
  /** Absent for a stack policy. */
  urn?: string;
  reason?: string;
}

/** A policy that could not run because a value it read is unknown (preview). */
export interface PolicySkipped {
  policy: string;
  urn?: string;
  /** As the server words it: `can't run policy '<name>' … during preview: <what was unknown>`. */
  message: string;
}

export interface PolicyRunResult {
  violations: PolicyViolation[];
  notApplicable: PolicyNotApplicable[];
  skipped: PolicySkipped[];
  /** True when a mandatory violation was found: `pulumi preview` would fail. */
  hasMandatory: boolean;
  /** The resolved config of every policy. */
  config: Map<string, ResolvedPolicyConfig>;
  /** Config entries that name no policy of the pack. */
  warnings: string[];
}

/** A policy threw something other than not-applicable or an unknown value: the server fails the run. */
export class PolicyRunError extends Error {
  constructor(
    public readonly policy: string,
    public readonly urn: string | undefined,
    public readonly cause: unknown,
  ) {
    super(`Error validating ${urn ? `resource ${urn}` : "the stack"} with policy '${policy}': ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "PolicyRunError";
  }
}

class NotApplicableError extends Error {
  constructor(public readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

/** Thrown once per policy and resource that does not apply: built without a stack trace, which nobody reads. */
function throwNotApplicable(reason?: string): never {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    throw new NotApplicableError(reason);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function isResourcePolicy(p: Policy): p is ResourceValidationPolicy {
  const v = (p as ResourceValidationPolicy).validateResource;
  return typeof v === "function" || (Array.isArray(v) && v.every((f) => typeof f === "function")) || typeof (p as ResourceValidationPolicy).remediateResource === "function";
}

function isStackPolicy(p: Policy): p is StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

function pulumiTypeOf(o: unknown): string | undefined {
  const t = (o as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof t === "string" && t.length > 0 ? t : undefined;
}

/** The server's isTypeOf: the class's Pulumi type token, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const t = pulumiTypeOf(resourceClass);
  if (t) return type === t;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean } | undefined)?.isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function freezeMap(map: Map<string, string>): ReadonlyMap<string, string> {
  return Object.freeze({
    entries: map.entries.bind(map),
    forEach: map.forEach.bind(map),
    get: map.get.bind(map),
    has: map.has.bind(map),
    keys: map.keys.bind(map),
    size: map.size,
    values: map.values.bind(map),
    [Symbol.iterator]: map[Symbol.iterator].bind(map),
  }) as ReadonlyMap<string, string>;
}

function urnOf(r: PolicyResourceInput, stack: string, project: string): string {
  if (r.urn) return r.urn;
  const parentChain = r.parent ? (r.parent.split("::")[2] ?? "") : "";
  return `urn:pulumi:${stack}::${project}::${parentChain ? `${parentChain}$` : ""}${r.type}::${r.name}`;
}

function optionsOf(r: PolicyResourceInput): PolicyResourceOptions {
  const opts: PolicyResourceOptions = {
    protect: r.opts?.protect ?? false,
    ignoreChanges: r.opts?.ignoreChanges ?? [],
    aliases: r.opts?.aliases ?? [],
    customTimeouts: r.opts?.customTimeouts ?? { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: r.opts?.additionalSecretOutputs ?? [],
  };
  if (r.opts?.deleteBeforeReplace !== undefined) opts.deleteBeforeReplace = r.opts.deleteBeforeReplace;
  const parent = r.opts?.parent ?? r.parent;
  if (parent) opts.parent = parent;
  return opts;
}

function providerOf(r: PolicyResourceInput, byUrn: Map<string, { input: PolicyResourceInput; urn: string }>): PolicyProviderResource | undefined {
  if (!r.provider) return undefined;
  if (typeof r.provider === "object") return { type: r.provider.type, name: r.provider.name, urn: r.provider.urn, props: unknownCheckingProxy(toPolicyProps(r.provider.props)) };
  const at = r.provider.lastIndexOf("::");
  const urn = at > 0 ? r.provider.slice(0, at) : r.provider;
  const parsed = parseUrn(urn);
  if (!parsed) return undefined;
  const known = byUrn.get(urn);
  return { type: parsed.type, name: parsed.name, urn, props: unknownCheckingProxy(toPolicyProps(known?.input.outputs ?? known?.input.inputs)) };
}

/** The pack's version, as the server reads it (from the pack's package.json). */
const PACK_VERSION: string = (() => {
  try {
    return String((JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { version?: unknown }).version ?? "0.0.0");
  } catch {
    return "0.0.0";
  }
})();

/** The server's "can't run" message for an unknown value. */
function skippedMessage(policy: string, e: Error): string {
  return `can't run policy '${policy}' from policy pack '${PACK_NAME}@v${PACK_VERSION}' during preview: ${e.message}`;
}

/** Run policies over resources; see the module comment. */
export async function runPolicies(resources: readonly PolicyResourceInput[], options: RunPoliciesOptions = {}): Promise<PolicyRunResult> {
  const stack = (options.stack ?? "dev").split("/").pop() as string;
  const project = options.project ?? "project";
  const policies = options.policies ?? allPolicies;
  const { config, warnings } = resolvePolicyConfig(policies, options.config ?? {}, options.packEnforcementLevel ?? "advisory");
  const given = options.stackTags;
  const tags = new Map<string, string>(given && typeof (given as ReadonlyMap<string, string>).entries === "function" ? [...(given as ReadonlyMap<string, string>).entries()] : Object.entries((given ?? {}) as Record<string, string>));
  if (!tags.has("pulumi:project")) tags.set("pulumi:project", project);
  const stackTags = freezeMap(tags);

  const items = resources.map((input) => ({ input, urn: urnOf(input, stack, project) }));
  const byUrn = new Map(items.map((i) => [i.urn, i]));
  const result: PolicyRunResult = { violations: [], notApplicable: [], skipped: [], hasMandatory: false, config, warnings };

  const levelOf = (p: Policy): EnforcementLevel => config.get(p.name)?.enforcementLevel ?? p.enforcementLevel ?? options.packEnforcementLevel ?? "advisory";
  const getConfigOf = (p: Policy) => () => ({ ...(config.get(p.name)?.properties ?? {}) }) as never;
  const reporter = (p: Policy, level: EnforcementLevel, kind: "resource" | "stack", resourceUrn?: string): ReportViolation => {
    const enforcementLevel = level === "remediate" ? "mandatory" : (level as "advisory" | "mandatory");
    return (message: string, urn?: string) => {
      result.violations.push({ policy: p.name, enforcementLevel, message, description: p.description, urn: kind === "resource" ? resourceUrn : urn, kind });
      if (enforcementLevel === "mandatory") result.hasMandatory = true;
    };
  };

  if (options.resourcePolicies !== false) {
    for (const { input, urn } of items) {
      if (input.custom === false) continue;
      for (const p of policies) {
        const level = levelOf(p);
        if (level === "disabled" || !isResourcePolicy(p)) continue;
        if (!p.validateResource) {
          result.notApplicable.push({ policy: p.name, urn, reason: "Policy does not implement validateResource" });
          continue;
        }
        const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
        const typed = validations.length === 1 ? pulumiTypeOf(validations[0]) : undefined;
        if (typed && typed !== input.type) {
          result.notApplicable.push({ policy: p.name, urn, reason: `Policy only applies to resources of type '${typed}'` });
          continue;
        }
        for (const validate of validations) {
          const props = unknownCheckingProxy(toPolicyProps(input.inputs));
          const args: ResourceValidationArgs = {
            type: input.type,
            props,
            urn,
            name: input.name,
            opts: optionsOf(input),
            stackTags,
            isType: (cls) => isTypeOf(input.type, cls),
            asType: ((cls: unknown) => (isTypeOf(input.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
            getConfig: getConfigOf(p),
            notApplicable: throwNotApplicable,
          };
          const provider = providerOf(input, byUrn);
          if (provider) args.provider = provider;
          try {
            await validate(args, reporter(p, level, "resource", urn));
          } catch (e) {
            if (isUnknownValueError(e)) result.skipped.push({ policy: p.name, urn, message: skippedMessage(p.name, e) });
            else if (e instanceof NotApplicableError) result.notApplicable.push({ policy: p.name, urn, reason: e.reason });
            else throw new PolicyRunError(p.name, urn, e);
          }
        }
      }
    }
  }

  if (options.stackPolicies !== false) {
    for (const p of policies) {
      const level = levelOf(p);
      if (level === "disabled" || !isStackPolicy(p)) continue;
      const typed = pulumiTypeOf(p.validateStack);
      if (typed && !items.some((i) => i.input.type === typed)) {
        result.notApplicable.push({ policy: p.name, reason: `Policy only applies to resources of type '${typed}'` });
        continue;
      }
      // A fresh resource graph per policy, as the server builds one per policy.
      const stackResources = buildStackResources(items, byUrn);
      const args: StackValidationArgs = { resources: stackResources, getConfig: getConfigOf(p), stackTags, notApplicable: throwNotApplicable };
      try {
        await p.validateStack(args, reporter(p, level, "stack"));
      } catch (e) {
        if (isUnknownValueError(e)) result.skipped.push({ policy: p.name, message: skippedMessage(p.name, e) });
        else if (e instanceof NotApplicableError) result.notApplicable.push({ policy: p.name, reason: e.reason });
        else throw new PolicyRunError(p.name, undefined, e);
      }
    }
  }
  return result;
}

function buildStackResources(items: readonly { input: PolicyResourceInput; urn: string }[], byUrn: Map<string, { input: PolicyResourceInput; urn: string }>): PolicyResource[] {
  const out = new Map<string, PolicyResource>();
  for (const { input, urn } of items) {
    const props = unknownCheckingProxy(toPolicyProps(input.outputs ?? input.inputs));
    const resource: PolicyResource = {
      type: input.type,
      props,
      urn,
      name: input.name,
      opts: optionsOf(input),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(input.type, cls),
      asType: ((cls: unknown) => (isTypeOf(input.type, cls) ? props : undefined)) as PolicyResource["asType"],
    };
    const provider = providerOf(input, byUrn);
    if (provider) resource.provider = provider;
    out.set(urn, resource);
  }
  for (const { input, urn } of items) {
    const resource = out.get(urn) as PolicyResource;
    if (input.parent && out.has(input.parent)) resource.parent = out.get(input.parent);
    resource.dependencies = (input.dependencies ?? []).map((d) => out.get(d)).filter((d): d is PolicyResource => d !== undefined);
    for (const [key, deps] of Object.entries(input.propertyDependencies ?? {})) {
      resource.propertyDependencies[key] = deps.map((d) => out.get(d)).filter((d): d is PolicyResource => d !== undefined);
    }
  }
  return [...out.values()];
}
