/**
 * Stack policies: rules over all resources of a stack (the engine passes their outputs once the
 * preview or update has run, components included), for what no single resource can tell: two SPF
 * records on one name in two resources or two DNS managers, a mail domain without DMARC.
 *
 * Unknown values: a stack policy reads every record with `viewDnsRecord`, which never throws. A
 * policy reports what it can decide from the known values; when an unknown value could change its
 * verdict it calls `undetermined(e)`, and the SDK's `UnknownValueError` is rethrown after the
 * checks, so the engine shows "can't run policy … during preview" beside any violation found.
 */
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { readConfig } from "../config";
import { beforeCitation, checkEnvironment, nonProductionMeta, PolicyMeta, policyBase, productionNote } from "../define";
import { EnvironmentConfig, EnvironmentDecision, matchesGlob } from "../environment";
import { displayOwner, OwnerName, StackRecords, stackRecords } from "../records";

export interface StackCheck<C> {
  args: StackValidationArgs;
  config: C;
  environment: EnvironmentDecision;
  records: StackRecords;
  report(message: string, urn?: string): void;
  /** An unknown value that could change the verdict (see the module comment). */
  undetermined(e: Error): void;
}

export interface StackPolicySpec<C> extends PolicyMeta {
  check(ctx: StackCheck<C>): void;
}

const cache = new WeakMap<readonly PolicyResource[], StackRecords>();
function recordsOf(resources: readonly PolicyResource[]): StackRecords {
  const hit = cache.get(resources);
  if (hit) return hit;
  const records = stackRecords(resources);
  cache.set(resources, records);
  return records;
}

export function stackPolicy<C extends object = EnvironmentConfig>(spec: StackPolicySpec<C>): StackValidationPolicy {
  const { base, defaults } = policyBase(spec);
  return {
    ...base,
    validateStack: (args, reportViolation) => {
      if (args.resources.length === 0) return args.notApplicable("The stack has no resources");
      const config = readConfig<C & EnvironmentConfig>(defaults, args.getConfig());
      const environment = checkEnvironment(spec, args.resources[0].urn, args, config);
      let unknown: Error | undefined;
      spec.check({
        args,
        config,
        environment,
        records: recordsOf(args.resources),
        report: (message, urn) => reportViolation(message, urn),
        undetermined: (e) => {
          unknown ??= e;
        },
      });
      if (unknown) throw unknown;
    },
  };
}

/** The advisory twin of a production-only stack policy: the same check outside production, each message ending with the production policy that refuses it. */
export function nonProductionStackTwin<C>(spec: StackPolicySpec<C>): StackPolicySpec<C> {
  const note = productionNote(spec.name);
  return { ...nonProductionMeta(spec), check: (ctx) => spec.check({ ...ctx, report: (message, urn) => ctx.report(beforeCitation(message, note), urn) }) };
}

/** Config knob of the stack policies that require records of every mail domain. */
export const exemptDomainsSchema = {
  exemptDomains: {
    type: "array" as const,
    items: { type: "string" as const, minLength: 1 },
    default: [] as string[],
    description: "Glob patterns (* and ?) of mail domains this policy skips, e.g. domains whose records another stack manages.",
  },
};

export function isExempt(owner: OwnerName, patterns: unknown): boolean {
  if (!Array.isArray(patterns)) return false;
  const name = displayOwner(owner);
  return patterns.some((p) => typeof p === "string" && (matchesGlob(owner.name, p) || matchesGlob(name, p)));
}
