/**
 * Production awareness: is the stack a policy is looking at a production stack?
 *
 * A policy learns the stack name from a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`):
 * the engine passes no stack name to policy packs, and the URN of every resource starts with it.
 * The decision, in order:
 *   1. the policy's config `environment`: `production` or `non-production` forces it;
 *   2. the stack tag `maildomain:environment` = `production` marks a stack as production whatever
 *      its name (a tag can only make a stack stricter: any other value is ignored, so a stack owner
 *      cannot opt out of production rules with a tag);
 *   3. the stack name matched against the policy's config `productionStacks` (glob patterns,
 *      `*` = any run of characters, `?` = one character, case-insensitive).
 *
 * Pulumi's policy config is per policy (the reserved key `all` carries only an enforcement level),
 * so every production-aware policy has `environment` and `productionStacks` in its own schema.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export type Environment = "production" | "non-production";

export const DEFAULT_PRODUCTION_STACKS: readonly string[] = ["prod", "production", "prod-*", "*-prod", "*-production"];

/** A stack tag that marks a stack as production (`pulumi stack tag set maildomain:environment production`). */
export const ENVIRONMENT_TAG = "maildomain:environment";

export interface EnvironmentConfig {
  /** `auto` (default): decide from the stack tag and `productionStacks`. */
  environment?: "auto" | Environment;
  productionStacks?: readonly string[];
}

/** The config properties every production-aware policy accepts. */
export const environmentSchema: Record<string, PolicyConfigJSONSchema> = {
  environment: {
    type: "string",
    enum: ["auto", "production", "non-production"],
    default: "auto",
    description: "Force the environment (production or non-production) instead of deciding from the stack name and the maildomain:environment stack tag.",
  },
  productionStacks: {
    type: "array",
    items: { type: "string", minLength: 1 },
    default: [...DEFAULT_PRODUCTION_STACKS],
    description: "Glob patterns (* and ?) of production stack names, matched case-insensitively against the stack name in the resource URNs.",
  },
};

export interface EnvironmentDecision {
  environment: Environment;
  /** The stack name read from the URN, when there was one. */
  stack?: string;
  /** Why, in words: used in not-applicable reasons and violation messages. */
  reason: string;
}

/** The parts of a URN: `urn:pulumi:<stack>::<project>::<parent types$type>::<name>`. */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } | undefined {
  if (typeof urn !== "string" || !urn.startsWith("urn:pulumi:")) return undefined;
  const parts = urn.slice("urn:pulumi:".length).split("::");
  if (parts.length < 4) return undefined;
  const typeChain = parts[2].split("$");
  return { stack: parts[0], project: parts[1], type: typeChain[typeChain.length - 1], name: parts.slice(3).join("::") };
}

export function stackFromUrn(urn: string): string | undefined {
  return parseUrn(urn)?.stack;
}

/** Glob match: `*` any run of characters, `?` one character, everything else literal; case-insensitive. */
export function matchesGlob(name: string, pattern: string): boolean {
  let re = GLOBS.get(pattern);
  if (!re) {
    re = globRegExp(pattern);
    if (GLOBS.size >= 256) GLOBS.clear();
    GLOBS.set(pattern, re);
  }
  return re.test(name);
}

const GLOBS = new Map<string, RegExp>();

function globRegExp(pattern: string): RegExp {
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "i");
}

export function resolveEnvironment(urn: string | undefined, stackTags: ReadonlyMap<string, string> | undefined, config: EnvironmentConfig): EnvironmentDecision {
  const stack = urn ? stackFromUrn(urn) : undefined;
  const named = stack === undefined ? "the stack" : `stack "${stack}"`;
  if (config.environment === "production" || config.environment === "non-production") {
    return { environment: config.environment, stack, reason: `${named} is ${config.environment} (forced by the policy config environment: ${config.environment})` };
  }
  const tag = stackTags?.get(ENVIRONMENT_TAG);
  if (tag !== undefined && tag.trim().toLowerCase() === "production") {
    return { environment: "production", stack, reason: `${named} is production (stack tag ${ENVIRONMENT_TAG}=production)` };
  }
  const patterns = Array.isArray(config.productionStacks) ? config.productionStacks : DEFAULT_PRODUCTION_STACKS;
  const match = stack === undefined ? undefined : patterns.find((p) => typeof p === "string" && matchesGlob(stack, p));
  if (match !== undefined) {
    return { environment: "production", stack, reason: `${named} is production (matches productionStacks pattern "${match}")` };
  }
  return {
    environment: "non-production",
    stack,
    reason: `${named} is not production (productionStacks: ${patterns.join(", ") || "none"}; set the policy config environment: production, or the stack tag ${ENVIRONMENT_TAG}=production, to treat it as production)`,
  };
}
