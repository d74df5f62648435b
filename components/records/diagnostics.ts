/**
 * Diagnostics: the one currency every layer trades in.
 *
 * The core never throws on user input; it returns diagnostics. Each one says what is wrong, where
 * (the tag, term or field), how to fix it, which RFC section sets the rule, and whether the
 * problem breaks the standard (receivers ignore the record or treat it as a permanent error) or is
 * valid but risky (`+all`, `p=none`, a 1024-bit key). The component refuses the first kind and
 * warns about the second; the policy pack decides about the second per environment; the live
 * check reports both at their severity.
 */

export type Severity = "error" | "warning" | "info";

export interface Diagnostic {
  /** Stable code namespaced by record kind: `spf.…`, `dkim.…`, `dmarc.…`, `mx.…`, `mta-sts.…`, `tls-rpt.…`, `bimi.…`, `name.…`, `txt.…`. */
  code: string;
  severity: Severity;
  /** The tag, term or argument the problem concerns (`pct`, `ip4:300.1.1.1`, `selector`). */
  field: string;
  /** What is wrong and how to fix it, in words a person understands. */
  message: string;
  /** The rule's source, e.g. `RFC 7208 §4.6.4`. */
  rfc: string;
  /**
   * True when the record breaks the standard: receivers ignore it or treat it as a permanent
   * error. False when the record is valid but risky, or the diagnostic is only informational.
   */
  breaksStandard: boolean;
}

/** What every parser returns: never an exception, always a model (possibly partial) and diagnostics. */
export interface Parsed<M> {
  model: M;
  diagnostics: Diagnostic[];
}

/** A problem that breaks the standard: always an error. */
export function invalid(code: string, field: string, message: string, rfc: string): Diagnostic {
  return { code, severity: "error", field, message, rfc, breaksStandard: true };
}

/** A setting that is valid to the RFC but risky or discouraged. */
export function risky(code: string, severity: Severity, field: string, message: string, rfc: string): Diagnostic {
  return { code, severity, field, message, rfc, breaksStandard: false };
}

/** Information a reader should know (a revoked key, a tag removed by a newer RFC). */
export function note(code: string, field: string, message: string, rfc: string): Diagnostic {
  return { code, severity: "info", field, message, rfc, breaksStandard: false };
}

/** The same problem: code, field and message. */
export const sameProblem = (d: Diagnostic): string => `${d.code}\u0000${d.field}\u0000${d.message}`;
/** The same code on the same field, whatever the message says. */
export const sameCodeAndField = (d: Diagnostic): string => `${d.code}\u0000${d.field}`;

/** One diagnostic per problem: later repeats (by `key`) are dropped, the order kept. */
export function dedupeDiagnostics(diagnostics: readonly Diagnostic[], key: (d: Diagnostic) => string = sameProblem): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const k = key(d);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Diagnostics that make the record unusable: the component refuses these. */
export function standardViolations(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.breaksStandard);
}

/** Prefix every diagnostic's field with a path, e.g. `dmarc.rua[0]`. */
export function withFieldPrefix(prefix: string, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => ({ ...d, field: d.field ? `${prefix}.${d.field}` : prefix }));
}

/**
 * One line per diagnostic, without the severity: every channel states its own (a Pulumi log
 * message is already a warning or an error): `spf.pass-all (all): message [RFC 7208 §5.1]`.
 */
export function describeDiagnostic(d: Diagnostic): string {
  const where = d.field ? ` (${d.field})` : "";
  return `${d.code}${where}: ${d.message} [${d.rfc}]`;
}
