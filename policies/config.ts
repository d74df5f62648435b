/**
 * Reading a policy's config. The Pulumi engine fills in the defaults of each policy's
 * `configSchema` before it configures the pack (ReconcilePolicyPackConfig), but `getConfig()`
 * itself returns only what it was given: the policies apply the schema defaults themselves too, so
 * they behave the same under any host (the engine, the offline harness, an older CLI).
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

/** The defaults a schema declares, as a plain object. */
export function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
    if (typeof prop === "object" && prop !== null && "default" in prop) out[key] = clone(prop.default);
  }
  return out;
}

/** The policy's config with the schema defaults (see `schemaDefaults`) under it. */
export function readConfig<T extends object>(defaults: Record<string, unknown>, given: object | undefined): T {
  return { ...defaults, ...(given ?? {}) } as T;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
