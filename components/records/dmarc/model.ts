/**
 * The DMARC policy record (RFC 7489 §6.3, RFC 9989), published as TXT at `_dmarc.<domain>`.
 * `v=DMARC1` is implied: every model renders with it first.
 */
import { closestName } from "../similar";
import { Diagnostic, dedupeDiagnostics, sameCodeAndField } from "../diagnostics";
import { Alignment, DmarcPolicy } from "../enums";
import { Tag } from "../tags";
import { ReportUri, UriRules } from "../uris";

export interface DmarcRecord {
  /** Policy for the domain (required by RFC 7489; RFC 9989 treats a missing p as none). */
  p?: DmarcPolicy;
  /** Policy for existing subdomains. */
  sp?: DmarcPolicy;
  /** Policy for non-existent subdomains (RFC 9989, RFC 9091). */
  np?: DmarcPolicy;
  /** DKIM identifier alignment, r (default) or s. */
  adkim?: Alignment;
  /** SPF identifier alignment, r (default) or s. */
  aspf?: Alignment;
  /** Percentage of failing mail the policy applies to, 0–100 (removed by RFC 9989). */
  pct?: number;
  /** Aggregate report destinations. */
  rua?: ReportUri[];
  /** Failure report destinations. */
  ruf?: ReportUri[];
  /** Failure reporting options, from 0 1 d s. */
  fo?: string[];
  /** Failure report formats, afrf (removed by RFC 9989). */
  rf?: string[];
  /** Aggregate report interval in seconds (removed by RFC 9989). */
  ri?: number;
  /** Testing mode (RFC 9989): y applies the policy one level below the one given. */
  t?: "y" | "n";
  /** Public suffix domain flag (RFC 9989). */
  psd?: "y" | "n" | "u";
  /** Tags DMARC does not define: receivers ignore them. */
  extraTags?: Tag[];
}

/** Every tag RFC 7489 and RFC 9989 define, `v` first, then the canonical render order. */
export const DMARC_TAGS = ["v", "p", "sp", "np", "pct", "rua", "ruf", "adkim", "aspf", "fo", "rf", "ri", "t", "psd"] as const;

export const POLICIES: readonly string[] = Object.values(DmarcPolicy);
export const ALIGNMENTS: readonly string[] = Object.values(Alignment);
export const FAILURE_OPTIONS = ["0", "1", "d", "s"] as const;
export const REPORT_FORMATS = ["afrf"] as const;
export const MAX_RI = 4294967295;

export const RFC_TAGS = "RFC 7489 §6.3";
export const RFC_GRAMMAR = "RFC 7489 §6.4";
export const RFC_DISCOVERY = "RFC 7489 §6.6.3";
export const RFC_9989 = "RFC 9989";

/** How DMARC report URIs are parsed (RFC 7489 §6.2: mailto or https, optional `!size`). */
export const DMARC_URI_RULES: UriRules = { kind: "dmarc", schemes: ["mailto", "https"], allowSize: true, rfc: "RFC 7489 §6.2" };

/** One problem, one diagnostic: drop repeats of the same code on the same field. */
export const dedupe = (diagnostics: readonly Diagnostic[]): Diagnostic[] => dedupeDiagnostics(diagnostics, sameCodeAndField);

/** Policy strength, to spot a weaker sp/np than p. */
export function policyRank(p: DmarcPolicy | undefined): number {
  return p === DmarcPolicy.Reject ? 2 : p === DmarcPolicy.Quarantine ? 1 : 0;
}

/** The known tag closest to a misspelled one, if it is close enough to be a likely typo. */
export function closestTag(name: string): string | undefined {
  const lower = name.toLowerCase().slice(0, 32);
  if (lower.length < 2) return undefined;
  return closestName(lower, DMARC_TAGS, { limit: (n) => (n.length <= 3 ? 1 : 2) });
}
