/**
 * Building blocks of the pack's policies.
 *
 * Enforcement design. `@pulumi/policy` gives each policy one static enforcement level (the
 * policy's `enforcementLevel`, overridable per policy in the policy config file; `all` overrides
 * every policy). It has no per-stack config and no documented per-violation level (the server
 * accepts an object in `reportViolation` whose `enforcementLevel` wins, but that form is untyped,
 * undocumented, and would silently override the level an organization configured). So a rule that
 * is "mandatory in production, advisory elsewhere" is two policies with static levels:
 *  - the production policy (`spf-no-neutral-all`, mandatory) is not applicable outside production;
 *  - its twin (`spf-no-neutral-all-non-production`, advisory) is not applicable in production.
 * Each can be raised, lowered or disabled on its own in the policy config file, and what
 * `pulumi preview` prints is exactly the configured level. Rules named `…-in-production` apply only
 * in production. Production is decided by `environment.ts`.
 *
 * Policies never remediate: they only report.
 */
import type { EnforcementLevel, Policy, PolicyConfigSchema, ResourceValidationArgs, ResourceValidationPolicy, Severity } from "@pulumi/policy";
import type { ProviderRecord } from "../components/providers/formats";
import type { Diagnostic } from "../components/records/diagnostics";
import { readConfig, schemaDefaults } from "./config";
import { EnvironmentConfig, EnvironmentDecision, environmentSchema, resolveEnvironment } from "./environment";
import { DnsManager, MANAGER_NAMES, dnsManagerOf, readRecord } from "./records";

/** Where a policy applies. */
export type Applicability = "always" | "production" | "non-production";

/** Policy metadata shared by resource and stack policies. */
export interface PolicyMeta {
  name: string;
  description: string;
  enforcementLevel: Exclude<EnforcementLevel, "remediate">;
  severity: Severity;
  applies: Applicability;
  /** Knobs beyond `environment` and `productionStacks`. */
  configProperties?: PolicyConfigSchema["properties"];
  /** Policies that apply always but read the environment (e.g. a stricter threshold in production). */
  environmentAware?: boolean;
  remediationSteps?: string;
}

/** The configSchema of a policy: its knobs, plus the environment knobs when it is production-aware. */
export function configSchemaOf(meta: PolicyMeta): PolicyConfigSchema | undefined {
  const env = meta.applies !== "always" || meta.environmentAware ? environmentSchema : {};
  const properties = { ...env, ...(meta.configProperties ?? {}) };
  return Object.keys(properties).length ? { properties } : undefined;
}

/** The fields every policy object shares, built from its metadata, and its config defaults. */
export function policyBase(meta: PolicyMeta): { base: Pick<Policy, "name" | "description" | "enforcementLevel" | "severity" | "configSchema" | "remediationSteps">; defaults: Record<string, unknown> } {
  const configSchema = configSchemaOf(meta);
  return {
    base: {
      name: meta.name,
      description: meta.description,
      enforcementLevel: meta.enforcementLevel,
      severity: meta.severity,
      ...(configSchema ? { configSchema } : {}),
      ...(meta.remediationSteps ? { remediationSteps: meta.remediationSteps } : {}),
    },
    defaults: schemaDefaults(configSchema),
  };
}

/**
 * The environment, and whether the policy applies there; when it does not, the policy is marked
 * not applicable (which throws, as `notApplicable` does).
 */
export function checkEnvironment(
  meta: PolicyMeta,
  urn: string | undefined,
  args: { stackTags: ReadonlyMap<string, string>; notApplicable(reason?: string): never },
  config: EnvironmentConfig,
): EnvironmentDecision {
  const decision = resolveEnvironment(urn, args.stackTags, config);
  if (meta.applies !== "always" && decision.environment !== meta.applies) args.notApplicable(`Policy applies only ${meta.applies === "production" ? "in production" : "outside production"}: ${decision.reason}`);
  return decision;
}

/** The name of a production rule's advisory twin: `x-in-production` → `x-non-production`, `x` → `x-non-production`. */
export function nonProductionName(name: string): string {
  return `${name.replace(/-in-production$/, "")}-non-production`;
}

/** What a twin adds to each message: that production refuses it. */
export function productionNote(productionPolicy: string): string {
  return ` Advisory outside production; in production, ${productionPolicy} refuses it.`;
}

/** `note` added to a finished message before its closing citation (`… [RFC 7489 §6.3]`), where record policies put it too. */
export function beforeCitation(message: string, note: string): string {
  const citation = / \[[^[\]]+\]$/.exec(message);
  return citation ? `${message.slice(0, citation.index)}${note}${citation[0]}` : `${message}${note}`;
}

