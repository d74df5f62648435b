/**
 * The enums of the public contract. They live in the pure core so that the core's builders, the
 * component's args and the importer share one definition; `components/index.ts` re-exports them.
 * String enums (not string unions) because the Pulumi component analyzer maps them to schema enums.
 */

/** The `all` mechanism that ends an SPF record (RFC 7208 §5.1). */
export enum SpfAll {
  /** `-all`: mail from any other source fails SPF. */
  Fail = "-all",
  /** `~all`: other sources soft-fail (accepted but marked). */
  SoftFail = "~all",
  /** `?all`: no assertion about other sources. */
  Neutral = "?all",
  /** `+all`: authorizes every host on the Internet. Never use it. */
  Pass = "+all",
}

/** DMARC requested handling policy (RFC 7489 §6.3 `p`, `sp`; RFC 9989 `np`). */
export enum DmarcPolicy {
  None = "none",
  Quarantine = "quarantine",
  Reject = "reject",
}

/** DMARC identifier alignment mode (RFC 7489 §6.3 `adkim`, `aspf`). */
export enum Alignment {
  Relaxed = "r",
  Strict = "s",
}

/** DKIM key algorithm and size for generated keys (RFC 8301, RFC 8463). */
export enum DkimAlgorithm {
  Rsa2048 = "rsa2048",
  Rsa4096 = "rsa4096",
  Ed25519 = "ed25519",
}

/** MTA-STS policy mode (RFC 8461 §3.2). */
export enum MtaStsMode {
  Enforce = "enforce",
  Testing = "testing",
  None = "none",
}
