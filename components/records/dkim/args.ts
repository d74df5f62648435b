/**
 * The component's DKIM arguments (one entry per selector), their validation with field paths
 * (`dkim[1].selector`), and the builder of the key record the component publishes.
 *
 * Arguments arrive from TypeScript, but also from YAML and other languages as plain values, so the
 * validator checks types and enum values at run time.
 */
import { booleanArg, enumArg, listArg, objectArg, textArg, unknownKeys } from "../args-schema";
import { Diagnostic, Parsed, invalid, risky } from "../diagnostics";
import { DkimAlgorithm } from "../enums";
import { normalizeName, printable, validateSelector } from "../names";
import { DkimKeyRecord, RFC_KEY_RECORD, dedupe } from "./model";
import { publicKeyToDkim } from "./public-key";
import { validateDkim } from "./validate";

export interface DkimArgs {
  /** The selector: the record lives at `<selector>._domainkey.<domain>`. */
  selector: string;
  /** Key to generate when neither publicKey nor cnameTarget is given (default rsa2048). */
  algorithm?: DkimAlgorithm;
  /** An existing public key: a PEM, or the base64 `p=` value. */
  publicKey?: string;
  /** Delegate the key to a provider with a CNAME (Microsoft 365, SendGrid, Amazon SES…). */
  cnameTarget?: string;
  /** Publish `p=` empty: signatures with this selector fail from now on. */
  revoked?: boolean;
  /** Publish `t=y` while signing is being set up. */
  testing?: boolean;
}

const ALGORITHMS = Object.values(DkimAlgorithm) as string[];
const RFC_ARGS = "RFC 6376 §3.6.1";
/** A PEM of an RSA 16384-bit key has about 2,900 characters, a certificate more. */
export const MAX_PUBLIC_KEY_OCTETS = 8192;

/** The shape of one `DkimArgs` entry, for the shared argument rule (`../args-schema`). */
export const DKIM_ARGS = objectArg<DkimArgs>(
  {
    selector: textArg(),
    algorithm: enumArg(DkimAlgorithm),
    publicKey: textArg(MAX_PUBLIC_KEY_OCTETS),
    cnameTarget: textArg(),
    revoked: booleanArg,
    testing: booleanArg,
  },
  { example: '{ selector: "mail" }', rfc: RFC_ARGS },
);

/** The `dkim` list: one entry per selector. */
export const DKIM_LIST_ARGS = listArg(DKIM_ARGS, {
  why: "a domain publishes a few selectors: its own keys being rotated and one set per sending provider",
  fromString: (text, key) =>
    /^\s*(?:-----BEGIN|v=DKIM1|p=|MII)/i.test(text)
      ? `Give it as a list of selectors, each with its key: ${key}: [{ selector: "mail", publicKey: "…" }].`
      : `Give it as a list of selectors: ${key}: [{ selector: ${JSON.stringify(text.slice(0, 40))} }].`,
});

