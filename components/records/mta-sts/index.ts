/**
 * MTA-STS (RFC 8461): the `_mta-sts` TXT record (./txt), the policy file (./policy-file), and the
 * builder from the component's `mtaSts` arguments to both.
 *
 * The policy id is derived from a SHA-256 of the rendered policy file, so an unchanged policy keeps
 * its id from run to run (no DNS update call) and any change to the policy changes the id, which
 * RFC 8461 §3.1 requires for senders to refetch it.
 */
import { createHash } from "node:crypto";
import { enumArg, listArg, numberArg, objectArg, textArg } from "../args-schema";
import { Diagnostic, invalid, risky } from "../diagnostics";
import { MtaStsMode } from "../enums";
import { normalizeName, printable } from "../names";
import { uncoveredMxHosts } from "./matching";
import { MAX_MAX_AGE, MtaStsPolicy, RFC_POLICY, SHORT_MAX_AGE, checkMxPattern, renderMtaStsPolicy } from "./policy-file";
import { MtaStsTxtRecord } from "./txt";

export * from "./txt";
export * from "./policy-file";
export * from "./matching";

/** The component's `mtaSts` arguments. */
export interface MtaStsArgs {
  mode: MtaStsMode;
  /** Seconds senders cache the policy; default one week. */
  maxAge?: number;
  /** MX patterns; default the domain's own MX hosts. */
  mx?: string[];
}

export interface BuiltMtaSts {
  /** The `_mta-sts.<domain>` TXT model. */
  txt: MtaStsTxtRecord;
  policy: MtaStsPolicy;
  /** The body to serve at https://mta-sts.<domain>/.well-known/mta-sts.txt (CRLF lines). */
  policyText: string;
  id: string;
}

export const DEFAULT_MAX_AGE = 604800;
/**
 * Below one week an enforced policy protects little: a sender holds it only `max_age` seconds, and an attacker who
 * blocks the policy host when it expires downgrades the next delivery. RFC 8461 §3.2 expects "weeks or greater".
 */
export const ENFORCE_MIN_MAX_AGE = 604800;

/** The max_age rule for enforce mode, shared by the component's arguments and the check of a live policy. */
export function checkEnforceMaxAge(mode: unknown, maxAge: number, field: string): Diagnostic[] {
  if (mode !== MtaStsMode.Enforce || !Number.isInteger(maxAge) || maxAge < SHORT_MAX_AGE || maxAge >= ENFORCE_MIN_MAX_AGE) return [];
  return [
    risky(
      "mta-sts.max-age-short-for-enforce",
      "warning",
      field,
      `max_age ${maxAge} is under one week for an enforced policy: senders hold it only that long, so whoever blocks the policy host when it expires downgrades the next delivery. Use at least ${ENFORCE_MIN_MAX_AGE} (one week); 31557600 (one year) once the policy is stable.`,
      "RFC 8461 §3.2",
    ),
  ];
}
const MODES: readonly string[] = Object.values(MtaStsMode);

/** The shape of `MtaStsArgs`, for the shared argument rule (`../args-schema`). */
export const MTA_STS_ARGS = objectArg<MtaStsArgs>(
  {
    mode: enumArg(MtaStsMode),
    maxAge: numberArg("a whole number of seconds"),
    mx: listArg(textArg(), { maxItems: 50, why: "one pattern per MX host, and senders try only the first few hosts" }),
  },
  {
    example: "{ mode: testing }",
    rfc: RFC_POLICY,
    fromString: (text, key) => (MODES.includes(text.trim().toLowerCase()) ? `Write ${key}: { mode: ${text.trim().toLowerCase()} }.` : undefined),
  },
);

/** The policy id for a policy body: 32 hex digits of its SHA-256 (fits `1*32(ALPHA / DIGIT)`). */
export function policyId(policyText: string): string {
  return createHash("sha256").update(policyText, "utf8").digest("hex").slice(0, 32);
}

/**
 * Build the TXT record and policy file from the arguments. `mxHostsOfDomain` are the exchanges of
 * the domain's MX records (as `buildMx` returns them); they are the default `mx` patterns.
 * Patterns are normalized, deduplicated and sorted so the output is byte-identical run to run.
 * Call `validateMtaStsArgs` first.
 */
export function buildMtaSts(args: MtaStsArgs, mxHostsOfDomain: readonly string[]): BuiltMtaSts {
  const given = args.mx !== undefined && args.mx.length > 0 ? args.mx : mxHostsOfDomain.filter((h) => h.trim() !== ".");
  const patterns = [...new Set(given.map((m) => checkMxPattern(m, "mx").pattern).filter((p): p is string => p !== undefined))].sort();
  const policy: MtaStsPolicy = { mode: args.mode, mx: patterns, maxAge: args.maxAge ?? DEFAULT_MAX_AGE };
  const policyText = renderMtaStsPolicy(policy);
  const id = policyId(policyText);
  return { txt: { id }, policy, policyText, id };
}