/**
 * The metadata of a production rule's advisory twin: the same rule outside production, so that a
 * development stack shows as a warning what production would refuse (a domain Gmail bounces is
 * never "all passed"). Its description and messages say so.
 */
export function nonProductionMeta<M extends PolicyMeta>(meta: M): M {
  const rest = meta.description.replace(/^In production, /, "");
  return {
    ...meta,
    name: nonProductionName(meta.name),
    // "DMARC must…" stays as is; "The domain…" becomes "the domain…".
    description: `Outside production, as an advisory: ${/^[A-Z][a-z]/.test(rest) ? rest.charAt(0).toLowerCase() + rest.slice(1) : rest}`,
    enforcementLevel: "advisory",
    applies: "non-production",
  };
}

/**
 * The advisory twin of a production-only record policy: the same check outside production, each
 * message ending with the production policy that refuses it.
 */
export function nonProductionRecordTwin<C extends object>(spec: DnsRecordPolicySpec<C>): DnsRecordPolicySpec<C> {
  const note = productionNote(spec.name);
  return {
    ...nonProductionMeta(spec),
    check: (ctx) =>
      spec.check({
        ...ctx,
        reportDiagnostic: (d) => ctx.reportDiagnostic({ ...d, message: `${d.message}${note}` }),
        report: (message) => ctx.report(`${message}${note}`),
      }),
  };
}

/** `TXT _dmarc.example.com: <message> [RFC 7489 §6.3]`. */
export function formatFinding(where: string, d: Pick<Diagnostic, "message" | "rfc">): string {
  return `${where}: ${d.message} [${d.rfc}]`;
}

export function recordLocation(record: Pick<ProviderRecord, "type" | "name">, manager: DnsManager): string {
  return `${MANAGER_NAMES[manager]} ${record.type} ${record.name === "" ? "@" : record.name}`;
}

export interface RecordCheck<C> {
  args: ResourceValidationArgs;
  record: ProviderRecord;
  manager: DnsManager;
  config: C;
  environment: EnvironmentDecision;
  /** `Cloudflare TXT example.com` */
  where: string;
  /** Report a core diagnostic: its message (which says how to fix it) and its RFC. */
  reportDiagnostic(d: Pick<Diagnostic, "message" | "rfc">): void;
  report(message: string): void;
}

export interface DnsRecordPolicySpec<C> extends PolicyMeta {
  /** Record types the policy reads (`TXT`, `MX`), or every type but some; other records are not applicable. */
  recordTypes: readonly string[] | { except: readonly string[] };
  /** Narrower applicability by owner name (e.g. only `_dmarc` names). */
  appliesToName?: (name: string) => boolean;
  /** Why it is not applicable when `appliesToName` says no. */
  nameReason?: string;
  check(ctx: RecordCheck<C>): void;
}

/**
 * A resource policy over every Cloudflare and Route 53 DNS record resource. No provider SDK is
 * imported (the pack stays small and loads fast): the resource type tokens are compared directly.
 */
export function dnsRecordPolicy<C extends object = EnvironmentConfig>(spec: DnsRecordPolicySpec<C>): ResourceValidationPolicy {
  const { base, defaults } = policyBase(spec);
  return {
    ...base,
    validateResource: (args, reportViolation) => {
      const manager = dnsManagerOf(args.type);
      if (!manager) return args.notApplicable("Policy only applies to Cloudflare and Route 53 DNS records");
      // Everything is read through the SDK's unknown-checking proxy: an unknown value throws
      // UnknownValueError and the policy server skips this resource for this policy ("can't run
      // policy during preview"). The type and name are read first, so that a record this policy
      // does not look at is not applicable rather than skipped.
      const props = args.props as Record<string, unknown>;
      const recordType = String(props.type ?? "").toUpperCase();
      const types = spec.recordTypes;
      if ("except" in types ? types.except.includes(recordType) : !types.includes(recordType)) {
        return args.notApplicable("except" in types ? `Policy does not apply to ${types.except.join(", ")} records` : `Policy only applies to ${types.join(" and ")} records`);
      }
      if (spec.appliesToName && !spec.appliesToName(typeof props.name === "string" ? props.name : "")) {
        return args.notApplicable(spec.nameReason ?? "Policy does not apply to records at this name");
      }
      const config = readConfig<C & EnvironmentConfig>(defaults, args.getConfig());
      const environment = checkEnvironment(spec, args.urn, args, config);
      const record = readRecord(args.type, props);
      if (!record) return;
      const where = recordLocation(record, manager);
      spec.check({
        args,
        record,
        manager,
        config,
        environment,
        where,
        reportDiagnostic: (d) => reportViolation(formatFinding(where, d)),
        report: (message) => reportViolation(`${where}: ${message}`),
      });
    },
  };
}