/** Validate the list of DKIM entries; every diagnostic's field is a path such as `dkim[0].selector`. */
export function validateDkimArgs(entries: readonly DkimArgs[] | unknown, field = "dkim"): Diagnostic[] {
  if (entries === undefined || entries === null) return [];
  if (!Array.isArray(entries)) {
    return [invalid("dkim.invalid-arguments", field, `${field} must be a list of selectors, for example [{ selector: "mail" }].`, RFC_ARGS)];
  }
  const out: Diagnostic[] = [];
  const selectors = new Map<string, number>();
  entries.forEach((entry: unknown, i: number) => {
    const at = `${field}[${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      out.push(invalid("dkim.invalid-arguments", at, `${at} must be an object such as { selector: "mail" }.`, RFC_ARGS));
      return;
    }
    const e = entry as Record<string, unknown>;
    out.push(...unknownKeys(e, DKIM_ARGS, at));
    out.push(...checkSelector(e.selector, `${at}.selector`, i, selectors));
    const algorithm = checkAlgorithm(e.algorithm, `${at}.algorithm`, out);
    const publicKey = e.publicKey;
    const cnameTarget = e.cnameTarget;
    for (const flag of ["revoked", "testing"] as const) {
      if (e[flag] !== undefined && typeof e[flag] !== "boolean") {
        out.push(invalid("dkim.invalid-arguments", `${at}.${flag}`, `${at}.${flag} must be true or false.`, RFC_ARGS));
      }
    }
    if (publicKey !== undefined && cnameTarget !== undefined) {
      out.push(invalid("dkim.conflicting-key-source", at, `${at} gives both publicKey and cnameTarget: a selector is either published here (publicKey) or delegated to a provider (cnameTarget). Keep one.`, RFC_ARGS));
    }
    if (cnameTarget !== undefined) {
      out.push(...checkCnameTarget(cnameTarget, `${at}.cnameTarget`));
      if (e.revoked === true) {
        out.push(invalid("dkim.cname-with-record-options", `${at}.revoked`, `${at} delegates the key with cnameTarget, so no key record is published here to revoke: remove the selector (and its CNAME) or ask the provider to revoke the key.`, RFC_ARGS));
      }
      if (e.testing === true) {
        out.push(invalid("dkim.cname-with-record-options", `${at}.testing`, `${at} delegates the key with cnameTarget, so the provider's record decides t=: remove testing.`, RFC_ARGS));
      }
    }
    if (publicKey !== undefined) {
      if (typeof publicKey !== "string") {
        out.push(invalid("dkim.invalid-arguments", `${at}.publicKey`, `${at}.publicKey must be a string: a PEM or the base64 p= value.`, RFC_ARGS));
      } else {
        const key = publicKeyToDkim(publicKey, `${at}.publicKey`);
        out.push(...key.diagnostics.filter((d) => d.severity !== "info"));
        if (key.p && algorithm) out.push(...checkAlgorithmMatch(algorithm, key.keyType, key.bits, at));
        if (e.revoked === true) {
          out.push(risky("dkim.revoked-with-key", "warning", `${at}.revoked`, `${at} is revoked, so its publicKey is not published (the record says p= empty). Remove publicKey, or remove revoked to publish the key.`, RFC_KEY_RECORD));
        }
      }
    }
  });
  return dedupe(out);
}

function checkSelector(selector: unknown, at: string, index: number, seen: Map<string, number>): Diagnostic[] {
  if (typeof selector !== "string") {
    return [invalid(selector === undefined ? "name.selector-empty" : "dkim.invalid-arguments", at, `${at} is required and must be a string, such as "mail" or "s2026".`, "RFC 6376 §3.1")];
  }
  const problems = validateSelector(selector, at);
  if (problems.length) return problems;
  // Selectors are DNS labels: case-insensitive, so "Mail" and "mail" are the same record.
  const key = selector.toLowerCase();
  if (seen.has(key)) {
    return [invalid("dkim.duplicate-selector", at, `${at} "${selector}" repeats the selector of ${at.replace(/\[\d+\]\.selector$/, "")}[${seen.get(key)}] (selectors are case-insensitive): each selector has one key record; give each key its own selector.`, "RFC 6376 §3.1")];
  }
  seen.set(key, index);
  return [];
}

function checkAlgorithm(algorithm: unknown, at: string, out: Diagnostic[]): DkimAlgorithm | undefined {
  if (algorithm === undefined) return undefined;
  if (typeof algorithm === "string" && ALGORITHMS.includes(algorithm)) return algorithm as DkimAlgorithm;
  const text = typeof algorithm === "string" ? algorithm : JSON.stringify(algorithm) ?? String(algorithm);
  const why = /1024|512|768/.test(text)
    ? " RSA keys under 2048 bits are refused: RFC 8301 and M3AAWG ask for 2048, and the 255-character limit of TXT strings is no reason to cut the key, since the component splits long records into several strings."
    : /sha1/i.test(text)
      ? " rsa-sha1 is forbidden by RFC 8301."
      : "";
  out.push(invalid("dkim.invalid-algorithm", at, `${at} "${printable(text)}" is not an algorithm this component generates; use one of ${ALGORITHMS.join(", ")}.${why}`, "RFC 8301 §3.2"));
  return undefined;
}

