/**
 * The policy config file (`pulumi preview --policy-pack-config <file>`), resolved the way the
 * Pulumi engine does it (ReconcilePolicyPackConfig): start from each policy's enforcement level
 * and its configSchema defaults, apply `all` (which sets only the enforcement level of every
 * policy), then each policy's entry (a level string, or an object with `enforcementLevel` and
 * properties), and validate the properties against the schema. An invalid config is an error, as
 * it is for the engine.
 */
import { readFileSync } from "node:fs";
import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema, PolicyConfigJSONSchemaDefinition } from "@pulumi/policy/schema";
import { schemaDefaults } from "../config";

/** One entry of the config file: a level, or a level and the policy's properties. */
export type PolicyConfigEntry = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

/** The config file: policy name (or `all`) → entry. */
export type PolicyConfigFile = Record<string, PolicyConfigEntry>;

export interface ResolvedPolicyConfig {
  enforcementLevel: EnforcementLevel;
  /** What `getConfig()` returns: the properties, defaults applied, without `enforcementLevel`. */
  properties: Record<string, unknown>;
}

export class PolicyConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid policy config: ${problems.join("; ")}`);
    this.name = "PolicyConfigError";
  }
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

interface PolicyLike {
  name: string;
  enforcementLevel?: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
}

/** Read a policy config file (JSON, the format Pulumi reads). */
export function loadPolicyConfigFile(path: string): PolicyConfigFile {
  const text = readFileSync(path, "utf8");
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new PolicyConfigError([`${path} is not valid JSON: ${(e as Error).message}`]);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new PolicyConfigError([`${path} must hold a JSON object of policy name → config`]);
  return parsed as PolicyConfigFile;
}

function splitEntry(name: string, entry: unknown, problems: string[]): { level?: EnforcementLevel; properties: Record<string, unknown> } {
  if (typeof entry === "string") {
    if (!LEVELS.includes(entry)) problems.push(`${name}: "${entry}" is not a valid enforcement level (advisory, mandatory, remediate, disabled)`);
    return { level: LEVELS.includes(entry) ? (entry as EnforcementLevel) : undefined, properties: {} };
  }
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    problems.push(`${name}: must be an enforcement level or an object`);
    return { properties: {} };
  }
  const { enforcementLevel, ...properties } = entry as Record<string, unknown>;
  if (enforcementLevel !== undefined && (typeof enforcementLevel !== "string" || !LEVELS.includes(enforcementLevel))) {
    problems.push(`${name}: enforcementLevel ${JSON.stringify(enforcementLevel)} is not a valid enforcement level`);
    return { properties };
  }
  return { level: enforcementLevel as EnforcementLevel | undefined, properties };
}

/**
 * Resolve the config of every policy. `packLevel` is the pack's default enforcement level (the
 * PolicyPack's `enforcementLevel`, "advisory" when unset). Throws `PolicyConfigError`. Names in
 * the file that are no policy of the pack are returned as warnings (the engine ignores them).
 */
export function resolvePolicyConfig(
  policies: readonly PolicyLike[],
  file: PolicyConfigFile = {},
  packLevel: EnforcementLevel = "advisory",
): { config: Map<string, ResolvedPolicyConfig>; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  const config = new Map<string, ResolvedPolicyConfig>();
  for (const p of policies) {
    if (p.name === "all") problems.push(`a policy may not be named "all" (reserved)`);
    if (p.configSchema?.properties && "enforcementLevel" in p.configSchema.properties) problems.push(`${p.name}: enforcementLevel cannot be a config property`);
    config.set(p.name, { enforcementLevel: p.enforcementLevel ?? packLevel, properties: schemaDefaults(p.configSchema) });
  }
  if (file.all !== undefined) {
    const all = splitEntry("all", file.all, problems);
    if (all.level) for (const c of config.values()) c.enforcementLevel = all.level;
  }
  for (const [name, entry] of Object.entries(file)) {
    if (name === "all") continue;
    const c = config.get(name);
    const given = splitEntry(name, entry, problems);
    if (!c) {
      warnings.push(`policy config names "${name}", which is no policy of this pack`);
      continue;
    }
    if (given.level) c.enforcementLevel = given.level;
    Object.assign(c.properties, given.properties);
  }
  for (const p of policies) {
    const c = config.get(p.name);
    if (c && p.configSchema) problems.push(...validateProperties(p.name, p.configSchema, c.properties));
  }
  if (problems.length) throw new PolicyConfigError(problems);
  return { config, warnings };
}

/** The subset of JSON Schema the pack's schemas use: type, enum, minimum/maximum, minLength, items, minItems, required. */
function validateProperties(policy: string, schema: PolicyConfigSchema, properties: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const req of schema.required ?? []) if (!(req in properties)) problems.push(`${policy}: ${req} is required`);
  for (const [key, value] of Object.entries(properties)) {
    const prop = schema.properties[key];
    if (prop === undefined) continue; // the engine's schemas allow additional properties
    problems.push(...validateValue(`${policy}: ${key}`, prop, value));
  }
  return problems;
}

function validateValue(at: string, schema: PolicyConfigJSONSchemaDefinition, value: unknown): string[] {
  if (typeof schema === "boolean") return schema ? [] : [`${at} is not allowed`];
  const s: PolicyConfigJSONSchema = schema;
  const out: string[] = [];
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  if (types.length && !types.some((t) => hasType(value, t))) return [`${at}: ${JSON.stringify(value)} is not of type ${types.join(" or ")}`];
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) out.push(`${at}: ${JSON.stringify(value)} is not one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  if (typeof value === "number") {
    if (s.minimum !== undefined && value < s.minimum) out.push(`${at}: ${value} is less than the minimum ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) out.push(`${at}: ${value} is greater than the maximum ${s.maximum}`);
  }
  if (typeof value === "string" && s.minLength !== undefined && value.length < s.minLength) out.push(`${at}: "${value}" is shorter than ${s.minLength} characters`);
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) out.push(`${at}: needs at least ${s.minItems} items`);
    if (s.items !== undefined && !Array.isArray(s.items)) value.forEach((e, i) => out.push(...validateValue(`${at}[${i}]`, s.items as PolicyConfigJSONSchemaDefinition, e)));
  }
  return out;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "null":
      return value === null;
    default:
      return true;
  }
}
