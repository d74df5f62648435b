/**
 * The DKIM key record (RFC 6376 §3.6.1), published as TXT at `<selector>._domainkey.<domain>`.
 *
 * The model keeps what the record says, tag by tag, so that a record read back from DNS and a
 * record built from the component's arguments are checked by the same `validateDkim`.
 */
import { Diagnostic, dedupeDiagnostics, sameCodeAndField } from "../diagnostics";
import { Tag } from "../tags";

export interface DkimKeyRecord {
  /** `v=`: if present it must be `DKIM1` and the first tag. */
  version?: "DKIM1";
  /** `k=`: key type, `rsa` (the default) or `ed25519` (RFC 8463). */
  keyType?: string;
  /** `h=`: acceptable hash algorithms, colon-separated (`sha256`). */
  hashAlgorithms?: string[];
  /** `s=`: service types, colon-separated (`*` or `email`). */
  serviceTypes?: string[];
  /** `t=`: flags, colon-separated (`y` testing, `s` no subdomains in i=). */
  flags?: string[];
  /** `n=`: notes for humans (qp-section), ignored by verifiers. */
  notes?: string;
  /**
   * `p=`: the public key in base64 without whitespace; `""` is a revoked key. Absent only when a
   * record read from DNS has no `p=` at all (an invalid record); builders always set it.
   */
  publicKey?: string;
  /** Tags this version does not define: verifiers ignore them (RFC 6376 §3.2). */
  extraTags?: Tag[];
}

/** The tags RFC 6376 §3.6.1 defines for key records, in canonical order. */
export const DKIM_TAGS = ["v", "k", "h", "s", "t", "n", "p"] as const;

export const KNOWN_KEY_TYPES = ["rsa", "ed25519"] as const;
export type DkimKeyType = (typeof KNOWN_KEY_TYPES)[number];

/** Hash algorithms registered for `h=` (RFC 6376 §7.7); sha1 is forbidden by RFC 8301 §3.1. */
export const KNOWN_HASHES = ["sha1", "sha256"] as const;

/** The 12-byte DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4); the raw key follows it. */
export const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export const RFC_KEY_RECORD = "RFC 6376 §3.6.1";
export const RFC_TAG_LIST = "RFC 6376 §3.2";

/** One problem, one diagnostic: drop repeats of the same code on the same field. */
export const dedupe = (diagnostics: readonly Diagnostic[]): Diagnostic[] => dedupeDiagnostics(diagnostics, sameCodeAndField);

/** Split a colon-separated tag value (`h=`, `s=`, `t=`), trimming whitespace around items. */
export function splitColonList(value: string): string[] {
  return value.split(":").map((s) => s.trim());
}