function checkCnameTarget(target: unknown, at: string): Diagnostic[] {
  if (typeof target !== "string") {
    return [invalid("dkim.invalid-arguments", at, `${at} must be a host name such as selector1-example-com._domainkey.example.onmicrosoft.com.`, "RFC 1035 §3.3.1")];
  }
  // Provider targets carry underscore labels (`_domainkey`), so owner-name rules apply, not LDH.
  const n = normalizeName(target, at);
  if (n.diagnostics.length) return n.diagnostics;
  if (!n.name.includes(".")) {
    return [invalid("dkim.invalid-cname-target", at, `${at} "${n.name}" is a single label: give the provider's full host name.`, "RFC 1035 §3.3.1")];
  }
  return [];
}

function checkAlgorithmMatch(algorithm: DkimAlgorithm, keyType: "rsa" | "ed25519", bits: number, at: string): Diagnostic[] {
  const wanted = algorithm === DkimAlgorithm.Ed25519 ? "ed25519" : "rsa";
  if (wanted !== keyType) {
    return [invalid("dkim.algorithm-mismatch", `${at}.algorithm`, `${at}.algorithm is ${algorithm} but publicKey is an ${keyType === "rsa" ? `RSA ${bits}-bit` : "Ed25519"} key: remove algorithm (it only chooses what to generate) or give a matching key.`, RFC_ARGS)];
  }
  const wantedBits = algorithm === DkimAlgorithm.Rsa4096 ? 4096 : algorithm === DkimAlgorithm.Rsa2048 ? 2048 : bits;
  if (bits !== wantedBits) {
    return [risky("dkim.algorithm-mismatch", "warning", `${at}.algorithm`, `${at}.algorithm is ${algorithm} but publicKey is an RSA ${bits}-bit key; the given key is published as it is. Remove algorithm to silence this.`, RFC_ARGS)];
  }
  return [];
}

export interface DkimBuildOptions {
  /** PEM or base64 `p=`; required unless revoked. */
  publicKey?: string;
  revoked?: boolean;
  testing?: boolean;
}

/**
 * The key record the component publishes: `v=DKIM1; k=…; [t=y;] p=…` (revoked: `p=` empty).
 * Diagnostics carry the tag names as fields (`p`, `k`) or `publicKey` for conversion problems.
 */
export function buildDkimRecord(opts: DkimBuildOptions): Parsed<DkimKeyRecord> {
  const diagnostics: Diagnostic[] = [];
  let keyType: "rsa" | "ed25519" = "rsa";
  let p = "";
  if (opts.publicKey !== undefined && opts.publicKey !== "") {
    const key = publicKeyToDkim(opts.publicKey, "publicKey");
    diagnostics.push(...key.diagnostics);
    keyType = key.keyType;
    p = key.p;
  } else if (!opts.revoked) {
    diagnostics.push(invalid("dkim.missing-key", "publicKey", "no public key was given: give the public key (PEM or base64), or mark the selector revoked.", RFC_KEY_RECORD));
  }
  const model: DkimKeyRecord = { version: "DKIM1", keyType };
  if (opts.testing) model.flags = ["y"];
  model.publicKey = opts.revoked ? "" : p;
  // The key's own problems were reported under publicKey: validate the rest of the record.
  const checks = validateDkim(model).filter((d) => d.field !== "p" || opts.revoked);
  return { model, diagnostics: dedupe([...diagnostics, ...checks]) };
}
