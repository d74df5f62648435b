/**
 * Resource property values as the policy server hands them to policies: plain JSON with secrets
 * unwrapped, properties whose value is undefined left out, and unknown values (preview) as the
 * SDK's unknown sentinels, which its `unknownCheckingProxy` turns into `UnknownValueError`.
 *
 * Inputs recorded under the SDK's mocks spell an unknown as the SDK's `Unknown` object (or the
 * wire sentinel string) and a secret as `{ <sig>: <secret sig>, value }`; both are converted here.
 */
import * as proxyModule from "@pulumi/policy/proxy";

/** The policy SDK's sentinel for an unknown string (the same GUID the engine sends over the wire). */
export const UNKNOWN: string =
  (proxyModule as unknown as { unknownStringValue?: string }).unknownStringValue ?? "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function isSdkUnknown(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as { __pulumiUnknown?: unknown }).__pulumiUnknown === true;
}

/** A deep copy of a property bag in the form the policy server gives policies. */
export function toPolicyProps(value: Record<string, unknown> | undefined): Record<string, unknown> {
  const out = toPolicyValue(value ?? {});
  return typeof out === "object" && out !== null && !Array.isArray(out) ? (out as Record<string, unknown>) : {};
}

export function toPolicyValue(v: unknown): unknown {
  if (isSdkUnknown(v)) return UNKNOWN;
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((e) => (e === undefined ? null : toPolicyValue(e)));
  const o = v as Record<string, unknown>;
  if (o[SIG_KEY] === SECRET_SIG) return toPolicyValue(o.value);
  const out: Record<string, unknown> = {};
  for (const [k, e] of Object.entries(o)) {
    if (e === undefined) continue;
    out[k] = toPolicyValue(e);
  }
  return out;
}