/**
 * Check the `mtaSts` arguments against RFC 8461 and against the domain's MX hosts: in enforce mode
 * every MX host must match a pattern, or senders refuse to deliver to it.
 */
export function validateMtaStsArgs(args: MtaStsArgs, mxHostsOfDomain: readonly string[], field = "mtaSts"): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (args === null || typeof args !== "object") {
    return [invalid("mta-sts.args", field, `${field} must be an object { mode, maxAge?, mx? }.`, RFC_POLICY)];
  }
  const { mode, maxAge, mx } = args;
  if (!MODES.includes(mode as string)) {
    const lower = typeof mode === "string" && MODES.includes(mode.toLowerCase()) ? ` (write "${mode.toLowerCase()}" in lower case)` : "";
    diagnostics.push(invalid("mta-sts.policy-mode", `${field}.mode`, `${field}.mode "${printable(String(mode))}" must be "enforce", "testing" or "none"${lower}: start with "testing", then move to "enforce".`, RFC_POLICY));
  }
  if (maxAge !== undefined) {
    if (typeof maxAge !== "number" || !Number.isInteger(maxAge) || maxAge < 0 || maxAge > MAX_MAX_AGE) {
      diagnostics.push(invalid("mta-sts.policy-max-age", `${field}.maxAge`, `${field}.maxAge ${printable(String(maxAge))} must be a whole number of seconds from 0 to ${MAX_MAX_AGE} (one year); the default is ${DEFAULT_MAX_AGE} (one week).`, RFC_POLICY));
    } else if (maxAge < SHORT_MAX_AGE) {
      diagnostics.push(risky("mta-sts.policy-max-age-short", "warning", `${field}.maxAge`, `${field}.maxAge ${maxAge} is under one day: senders would drop the policy quickly and be unprotected between refreshes; use weeks, e.g. ${DEFAULT_MAX_AGE}.`, RFC_POLICY));
    }
  }
  const patterns: string[] = [];
  if (mx !== undefined) {
    if (!Array.isArray(mx)) {
      diagnostics.push(invalid("mta-sts.args", `${field}.mx`, `${field}.mx must be a list of MX host patterns.`, RFC_POLICY));
    } else {
      const seen = new Map<string, number>();
      mx.forEach((m, i) => {
        const c = checkMxPattern(m, `${field}.mx[${i}]`);
        diagnostics.push(...c.diagnostics);
        if (c.pattern === undefined) return;
        const first = seen.get(c.pattern);
        if (first !== undefined) {
          diagnostics.push(risky("mta-sts.policy-duplicate-mx", "warning", `${field}.mx[${i}]`, `${field}.mx[${i}] repeats ${field}.mx[${first}] (${c.pattern}): list each pattern once.`, RFC_POLICY));
        }
        seen.set(c.pattern, i);
        patterns.push(c.pattern);
      });
    }
  }
  const hosts = mxHostsOfDomain.map((h) => h.trim());
  if (hosts.includes(".")) {
    diagnostics.push(
      invalid("mta-sts.null-mx", field, `the domain publishes a null MX (it accepts no mail), so an MTA-STS policy protects nothing: remove ${field}, or replace the null MX with real MX hosts.`, "RFC 8461 §3; RFC 7505 §3"),
    );
    return diagnostics;
  }
  const domainMx = hosts.map((h) => normalizeName(h, "mx", { hostname: true }).name).filter((h) => h !== "");
  const explicit = Array.isArray(mx) && mx.length > 0;
  const enforcing = mode === MtaStsMode.Enforce || mode === MtaStsMode.Testing;
  if (enforcing && !explicit && domainMx.length === 0) {
    diagnostics.push(
      invalid("mta-sts.policy-missing-mx", `${field}.mx`, `mode ${mode} needs MX patterns, and the domain has no MX hosts to default to: give ${field}.mx or declare the domain's MX records.`, RFC_POLICY),
    );
  }
  if (enforcing && patterns.length > 0) {
    // An error in testing mode too: testing rehearses enforce, and this host would stop receiving on the switch.
    for (const host of uncoveredMxHosts(patterns, domainMx)) {
      const effect =
        mode === MtaStsMode.Enforce
          ? "in enforce mode senders refuse to deliver mail to it"
          : "in testing mode every delivery to it is reported as a failure, and mail to it stops once you switch to enforce";
      diagnostics.push(invalid("mta-sts.mx-not-covered", `${field}.mx`, `MX host ${host} matches no pattern in ${field}.mx: ${effect}. Add "${host}" (or a "*." pattern that covers it) to ${field}.mx, or leave ${field}.mx out to list the declared MX hosts.`, "RFC 8461 §4.1"));
    }
  }
  if (typeof maxAge === "number") diagnostics.push(...checkEnforceMaxAge(mode, maxAge, `${field}.maxAge`));
  return diagnostics;
}
